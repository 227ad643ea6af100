import assert from 'node:assert/strict';
import { eventually } from '../../../test/harness/test-server.ts';
import { event, objectsOf, ownerPut, shareAndAccept, start, type Node } from './testing/federation-nodes.ts';

/**
 * The recipient's server demands the OCM code flow (`must-exchange-token`): the share carries the requirement, the
 * recipient's server pulls and writes with a bearer token exchanged for the secret, and exchanges again when the
 * owner stops taking the token (expiry).
 */
describe('federated calendars with a must-exchange-token recipient', function () {
  this.timeout(60_000);
  let a: Node;
  let b: Node;
  let alice: string;
  let bob: string;
  let calId: string;
  let copyId: string;

  before(async () => {
    [a, b] = await Promise.all([start(), start(undefined, { MESHWORK_CRITERIA: 'must-exchange-token' })]);
    alice = await a.server.user('alice', 'Alice');
    bob = await b.server.user('bob', 'Bob');
    calId = (await a.services.calendars.create({ ownerId: 'alice', uri: 'ops', props: { displayName: 'Ops' } })).id;
    await ownerPut(a, calId, 'one.ics', event('one', 'One'));
  });
  after(async () => Promise.all([a, b].map((n) => n?.server.destroy())));

  it('shares and pulls with an exchanged token; the owner refuses the raw secret', async () => {
    const s = await shareAndAccept(a, alice, calId, b, bob, 'bob', ['read', 'write']);
    copyId = s.copyId;
    assert.deepEqual(
      (await objectsOf(b, bob, copyId)).map((o) => o.uri),
      ['one.ics'],
    );
    const incoming = (await b.server.api(bob, 'GET', '/api/v1/shares/incoming')).body.find(
      (x: any) => x.resourceType === 'calendar',
    );
    const held = await b.server.engine.shares.getIncoming(incoming.id);
    const arm = held!.protocol.protocols.webdav!;
    assert.deepEqual(arm.requirements, ['must-exchange-token']);
    const raw = await fetch(String(arm.url), {
      method: 'PROPFIND',
      headers: { authorization: `Bearer ${String(arm.sharedSecret)}`, depth: '0' },
    });
    assert.equal(raw.status, 401);
    const tokens = await a.server.engine.database.db.selectFrom('access_tokens').selectAll().execute();
    assert.ok(tokens.length >= 1, 'the recipient exchanged the secret at the owner');
  });

  it('an owner change arrives, and a write goes through, with the token', async () => {
    await ownerPut(a, calId, 'two.ics', event('two', 'Two'));
    await eventually(
      async () => (await objectsOf(b, bob, copyId)).some((o) => o.uri === 'two.ics'),
      10_000,
      'two.ics on the copy',
    );
    const put = await b.server.api(bob, 'PUT', `/api/v1/calendars/federated/${copyId}/objects/bob.ics`, {
      data: event('bob', 'By Bob'),
    });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    assert.match((await a.services.objects.get(calId, 'bob.ics'))!.data.toString(), /By Bob/);
  });

  it('a token the owner no longer takes (expired) is exchanged again: nothing is lost, the share stays', async () => {
    await a.server.engine.database.db.deleteFrom('access_tokens').execute();
    await ownerPut(a, calId, 'three.ics', event('three', 'Three'));
    const synced = await b.server.api(bob, 'POST', `/api/v1/calendars/federated/${copyId}/sync`);
    assert.ok(synced.status < 300, JSON.stringify(synced.body));
    const list = (await b.server.api(bob, 'GET', '/api/v1/calendars/federated')).body;
    assert.equal(list.length, 1, 'the copy is still there');
    assert.equal(list[0].error, null);
    assert.deepEqual((await objectsOf(b, bob, copyId)).map((o) => o.uri).sort(), [
      'bob.ics',
      'one.ics',
      'three.ics',
      'two.ics',
    ]);
    await a.server.engine.database.db.deleteFrom('access_tokens').execute();
    const put = await b.server.api(bob, 'PUT', `/api/v1/calendars/federated/${copyId}/objects/four.ics`, {
      data: event('four', 'Four'),
    });
    assert.equal(put.status, 201, JSON.stringify(put.body));
  });
});
