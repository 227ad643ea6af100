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
    [a, b, c] = await Promise.all([
      startTestServer(),
      startTestServer(),
      startTestServer({ env: { MESHWORK_CRITERIA: 'must-invite' } }),
    ]);
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
    assert.deepEqual(
      aliceContacts.body.map((x: any) => [x.address, x.displayName, x.source]),
      [[`bob@${b.host}`, 'Bob', 'invite']],
    );
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
    const refused = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: note.body.id,
      shareWith: `carol@${c.host}`,
    });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.match(refused.body.message, /NOT_A_CONTACT|contacts/);
    const inv = await c.api(carol, 'POST', '/api/v1/invites');
    assert.equal(
      (await a.api(alice, 'POST', '/api/v1/invites/accept', { inviteString: inv.body.inviteString })).status,
      201,
    );
    const ok = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: note.body.id,
      shareWith: `carol@${c.host}`,
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    await eventually(
      async () => (await c.api(carol, 'GET', '/api/v1/shares/incoming')).body.length === 1,
      5000,
      'share at carol',
    );
  });
});

describe('invite links (WAYF) and manual contacts', function () {
  this.timeout(30_000);
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
  });
  after(async () => Promise.all([a, b].map((s) => s?.destroy())));

  it("the invite link asks for the invitee's server and sends them to its invite-accept dialog, then into their app", async () => {
    const alice = await a.user('alice');
    const inv = await a.api(alice, 'POST', '/api/v1/invites');
    assert.match(inv.body.inviteLink, /\/wayf\?token=/);
    const form = await fetch(inv.body.inviteLink);
    assert.equal(form.status, 200);
    assert.match(await form.text(), /Your server, where you have your account/);
    const go = await fetch(`${inv.body.inviteLink}&server=${encodeURIComponent(b.host)}`, { redirect: 'manual' });
    assert.equal(go.status, 303);
    const dialog = new URL(go.headers.get('location') as string);
    assert.equal(dialog.origin + dialog.pathname, `${b.origin}/invite/accept`);
    assert.equal(dialog.searchParams.get('providerDomain'), a.host);
    const app = await fetch(dialog, { redirect: 'manual' });
    assert.equal(app.status, 303);
    const invite = decodeURIComponent((app.headers.get('location') as string).split('invite=')[1] as string);
    assert.equal(invite, inv.body.inviteString);
    const unreachable = await fetch(`${inv.body.inviteLink}&server=127.0.0.1:1`, { redirect: 'manual' });
    assert.equal(unreachable.status, 400);
  });

  it('adds a contact by address, refusing local and malformed ones', async () => {
    const bob = await b.user('bob');
    const added = await b.api(bob, 'POST', '/api/v1/contacts', { address: `alice@${a.host}`, displayName: 'Alice' });
    assert.equal(added.status, 201);
    assert.equal(added.body.source, 'manual');
    assert.equal((await b.api(bob, 'POST', '/api/v1/contacts', { address: 'nope' })).status, 400);
    assert.equal((await b.api(bob, 'POST', '/api/v1/contacts', { address: `x@${b.host}` })).status, 400);
    assert.equal((await b.api(bob, 'GET', '/api/v1/contacts')).body.length, 1);
  });
});
