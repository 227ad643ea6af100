/** Helpers for address-book federation tests: Meshwork servers with the contacts plugin sharing books. */
import assert from 'node:assert/strict';
import { basicFor, davClient } from '../../../../test/harness/dav-test-client.ts';
import { eventually, startTestServer, type TestServer } from '../../../../test/harness/test-server.ts';
import { contactsPlugin } from '../../index.ts';

export const VCARD = { 'content-type': 'text/vcard' };

export interface Peer {
  server: TestServer;
  token: string;
  user: string;
  dav: ReturnType<typeof davClient>;
}

export async function peer(user: string, env?: Record<string, string>): Promise<Peer> {
  const server = await startTestServer({ ...(env ? { env } : {}), plugins: [contactsPlugin()] });
  const token = await server.user(user);
  return { server, token, user, dav: davClient(server.origin, basicFor(user)) };
}

/** The owner creates a book named `name`; returns its id and CardDAV path. */
export async function newBook(p: Peer, name: string): Promise<{ id: string; path: string }> {
  const book = (await p.server.api(p.token, 'POST', '/api/v1/contacts/books', { name })).body;
  return { id: book.id, path: `/dav/addressbooks/${p.user}/${book.uri}` };
}

/** Shares a book, accepts it on the recipient, waits for the copy's first pull; returns the ids and the copy path. */
export async function shareAndAccept(
  owner: Peer,
  bookId: string,
  to: Peer,
  permissions: string[],
): Promise<{ outgoingId: string; incomingId: string; copyPath: string; copyId: string }> {
  const created = await owner.server.api(owner.token, 'POST', '/api/v1/shares', {
    resourceType: 'addressbook',
    resourceId: bookId,
    shareWith: `${to.user}@${to.server.host}`,
    permissions,
  });
  // 202: the receiver was slow to answer (a loaded machine) and the outbox delivers it; the share arrives either way.
  assert.ok(created.status === 201 || created.status === 202, JSON.stringify(created.body));
  const incoming = await eventually(
    async () =>
      (await to.server.api(to.token, 'GET', '/api/v1/shares/incoming')).body.find(
        (s: any) => s.resourceType === 'addressbook' && s.state === 'pending',
      ),
    10_000,
    'the address-book share',
  );
  const sharedBooks = async (): Promise<any[]> =>
    (await to.server.api(to.token, 'GET', '/api/v1/contacts/books')).body.books.filter((b: any) => b.kind === 'shared');
  const before = new Set((await sharedBooks()).map((b) => b.id));
  const accepted = await to.server.api(to.token, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`);
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  const copy = await eventually(
    async () => (await sharedBooks()).find((b) => !before.has(b.id)),
    10_000,
    'the shared copy',
  );
  return {
    outgoingId: created.body.id,
    incomingId: incoming.id,
    copyId: copy.id,
    copyPath: `/dav/addressbooks/${to.user}/${copy.uri}`,
  };
}
