/** calendar-query, calendar-multiget and free-busy-query (RFC 4791 §7.8–7.10) on calendars. */
import {
  child,
  DAV_NS,
  DavError,
  DavRequest,
  elements,
  forbidden,
  parentOf,
  baseName,
  propNames,
  statusResponse,
  textOf,
  type DavNode,
  type DavServer,
  type ReportHandler,
  type XmlElement,
} from '#dav';
import { runCalendarQuery, runFreeBusyQuery } from '../calendar-query.ts';
import { zoneFromCalendarTimezone, utcZone } from '../timezones.ts';
import { CalendarNode } from './calendar-node.ts';
import { scopeOf } from './context.ts';
import { asDav } from './errors.ts';
import { ObjectNode } from './object-node.ts';
import { dataSpecOf, queryFilter, queryZone, timeRangeOf } from './query-xml.ts';
import { CALDAV_NS } from './calendar-node.ts';

const GETETAG = '{DAV:}getetag';

/** The calendar a report runs on: the target, or the parent of a target object (Depth 0 on one object). */
function calendarOf(node: DavNode): CalendarNode {
  if (node instanceof CalendarNode) return node;
  if (node instanceof ObjectNode) return node.parent;
  throw new DavError(403, 'this report runs on a calendar', 'DAV_REPORT_NOT_SUPPORTED', 'supported-report');
}

/** True for the resources calendar reports apply to. */
export function inCalendar(node: DavNode): boolean {
  return node instanceof CalendarNode || node instanceof ObjectNode;
}

/** The properties a report asks for (default: getetag), with the calendar-data options in the request scope. */
function wanted(d: DavRequest, body: XmlElement): string[] {
  const prop = child(body, DAV_NS, 'prop');
  scopeOf(d).dataSpec = dataSpecOf(prop);
  return prop ? propNames(prop) : child(body, DAV_NS, 'allprop') ? [GETETAG] : [GETETAG];
}

function floatingZone(cal: CalendarNode) {
  return (cal.calendar.timezone ? zoneFromCalendarTimezone(cal.calendar.timezone) : null) ?? utcZone;
}

/** calendar-query: Depth 1 on a calendar (missing Depth = 1), or Depth 0 on one object. */
export function calendarQuery(server: DavServer): ReportHandler {
  return async (d, body, node) => {
    const cal = calendarOf(node);
    const depth = d.depth(node instanceof ObjectNode ? '0' : '1');
    const names = wanted(d, body);
    const filter = await asDav(async () => queryFilter(body));
    const zone = (await asDav(async () => queryZone(body))) ?? floatingZone(cal);
    scopeOf(d).zone = zone;
    const matches = await asDav(() => runCalendarQuery(cal.ctx.objects, cal.calendar.id, filter, zone));
    const base = node instanceof ObjectNode ? parentOf(d.path) : d.path;
    let hits = matches.map((m) => ({
      path: DavRequest.childPath(base, m.object.uri),
      node: new ObjectNode(cal, m.object, m.object.data),
    }));
    if (node instanceof ObjectNode) hits = hits.filter((h) => h.node.name === node.name);
    else if (depth === '0') hits = [];
    const props = await asDav(() => server.propFind(d, hits, { kind: 'prop', names }));
    const minimal = d.wantsMinimal();
    d.sendMultistatus(props.map((p) => p.render(minimal)));
  };
}

/** calendar-multiget: the named members (Depth ignored: clients disagree); unknown hrefs answer 404. */
export function calendarMultiget(server: DavServer): ReportHandler {
  return async (d, body, node) => {
    const cal = calendarOf(node);
    const names = wanted(d, body);
    const base = node instanceof ObjectNode ? parentOf(d.path) : d.path;
    const hrefs = elements(body)
      .filter((e) => e.ns === DAV_NS && e.local === 'href')
      .map((e) => textOf(e).trim());
    if (!hrefs.length) throw new DavError(400, 'calendar-multiget needs at least one href', 'DAV_BAD_REQUEST');
    const paths = hrefs.map((h) => d.pathFromUrl(h));
    const members = paths.filter((p): p is string => p !== null && parentOf(p) === base).map(baseName);
    const found = new Map((await cal.childrenNamed(members)).map((n) => [n.name, n]));
    const hits: Array<{ path: string; node: ObjectNode }> = [];
    const missing: string[] = [];
    const seen = new Set<string>();
    paths.forEach((p, i) => {
      const n = p !== null && parentOf(p) === base ? found.get(baseName(p)) : undefined;
      if (p !== null && seen.has(p)) return;
      if (p !== null) seen.add(p);
      if (n && p) hits.push({ path: p, node: n });
      else missing.push(hrefs[i]!);
    });
    const props = await asDav(() => server.propFind(d, hits, { kind: 'prop', names }));
    const minimal = d.wantsMinimal();
    d.sendMultistatus([...props.map((p) => p.render(minimal)), ...missing.map((h) => statusResponse(h, 404))]);
  };
}

/** free-busy-query: 200 with a VFREEBUSY for a bounded time range (needs read access, given by the mount). */
export const freeBusyQuery: ReportHandler = async (d, body, node) => {
  if (!(node instanceof CalendarNode)) throw forbidden('free-busy-query runs on a calendar', 'supported-report');
  const tr = child(body, CALDAV_NS, 'time-range');
  if (!tr) throw new DavError(400, 'free-busy-query needs a time-range', 'DAV_BAD_REQUEST');
  const range = await asDav(async () => timeRangeOf(tr));
  if (!Number.isFinite(range.start) || !Number.isFinite(range.end) || range.start >= range.end)
    throw new DavError(400, 'free-busy-query needs a bounded time-range', 'DAV_BAD_REQUEST');
  const text = await asDav(() => runFreeBusyQuery(node.ctx.objects, node.calendar.id, range, floatingZone(node)));
  d.res.statusCode = 200;
  d.res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
  d.res.setHeader('Content-Length', Buffer.byteLength(text));
  d.res.end(text);
};
