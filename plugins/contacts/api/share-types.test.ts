import assert from 'node:assert/strict';
import { definePlugin } from '#core';
import { startTestServer, type TestServer } from '../../../test/harness/test-server.ts';
import { contactsPlugin } from '../index.ts';

/** A server that takes calendar shares and nothing else. */
const calendarsOnly = definePlugin({
  id: 'calendar-receiver',
  resourceTypes: [{ name: 'calendar', shareTypes: ['user'], protocols: { webdav: {} } }],
  async setup() {
    return {};
  },
});

describe('contacts API: what a person’s server can receive (share-types)', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  let token: string;

  before(async () => {
    // B runs calendars but no address books: "Share with…" must not offer an address book to its people.
    [a, b] = await Promise.all([
      startTestServer({ plugins: [contactsPlugin()] }),
      startTestServer({ plugins: [calendarsOnly] }),
    ]);
    token = await a.user('alice');
  });
  after(async () => Promise.all([a, b].map((s) => s?.destroy())));

  const ask = (address: string) =>
    a.api(token, 'GET', `/api/v1/contacts/share-types?address=${encodeURIComponent(address)}`);

  it('lists the resource types the peer’s discovery lists', async () => {
    const r = await ask(`bob@${b.host}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.local, false);
    assert.ok(r.body.resourceTypes.includes('calendar'));
    assert.ok(!r.body.resourceTypes.includes('addressbook'));
  });

  it('answers local for this server’s people, null for a server that cannot be asked, 400 for no address', async () => {
    assert.deepEqual((await ask(`carol@${a.host}`)).body, { host: a.host, local: true, resourceTypes: null });
    const gone = await ask('dave@127.0.0.1:1');
    assert.equal(gone.status, 200);
    assert.equal(gone.body.resourceTypes, null);
    assert.equal((await ask('')).status, 400);
    assert.equal((await ask('no-host')).status, 400);
  });
});
