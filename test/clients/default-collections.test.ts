import assert from 'node:assert/strict';
import { calendarsPlugin, type CalendarServices } from '../../plugins/calendars/index.ts';
import { contactsPlugin } from '../../plugins/contacts/index.ts';
import { freshPostgresUrl, postgresAvailable } from '../harness/databases.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const PROPS = `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:resourcetype/><d:displayname/><c:supported-calendar-component-set/></d:prop></d:propfind>`;

/** The collections (not the home itself) a Depth 1 PROPFIND of a home lists, with their display names. */
async function listed(s: TestServer, user: string, home: string): Promise<string[]> {
  const r = await davClient(s.origin, basicFor(user)).send('PROPFIND', `${home}/${user}/`, {
    headers: { depth: '1' },
    body: PROPS,
  });
  assert.equal(r.status, 207, r.text);
  return [...r.text.matchAll(/<d:response>([\s\S]*?)<\/d:response>/g)]
    .map((m) => m[1]!)
    .filter((x) => !x.includes(`<d:href>${home}/${user}/</d:href>`))
    .map((x) => `${/<d:href>([^<]*)<\/d:href>/.exec(x)?.[1]} ${/<d:displayname>([^<]*)</.exec(x)?.[1]}`);
}

/** The read-only book of the core's OCM contacts every user has beside their own (plugins/contacts/README.md). */
const FEDERATED = (user: string) => `/dav/addressbooks/${user}/federated-contacts/ Federated contacts`;

const services = new Map<TestServer, CalendarServices>();

async function start(env: Record<string, string>, restart?: TestServer): Promise<TestServer> {
  let found: CalendarServices | null = null;
  const s = await startTestServer({
    env,
    ...(restart ? { dataDir: restart.dataDir, port: restart.port } : {}),
    plugins: [calendarsPlugin({ onReady: (x) => (found = x) }), contactsPlugin()],
  });
  services.set(s, found!);
  return s;
}

for (const engine of ['sqlite', 'postgres'] as const)
  describe(`default calendar and address book on ${engine}: made once by the server, for DAV-only users too`, function () {
    this.timeout(60_000);
    let env: Record<string, string> = {};
    let a: TestServer;
    let b: TestServer | null = null;
    const drops: Array<() => Promise<void>> = [];

    before(async function () {
      if (engine === 'postgres') {
        if (!(await postgresAvailable())) return this.skip();
        const pg = await freshPostgresUrl();
        drops.push(pg.drop);
        env = { MESHWORK_DATABASE_URL: pg.url };
      }
      a = await start(env);
      drops.unshift(() => a.destroy());
      if (engine === 'postgres') {
        // A second app node on the same database: first requests race across nodes too.
        b = await start(env);
        drops.unshift(() => b!.destroy());
      }
    });
    after(async () => {
      for (const d of drops) await d().catch(() => {});
    });

    it('gives a user who only uses DAV clients a Personal calendar (events and tasks) and a Contacts book', async () => {
      await a.user('dana');
      const cals = await davClient(a.origin, basicFor('dana')).send('PROPFIND', '/dav/calendars/dana/', {
        headers: { depth: '1' },
        body: PROPS,
      });
      assert.equal(cals.status, 207);
      assert.match(cals.text, /<d:href>\/dav\/calendars\/dana\/personal\/<\/d:href>/);
      assert.match(cals.text, /<d:displayname>Personal<\/d:displayname>/);
      assert.match(
        cals.text,
        /<comp [^>]*name="VEVENT"\/><comp [^>]*name="VTODO"\/><\/x:supported-calendar-component-set>/,
      );
      assert.deepEqual(await listed(a, 'dana', '/dav/addressbooks'), [
        '/dav/addressbooks/dana/contacts/ Contacts',
        FEDERATED('dana'),
      ]);
    });

    it('makes exactly one of each when many first requests arrive at once (DAV and web app, every app node)', async () => {
      const token = await a.user('erin');
      const nodes = b ? [a, b] : [a];
      await Promise.all(
        nodes.flatMap((s) => [
          ...Array.from({ length: 4 }, () => listed(s, 'erin', '/dav/calendars')),
          ...Array.from({ length: 4 }, () => listed(s, 'erin', '/dav/addressbooks')),
          s.api(token, 'GET', '/api/v1/calendars/'),
          s.api(token, 'GET', '/api/v1/contacts/'),
        ]),
      );
      assert.deepEqual(await listed(a, 'erin', '/dav/calendars'), ['/dav/calendars/erin/personal/ Personal']);
      assert.deepEqual(await listed(a, 'erin', '/dav/addressbooks'), [
        '/dav/addressbooks/erin/contacts/ Contacts',
        FEDERATED('erin'),
      ]);
      const web = await a.api(token, 'GET', '/api/v1/calendars/');
      assert.deepEqual(
        web.body.calendars.map((c: { name: string }) => c.name),
        ['Personal'],
      );
    });

    it('never makes them again once the user deleted them, after a restart too', async () => {
      const token = await a.user('finn');
      const dav = davClient(a.origin, basicFor('finn'));
      assert.deepEqual(await listed(a, 'finn', '/dav/calendars'), ['/dav/calendars/finn/personal/ Personal']);
      assert.equal((await dav.send('DELETE', '/dav/calendars/finn/personal/')).status, 204);
      assert.equal((await dav.send('DELETE', '/dav/addressbooks/finn/contacts/')).status, 204);
      // A restart forgets what the process knew; the database remembers the user was provisioned.
      await a.stop();
      a = await start(env, a);
      drops.unshift(() => a.destroy());
      assert.deepEqual(await listed(a, 'finn', '/dav/calendars'), []);
      assert.deepEqual(await listed(a, 'finn', '/dav/addressbooks'), [FEDERATED('finn')]);
      assert.deepEqual((await a.api(token, 'GET', '/api/v1/calendars/')).body.calendars, []);
      const books = (await a.api(token, 'GET', '/api/v1/contacts/')).body;
      assert.ok(!JSON.stringify(books).includes('"Contacts"'), `no default book came back: ${JSON.stringify(books)}`);
    });

    it('gives a user whose calendars were made before the default existed no extra one', async () => {
      await a.user('gus');
      // What a server before this change left: a calendar made by a client, and no provisioning mark.
      await services.get(a)!.calendars.create({ ownerId: 'gus', uri: 'work', props: { displayName: 'Work' } });
      assert.deepEqual(await listed(a, 'gus', '/dav/calendars'), ['/dav/calendars/gus/work/ Work']);
    });
  });
