// The plugin conformance suite (#sdk/testing) for the chat plugin's `chat-room` resource type.
import { runConformance, signedPost } from '#sdk/testing';
import { chatPlugin } from '../../plugins/chat/index.ts';

runConformance(() => [chatPlugin()], {
  resourceType: 'chat-room',
  protocol: 'chat',
  async createResource(server, userId) {
    const res = await server.api(userId, 'POST', '/api/v1/chat/rooms', { name: 'Conformance', members: [] });
    if (res.status !== 201) throw new Error(`room: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.room.id as string;
  },
  // The recipient's server pulls the room's history, signed, with the room secret from the share.
  async access({ owner, recipient, incoming }) {
    const arm = incoming.protocol.protocols.chat ?? {};
    const res = await signedPost(recipient, owner, '/plugins/chat/s2s/pull', {
      roomId: arm.roomId,
      secret: arm.roomSecret,
    });
    return res.status;
  },
  signedRoutes: ['/plugins/chat/s2s/pull', '/plugins/chat/s2s/events', '/plugins/chat/s2s/actions'],
});
