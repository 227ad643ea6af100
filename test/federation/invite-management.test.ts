import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

/** The invite landing page of a link, as a browser gets it (no redirects followed). */
async function landing(link: string, server?: string): Promise<{ status: number; html: string; csp: string | null }> {
  const res = await fetch(server ? `${link}&server=${encodeURIComponent(server)}` : link, { redirect: 'manual' });
  return { status: res.status, html: await res.text(), csp: res.headers.get('content-security-policy') };
}

describe('invites: outstanding list, revoke, used invites leave the list, and a landing page that names the inviter', function () {
  this.timeout(30_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;
  let socket: Socket | null = null;

  before(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
    alice = await a.user('alice', 'Alice Liddell');
    bob = await b.user('bob', 'Bob');
  });
  after(async () => {
    socket?.disconnect();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  it('lists the invites nobody accepted yet, by an id that is not the token', async () => {
    const first = (await a.api(alice, 'POST', '/api/v1/invites')).body;
    const second = (await a.api(alice, 'POST', '/api/v1/invites')).body;
    const list = await a.api(alice, 'GET', '/api/v1/invites');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((i: any) => i.id).sort(), [first.id, second.id].sort());
    const listed = list.body.find((i: any) => i.id === second.id);
    assert.equal(listed.inviteLink, second.inviteLink);
    assert.equal(listed.inviteString, second.inviteString);
    assert.ok(!second.id.includes(second.token) && !second.token.includes(second.id), 'the id is not the token');
    assert.equal(listed.token, undefined);
    // Another user sees none of them.
    const carol = await a.user('carol');
    assert.deepEqual((await a.api(carol, 'GET', '/api/v1/invites')).body, []);
  });

  it('an accepted invite leaves the list, and the inviter is told live', async () => {
    const inv = (await a.api(alice, 'POST', '/api/v1/invites')).body;
    socket = connect(a.origin, { auth: { token: alice }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });
    const removed = new Promise<{ id: string }>((resolve) => socket!.once('invite:removed', resolve));
    const accepted = await b.api(bob, 'POST', '/api/v1/invites/accept', { inviteString: inv.inviteString });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.deepEqual(await removed, { id: inv.id });
    const ids = (await a.api(alice, 'GET', '/api/v1/invites')).body.map((i: any) => i.id);
    assert.ok(!ids.includes(inv.id));
  });

  it('revoking an invite makes its link and string stop working; only its owner may revoke it', async () => {
    const inv = (await a.api(alice, 'POST', '/api/v1/invites')).body;
    const carol = await a.user('carol2');
    assert.equal((await a.api(carol, 'DELETE', `/api/v1/invites/${inv.id}`)).status, 404);
    const revoked = await a.api(alice, 'DELETE', `/api/v1/invites/${inv.id}`);
    assert.equal(revoked.status, 204);
    const ids = (await a.api(alice, 'GET', '/api/v1/invites')).body.map((i: any) => i.id);
    assert.ok(!ids.includes(inv.id));
    const again = await a.api(alice, 'DELETE', `/api/v1/invites/${inv.id}`);
    assert.equal(again.status, 404);
    assert.equal(again.body.code, 'INVITE_NOT_FOUND');
    const accept = await b.api(bob, 'POST', '/api/v1/invites/accept', { inviteString: inv.inviteString });
    assert.equal(accept.status, 400);
    assert.equal(accept.body.code, 'INVITE_INVALID');
    assert.equal(
      accept.body.message,
      `${a.host} says this invite no longer works: it was revoked or it expired. Ask the person who sent it for a new one`,
    );
    const page = await landing(inv.inviteLink);
    assert.equal(page.status, 404);
    assert.match(page.html, /This invite link does not work/);
  });

  it('the landing page names the inviter, has no scripts, and explains a wrong server in plain words', async () => {
    const inv = (await a.api(alice, 'POST', '/api/v1/invites')).body;
    const page = await landing(inv.inviteLink);
    assert.equal(page.status, 200);
    assert.match(page.html, /Alice Liddell invited you to connect/);
    assert.ok(page.html.includes(`alice@${a.host}`));
    assert.match(page.csp ?? '', /default-src 'none'/);
    assert.doesNotMatch(page.html, /<script/i);

    const nowhere = await landing(inv.inviteLink, '127.0.0.1:1');
    assert.equal(nowhere.status, 400);
    assert.match(nowhere.html, /No Meshwork or Open Cloud Mesh server answered at 127\.0\.0\.1:1/);
    const same = await landing(inv.inviteLink, `https://${a.host}/`);
    assert.equal(same.status, 400);
    assert.match(same.html, /same server as Alice Liddell/);
    // Markup typed into the field comes back as text.
    const hostile = await landing(inv.inviteLink, '<img src=x onerror=alert(1)>');
    assert.ok(!hostile.html.includes('<img src=x'));
  });

  it('a used invite says so and names who to ask for a new one', async () => {
    const inv = (await a.api(alice, 'POST', '/api/v1/invites')).body;
    await b.api(bob, 'POST', '/api/v1/invites/accept', { inviteString: inv.inviteString });
    const page = await landing(inv.inviteLink);
    assert.equal(page.status, 410);
    assert.match(page.html, /This invite was already used/);
    assert.match(page.html, /Ask Alice Liddell/);
  });
});
