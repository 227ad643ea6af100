import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../test/harness/test-server.ts';
import { calendarsPlugin, type CalendarServices } from './index.ts';
import { validateCalendarObject } from './ical-validate.ts';
import { ics, vevent } from './testing/ics.ts';

describe('calendars plugin', () => {
  let server: TestServer;
  let services: CalendarServices | null = null;
  before(async () => {
    server = await startTestServer({ plugins: [calendarsPlugin({ onReady: (s) => (services = s) })] });
  });
  after(async () => server?.destroy());

  it('advertises the calendar resource type over webdav in OCM discovery', async () => {
    const res = await fetch(`${server.origin}/.well-known/ocm`);
    const body = (await res.json()) as {
      resourceTypes: Array<{ name: string; shareTypes: string[]; protocols: Record<string, unknown> }>;
    };
    const calendar = body.resourceTypes.find((r) => r.name === 'calendar');
    assert.deepEqual(calendar?.shareTypes, ['user']);
    assert.equal(calendar?.protocols.webdav, '/dav/calendars/');
  });

  it('migrates its tables in the server database and hands out working stores', async () => {
    assert.ok(services);
    const cal = await services.calendars.create({ ownerId: 'alice', uri: 'work' });
    const v = validateCalendarObject(ics(...vevent('UID:p', 'DTSTART:20260101T100000Z')), {
      supportedComponents: cal.components,
    });
    const r = await services.objects.put(cal.id, 'p.ics', v.bytes, v.index);
    assert.equal((await services.objects.get(cal.id, 'p.ics'))?.etag, r.etag);
  });
});
