import assert from 'node:assert/strict';
import { freshPostgresUrl, postgresAvailable } from '../../../test/harness/databases.ts';
import { eventually } from '../../../test/harness/test-server.ts';
import { card4 } from '../testing/vcf.ts';
import { newBook, peer, shareAndAccept, VCARD, type Peer } from './testing/nodes.ts';

const PRIVILEGES = '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-privilege-set/></d:prop></d:propfind>';

/**
 * Shared address books with both servers on PostgreSQL: read privileges, write-through, leaving the share, and the
 * safety net removing the copy of a share that ended without its removal hook.
 */
describe('federated address books on PostgreSQL', function () {
  this.timeout(60_000);
  let a: Peer;
  let b: Peer;
  const drops: Array<() => Promise<void>> = [];

  before(async function () {
    if (!(await postgresAvailable())) return this.skip();
    const [pa, pb] = await Promise.all([freshPostgresUrl(), freshPostgresUrl()]);
    drops.push(pa.drop, pb.drop);
    [a, b] = await Promise.all([
      peer('alice', { MESHWORK_DATABASE_URL: pa.url }),
      peer('bob', { MESHWORK_DATABASE_URL: pb.url, MESHWORK_CONTACTS_SYNC_INTERVAL_MS: '1000' }),
    ]);
  });
  after(async () => {
    await Promise.all([a?.server.destroy(), b?.server.destroy()]);
    for (const d of drops) await d().catch(() => {});
  });

  it('a read copy shows no write privilege; a read-write copy writes through; leaving removes the copy', async () => {
    const ro = await newBook(a, 'Read only');
    await a.dav.send('PUT', `${ro.path}/one.vcf`, { headers: VCARD, body: card4('one', 'One') });
    const r = await shareAndAccept(a, ro.id, b, ['read']);
    const roProps = await b.dav.send('PROPFIND', `${r.copyPath}/`, { headers: { depth: '0' }, body: PRIVILEGES });
    assert.equal(roProps.status, 207, roProps.text);
    assert.doesNotMatch(roProps.text, /<d:write\/>/);
    assert.match(roProps.text, /<d:read\/>/);

    const rw = await newBook(a, 'Read write');
    const w = await shareAndAccept(a, rw.id, b, ['read', 'write']);
    const put = await b.dav.send('PUT', `${w.copyPath}/bob.vcf`, { headers: VCARD, body: card4('bob', 'By Bob') });
    assert.equal(put.status, 201, put.text);
    assert.match((await a.dav.send('GET', `${rw.path}/bob.vcf`)).text, /FN:By Bob/);

    assert.equal((await b.server.api(b.token, 'DELETE', `/api/v1/shares/incoming/${w.incomingId}`)).status, 200);
    await eventually(
      async () => (await b.dav.send('PROPFIND', `${w.copyPath}/`, { headers: { depth: '0' } })).status === 404,
      10_000,
      'the copy removed',
    );
    // The owner learns that bob left.
    await eventually(
      async () => {
        const all = (await a.server.api(a.token, 'GET', '/api/v1/shares/outgoing')).body as Array<{
          id: string;
          state: string;
        }>;
        return all.find((s) => s.id === w.outgoingId)?.state !== 'accepted';
      },
      10_000,
      'the owner sees the share ended',
    );
  });

  it('the safety net removes a copy whose share ended without its removal hook having run', async () => {
    const book = await newBook(a, 'Ended');
    await a.dav.send('PUT', `${book.path}/e.vcf`, { headers: VCARD, body: card4('e', 'E') });
    const r = await shareAndAccept(a, book.id, b, ['read']);
    // What a server killed after committing the share's end, before its plugin removed the copy, leaves behind.
    await b.server.engine.database.db
      .updateTable('shares_in')
      .set({ state: 'removed' })
      .where('id', '=', r.incomingId)
      .execute();
    await eventually(
      async () => (await b.dav.send('PROPFIND', `${r.copyPath}/`, { headers: { depth: '0' } })).status === 404,
      20_000,
      'the orphaned copy to go',
    );
  });
});
