import { runConformance, signedPost } from '#sdk/testing';
import deckPlugin from '../server/index.ts';
import type { BoardView } from '../server/shared.ts';
import { deckProtocol } from '../server/mirror-service.ts';

runConformance(() => [deckPlugin({ attachments: false })], {
  resourceType: 'deck-board',
  protocol: 'deck',
  async createResource(server, userId) {
    const res = await server.api<BoardView>(userId, 'POST', '/api/v1/deck/boards', { title: 'Conformance' });
    if (res.status !== 201) throw new Error(`create board: ${res.status}`);
    return res.body.id;
  },
  // The recipient's server pulls the board's events with the share's secret, signed.
  async access({ owner, recipient, incoming }) {
    const arm = deckProtocol.parse(incoming.protocol.protocols.deck);
    const res = await signedPost(recipient, owner, '/plugins/deck/s2s/pull', {
      boardId: arm.boardId,
      secret: arm.sharedSecret,
      after: 0,
    });
    return res.status;
  },
  badProtocols: ['not an object', {}, [1, 2], { boardId: 'x', sharedSecret: 'short' }],
  signedRoutes: ['/plugins/deck/s2s/events', '/plugins/deck/s2s/actions', '/plugins/deck/s2s/pull'],
});
