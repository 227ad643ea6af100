// The conformance suite every resource-type plugin passes (see Meshwork's docs/plugins.md).
import { runConformance } from '#sdk/testing';
import deckPlugin from '../src/index.ts';

runConformance(() => [deckPlugin()], {
  resourceType: 'deck',
  protocol: 'deck',
  async createResource(server, userId) {
    const res = await server.api(userId, 'POST', '/api/v1/deck/boards', { title: 'Conformance' });
    if (res.status !== 201) throw new Error(`create: ${res.status}`);
    return res.body.id as string;
  },
  async access({ owner, incoming }) {
    const arm = incoming.protocol.protocols.deck ?? {};
    const res = await fetch(`${owner.origin}/plugins/deck/boards/${String(arm.uri)}`, {
      headers: { authorization: `Bearer ${String(arm.sharedSecret)}` },
    });
    return res.status;
  },
});
