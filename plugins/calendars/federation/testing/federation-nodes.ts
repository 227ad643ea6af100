/** Helpers for federation tests: Meshwork servers with the calendars plugin, sharing calendars with each other. */
import assert from 'node:assert/strict';
import { eventually, startTestServer, type TestServer } from '../../../../test/harness/test-server.ts';
import { calendarsPlugin, type CalendarServices } from '../../index.ts';
import { validateCalendarObject } from '../../ical-validate.ts';
import { ics, vevent } from '../../testing/ics.ts';

export interface Node {
  server: TestServer;
  services: CalendarServices;
}

export async function start(port?: number, env?: Record<string, string>): Promise<Node> {
  let services: CalendarServices | null = null;
  const server = await startTestServer({
    ...(port ? { port } : {}),
    ...(env ? { env } : {}),
    plugins: [calendarsPlugin({ onReady: (s) => (services = s) })],
  });
  return { server, services: services! };
}

export function event(uid: string, summary: string): string {
  return ics(...vevent(`UID:${uid}`, 'DTSTART:20270105T100000Z', 'DTEND:20270105T110000Z', `SUMMARY:${summary}`));
}

export async function ownerPut(n: Node, calendarId: string, uri: string, text: string): Promise<void> {
  const v = validateCalendarObject(text, { supportedComponents: ['VEVENT', 'VTODO'] });
  await n.services.objects.put(calendarId, uri, v.bytes, v.index);
}

export async function shareAndAccept(
  owner: Node,
  ownerToken: string,
  calendarId: string,
  recipient: Node,
  recipientToken: string,
  user: string,
  permissions: string[],
): Promise<{ outgoingId: string; incomingId: string; copyId: string }> {
  const created = await owner.server.api(ownerToken, 'POST', '/api/v1/shares', {
    resourceType: 'calendar',
    resourceId: calendarId,
    shareWith: `${user}@${recipient.server.host}`,
    permissions,
  });
  // 202: the receiver was slow to answer (a loaded machine) and the outbox delivers it; the share arrives either way.
  assert.ok(created.status === 201 || created.status === 202, JSON.stringify(created.body));
  const incoming = await eventually(
    async () =>
      (await recipient.server.api(recipientToken, 'GET', '/api/v1/shares/incoming')).body.find(
        (s: any) => s.resourceType === 'calendar' && s.state === 'pending',
      ),
    10_000,
    'the calendar share',
  );
  const copies = async (): Promise<any[]> =>
    (await recipient.server.api(recipientToken, 'GET', '/api/v1/calendars/federated')).body;
  const earlier = new Set((await copies()).map((c) => c.id));
  const accepted = await recipient.server.api(recipientToken, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`);
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  const copy = await eventually(
    async () => (await copies()).find((c: any) => !earlier.has(c.id) && c.syncedAt !== null),
    10_000,
    'the synced copy',
  );
  return { outgoingId: created.body.id, incomingId: incoming.id, copyId: copy.id };
}

export async function objectsOf(n: Node, token: string, copyId: string): Promise<any[]> {
  const res = await n.server.api(token, 'GET', `/api/v1/calendars/federated/${copyId}/objects`);
  return res.status === 200 ? res.body : [];
}
