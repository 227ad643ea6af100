import assert from 'node:assert/strict';
import { decodeInviteString } from '../../core/invites/invite-string.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('federation: invites, contacts and must-invite across three servers', function () {
  this.timeout(30_000);
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  let alice: string;
  let bob: string;
  let carol: string;

  before(async () => {
    // c only takes shares from contacts.
    [a, b, c] = await Promise.all([startTestServer(), startTestServer(), startTestServer({ env: { MESHWORK_CRITERIA: 'must-invite' } })]);
    alice = await a.user('alice', 'Alice');
    bob = await b.user('bob', 'Bob');
    carol = await c.user('carol', 'Carol');
  });
  after(async () => Promise.all([a, b, c].map((s) => s?.destroy())));

  it('advertises must-invite in discovery', async () => {
    const d = await c.api(null, 'GET', '/.well-known/ocm');
    assert.deepEqual(d.body.criteria, ['must-invite']);
  });

  it('creates an invite string that decodes to token@host, accepted from the other server; both sides get the contact', async () => {
    const inv = await a.api(alice, 'POST', '/api/v1/invites');
    assert.equal(inv.status, 201);
    assert.deepEqual(decodeInviteString(inv.body.inviteString), { token: inv.body.token, providerHost: a.host });
    assert.doesNotMatch(inv.body.inviteString, /=/);
    const accepted = await b.api(bob, 'POST', '/api/v1/invites/accept', { inviteString: inv.body.inviteString });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.equal(accepted.body.address, `alice@${a.host}`);
    assert.equal(accepted.body.displayName, 'Alice');
    const aliceContacts = await a.api(alice, 'GET', '/api/v1/contacts');
    assert.deepEqual(aliceContacts.body.map((x: any) => [x.address, x.displayName, x.source]), [[`bob@${b.host}`, 'Bob', 'invite']]);
    const again = await b.api(bob, 'POST', '/api/v1/invites/accept', { inviteString: inv.body.inviteString });
    assert.equal(again.status, 409);
  });

  it('rejects garbage and unknown invites with 400', async () => {
    const garbage = await b.api(bob, 'POST', '/api/v1/invites/accept', { inviteString: '%%%' });
    assert.equal(garbage.status, 400);
    const unknown = Buffer.from(`00000000-0000-0000-0000-000000000000@${a.host}`).toString('base64url');
    const res = await b.api(bob, 'POST', '/api/v1/invites/accept', { inviteString: unknown });
    assert.equal(res.status, 400);
  });

  it('must-invite: a share from a non-contact is refused with 403, and accepted once they are contacts', async () => {
    const note = await a.api(alice, 'POST', '/api/v1/note/notes', { title: 'For Carol', body: 'hi' });
    const refused = await a.api(alice, 'POST', '/api/v1/shares', { resourceType: 'note', resourceId: note.body.id, shareWith: `carol@${c.host}` });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.match(refused.body.message, /NOT_A_CONTACT|contacts/);
    const inv = await c.api(carol, 'POST', '/api/v1/invites');
    assert.equal((await a.api(alice, 'POST', '/api/v1/invites/accept', { inviteString: inv.body.inviteString })).status, 201);
    const ok = await a.api(alice, 'POST', '/api/v1/shares', { resourceType: 'note', resourceId: note.body.id, shareWith: `carol@${c.host}` });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    await eventually(async () => (await c.api(carol, 'GET', '/api/v1/shares/incoming')).body.length === 1, 5000, 'share at carol');
  });
});
