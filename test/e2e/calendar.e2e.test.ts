// The Calendar page (issue 8, web app; issue 12 quality bars): create, edit one instance of a series, drag, import,
// live updates; axe and sideways scrolling in light and dark at desktop and phone size, with screenshots in
// test-artifacts/e2e-calendar/; and across two servers: alice shares her calendar, bob accepts, bob adds an event to
// alice's calendar from his page and it appears on alice's page live.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { calendarsPlugin } from '../../plugins/calendars/index.ts';
import { eventually, type TestServer } from '../harness/test-server.ts';
import {
  logIn,
  newPerson,
  overflowsSideways,
  screenshots,
  seriousA11yViolations,
  twoServersWithBrowser,
} from './browser-harness.ts';

const pad = (n: number) => String(n).padStart(2, '0');
/** `YYYY-MM-DD` of a local day `offset` days from today (the browser runs in this machine's zone). */
function day(offset = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
/** A day in the same week row of the month grid as today (weeks start on Monday): tomorrow, or yesterday on Sundays. */
const neighbour = () => (new Date().getDay() === 0 ? -1 : 1);

describe('browser: the Calendar page', function () {
  this.timeout(240_000);
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  let alice: string;
  let bob: string;
  let personal: string;
  const snap = screenshots('e2e-calendar');
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const occurrences = async (s: TestServer, token: string, calendarId: string) =>
    (
      await s.api(
        token,
        'GET',
        `/api/v1/calendars/${calendarId}/occurrences?start=${day(-40)}T00:00:00Z&end=${day(60)}T00:00:00Z`,
      )
    ).body.occurrences as Array<Record<string, any>>;
  const openCalendar = async (page: Page) => {
    await page.evaluate('location.hash = "#/calendar"');
    await page.getByTestId('calendar-view').locator('.fc-view').waitFor();
  };
  const weekView = async (page: Page) => {
    await page.getByRole('button', { name: 'Week' }).click();
    await page.locator('.fc-timeGridWeek-view').waitFor();
  };
  const event = (page: Page, title: string) => page.locator('.fc-event', { hasText: title });

  before(async function () {
    ({ a, b, browser } = await twoServersWithBrowser(this, [calendarsPlugin()]));
    alice = await a.user('alice', 'Alice Liddell');
    bob = await b.user('bob', 'Bob Marley');
    personal = (await a.api(alice, 'GET', '/api/v1/calendars/')).body.calendars[0].id;
    // A second calendar and a few events, so every view has something to show.
    const work = (await a.api(alice, 'POST', '/api/v1/calendars/', { name: 'Work', color: '#17784f' })).body.id;
    const add = (id: string, body: Record<string, unknown>) =>
      a.api(alice, 'POST', `/api/v1/calendars/${id}/events`, { timezone: zone, ...body });
    assert.equal(
      (await add(work, { title: 'Team lunch', start: `${day()}T12:30`, end: `${day()}T13:30` })).status,
      201,
    );
    await add(work, { title: 'Conference', allDay: true, start: day(2), end: day(4) });
    await add(personal, { title: 'Dentist', start: `${day()}T08:00`, end: `${day()}T09:00` });
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  it('creates a weekly event, edits one instance, drags an event to another day and imports an .ics file', async () => {
    const { context, page } = await newPerson(browser);
    await logIn(page, a.origin, 'alice', 'alice-password');
    await openCalendar(page);
    await weekView(page);
    await event(page, 'Dentist').waitFor();

    // Each save redraws the view's events twice (the page's own refresh, then the server's live change): a step that
    // drags waits until both are drawn, or it would start on an element being replaced.
    const view = page.getByTestId('calendar-view');
    const refreshes = async () => Number(await view.getAttribute('data-refresh'));
    const drawnAfter = (n: number) =>
      eventually(
        async () => (await refreshes()) >= n && (await view.getAttribute('data-loading')) === null,
        10_000,
        'the view redrawn after the save and its live change',
      );

    // Create: a weekly event from the dialog.
    const beforeCreate = await refreshes();
    await page.getByRole('button', { name: 'New event' }).click();
    const dialog = page.getByRole('dialog', { name: 'New event' });
    await dialog.getByLabel('Title').fill('Design review');
    await dialog.getByLabel('Starts').fill(day());
    await dialog.getByLabel('Start time').fill('15:00');
    await dialog.getByLabel('Ends').fill(day());
    await dialog.getByLabel('End time').fill('16:00');
    await dialog.getByLabel('Repeats').selectOption('weekly');
    await snap(page, 'new-event-dialog');
    await dialog.getByRole('button', { name: 'Add event' }).click();
    await dialog.waitFor({ state: 'detached' });
    await event(page, 'Design review').first().waitFor();
    const series = (await occurrences(a, alice, personal)).filter((o) => o.title === 'Design review');
    assert.ok(series.length >= 8 && series.every((o) => o.repeat === 'weekly' && o.timezone === zone));

    // Edit one instance: renamed, the others stay.
    await drawnAfter(beforeCreate + 2);
    const beforeEdit = await refreshes();
    await event(page, 'Design review').first().click();
    const edit = page.getByRole('dialog', { name: 'Edit event' });
    await edit.getByLabel('Title').fill('Design review (with Bob)');
    await edit.getByLabel('This event only').check();
    await edit.getByRole('button', { name: 'Save' }).click();
    await event(page, 'Design review (with Bob)').waitFor();
    await drawnAfter(beforeEdit + 2);
    const after = (await occurrences(a, alice, personal)).filter((o) => o.title.startsWith('Design review'));
    assert.equal(after.filter((o) => o.title === 'Design review (with Bob)').length, 1);
    assert.equal(after.length, series.length);

    // Drag: Dentist moves to the neighbouring day at the same time.
    const target = page.locator(`td.fc-timegrid-col[data-date="${day(neighbour())}"]`);
    await event(page, 'Dentist').scrollIntoViewIfNeeded();
    const from = (await event(page, 'Dentist').boundingBox())!;
    const to = (await target.boundingBox())!;
    const y = from.y + from.height / 2;
    await page.mouse.move(from.x + from.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 5, y, { steps: 3 });
    await page.mouse.move(to.x + to.width / 2, y, { steps: 10 });
    await page.mouse.up();
    await eventually(
      async () => {
        const d = (await occurrences(a, alice, personal)).find((o) => o.title === 'Dentist');
        return d && new Date(d.start).getDate() === new Date(`${day(neighbour())}T08:00`).getDate() && d;
      },
      10_000,
      'Dentist moved',
    );
    const dentist = (await occurrences(a, alice, personal)).find((o) => o.title === 'Dentist')!;
    assert.equal(new Date(dentist.start).getTime(), new Date(`${day(neighbour())}T08:00`).getTime());
    assert.equal(new Date(dentist.end).getTime() - new Date(dentist.start).getTime(), 3_600_000);

    // Import: two events come in, one without a start is reported with its reason.
    const dir = mkdtempSync(path.join(tmpdir(), 'calendar-e2e-'));
    const file = path.join(dir, 'holidays.ics');
    const ev = (uid: string, lines: string[]) => [
      'BEGIN:VEVENT',
      `UID:${uid}`,
      'DTSTAMP:20260101T000000Z',
      ...lines,
      'END:VEVENT',
    ];
    writeFileSync(
      file,
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//e2e//EN',
        ...ev('h1', [`DTSTART;VALUE=DATE:${day(1).replace(/-/g, '')}`, 'SUMMARY:Imported holiday']),
        ...ev('h2', [
          `DTSTART:${day(3).replace(/-/g, '')}T100000Z`,
          `DTEND:${day(3).replace(/-/g, '')}T110000Z`,
          'SUMMARY:Imported call',
        ]),
        ...ev('h3', ['SUMMARY:Broken entry']),
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
    await page.getByRole('button', { name: 'Settings of Personal' }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import .ics…' }).click();
    await (await chooser).setFiles(file);
    const report = page.getByRole('dialog', { name: 'Import finished' });
    await report.getByText('Imported 2 events. 1 could not be imported').waitFor();
    await report.getByText('Broken entry').waitFor();
    await snap(page, 'import-report');
    await report.getByRole('button', { name: 'OK' }).click();
    await event(page, 'Imported holiday').waitFor();
    await event(page, 'Imported call').waitFor();

    // Delete, after a confirmation.
    await event(page, 'Imported call').click();
    const del = page.getByRole('dialog', { name: 'Edit event' });
    await del.getByRole('button', { name: 'Delete' }).click();
    await del.getByText('Delete “Imported call”? This cannot be undone.').waitFor();
    await snap(page, 'delete-confirmation');
    await del.getByRole('button', { name: 'Delete event' }).click();
    await event(page, 'Imported call').waitFor({ state: 'detached' });
    assert.ok(!(await occurrences(a, alice, personal)).some((o) => o.title === 'Imported call'));

    // Live: an event added elsewhere (another device, a CalDAV client) appears without a reload.
    await page.evaluate('window.__noReload = true');
    await a.api(alice, 'POST', `/api/v1/calendars/${personal}/events`, {
      title: 'Added elsewhere',
      start: `${day(neighbour())}T17:00`,
      end: `${day(neighbour())}T18:00`,
      timezone: zone,
    });
    await event(page, 'Added elsewhere').waitFor();
    assert.equal(await page.evaluate('window.__noReload'), true);

    // Hiding a calendar hides its events.
    await page.getByRole('checkbox', { name: /Work/ }).uncheck();
    await event(page, 'Team lunch').waitFor({ state: 'detached' });
    await page.getByRole('checkbox', { name: /Work/ }).check();
    await event(page, 'Team lunch').waitFor();
    await context.close();
  });

  for (const colorScheme of ['light', 'dark'] as const)
    for (const phone of [false, true]) {
      const size = phone ? 'phone' : 'desktop';
      it(`${colorScheme} theme, ${size}: no serious or critical axe violation, no sideways scrolling`, async () => {
        const problems: string[] = [];
        const check = async (page: Page, name: string) => {
          for (const v of await seriousA11yViolations(page))
            problems.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.targets.join(' | ')}`);
          if (await overflowsSideways(page)) problems.push(`${name}: the page scrolls sideways`);
          await snap(page, `${colorScheme}-${size}-${name}`);
        };
        const { context, page } = await newPerson(browser, { colorScheme, phone });
        await logIn(page, a.origin, 'alice', 'alice-password');
        await openCalendar(page);
        await event(page, 'Team lunch').first().waitFor();
        await check(page, phone ? 'agenda' : 'month');
        if (!phone) {
          await page.getByRole('button', { name: 'Week' }).click();
          await page.locator('.fc-timeGridWeek-view').waitFor();
          await event(page, 'Team lunch').first().waitFor();
          await check(page, 'week');
          await page.getByRole('button', { name: 'Agenda' }).click();
          await page.locator('.fc-listMonth-view').waitFor();
          await check(page, 'agenda');
        }
        await event(page, 'Team lunch').first().click();
        await page.getByRole('dialog', { name: 'Edit event' }).waitFor();
        await check(page, 'event-dialog');
        await page.keyboard.press('Escape');
        if (phone) {
          await page.getByRole('button', { name: 'Month' }).click();
          await page.locator('.fc-dayGridMonth-view').waitFor();
          await check(page, 'month');
          await page.getByText(/^Calendars \(/).click();
        }
        await page.getByRole('button', { name: 'Settings of Work' }).click();
        await page.getByRole('dialog', { name: '“Work”' }).waitFor();
        await check(page, 'calendar-dialog');
        await page.getByRole('button', { name: 'Share…' }).click();
        await page.getByRole('dialog', { name: 'Share “Work”' }).waitFor();
        await check(page, 'share-dialog');
        await page.keyboard.press('Escape');
        await context.close();
        assert.deepEqual(problems, []);
      });
    }

  it('alice shares her calendar, bob accepts and adds an event to it, and alice sees it appear live', async () => {
    const al = await newPerson(browser);
    const bo = await newPerson(browser);
    await logIn(al.page, a.origin, 'alice', 'alice-password');
    await logIn(bo.page, b.origin, 'bob', 'bob-password');
    await openCalendar(al.page);

    // Alice shares "Personal" with bob, to edit.
    await al.page.getByRole('button', { name: 'Settings of Personal' }).click();
    await al.page.getByRole('button', { name: 'Share…' }).click();
    const share = al.page.getByRole('dialog', { name: 'Share “Personal”' });
    await share.getByLabel('Share with').fill(`bob@${b.host}`);
    await share.getByLabel('View and edit events').check();
    await share.getByRole('button', { name: 'Share', exact: true }).click();
    await share.getByText(`bob@${b.host}`).last().waitFor();
    await snap(al.page, 'alice-share-dialog');
    await al.page.keyboard.press('Escape');

    // Bob accepts in his inbox; the calendar appears on his Calendar page with its owner.
    await bo.page.evaluate('location.hash = "#/shares"');
    await bo.page.getByRole('button', { name: /^Accept “personal”/ }).click();
    // The accepted share links to the Calendar page (its title is the calendar's display name).
    await bo.page.getByRole('link', { name: 'Open in Calendar: “Personal”' }).click();
    await bo.page.waitForURL(/#\/calendar$/);
    await openCalendar(bo.page);
    await weekView(bo.page);
    const sharedRow = bo.page.getByRole('navigation', { name: 'Calendars' }).getByText(`alice@${a.host}`);
    await sharedRow.waitFor({ timeout: 20_000 });
    await event(bo.page, 'Dentist').waitFor({ timeout: 20_000 });

    // Bob adds an event to alice's calendar; alice's open page shows it without a reload.
    await weekView(al.page);
    await al.page.evaluate('window.__noReload = true');
    await bo.page.getByRole('button', { name: 'New event' }).click();
    const dialog = bo.page.getByRole('dialog', { name: 'New event' });
    await dialog.getByLabel('Title').fill('Planning with Bob');
    await dialog.getByLabel('Calendar').selectOption({ label: `Personal (alice@${a.host})` });
    await dialog.getByLabel('Starts').fill(day());
    await dialog.getByLabel('Start time').fill('18:00');
    await dialog.getByLabel('Ends').fill(day());
    await dialog.getByLabel('End time').fill('19:00');
    await dialog.getByRole('button', { name: 'Add event' }).click();
    await dialog.waitFor({ state: 'detached' });
    await event(bo.page, 'Planning with Bob').waitFor();
    await snap(bo.page, 'bob-added-to-alices-calendar');
    await event(al.page, 'Planning with Bob').waitFor({ timeout: 20_000 });
    assert.equal(await al.page.evaluate('window.__noReload'), true);
    await snap(al.page, 'alice-sees-bobs-event-live');
    assert.ok((await occurrences(a, alice, personal)).some((o) => o.title === 'Planning with Bob'));
    void bob;
    await Promise.all([al.context.close(), bo.context.close()]);
  });
});
