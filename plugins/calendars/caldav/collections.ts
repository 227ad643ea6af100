/**
 * Making and changing calendars: MKCALENDAR (RFC 4791 §5.3.1), extended MKCOL (RFC 5689) with a calendar
 * resourcetype, and PROPPATCH of the calendar's own properties (name, description, colour, order, time zone).
 */
import {
  badRequest,
  child,
  clark,
  DAV_NS,
  DavError,
  elements,
  forbidden,
  methodNotAllowed,
  baseName,
  parentOf,
  textOf,
  type DavRequest,
  type MethodHandler,
  type PropOp,
  type PropPatchHandler,
  type XmlElement,
} from '#dav';
import type { CalendarProps } from '../calendar-store.ts';
import { zoneFromCalendarTimezone } from '../timezones.ts';
import { CALDAV_NS, CalendarNode } from './calendar-node.ts';
import { scopeOf } from './context.ts';
import { asDav } from './errors.ts';
import { P } from './props.ts';
import { HomeNode } from './tree-nodes.ts';

/** Properties stored in calendar columns (everything else is refused: there is no dead-property store). */
const SETTABLE = new Set<string>([P.displayname, P.description, P.color, P.order, P.timezone]);

function invalidTimezone(): DavError {
  return new DavError(
    403,
    'calendar-timezone must be a VCALENDAR holding one VTIMEZONE',
    'CALDAV_VALID_CALENDAR_TIMEZONE',
    `{${CALDAV_NS}}valid-calendar-timezone`,
  );
}

/** Reads one property value into calendar columns (null value: remove). */
function readProp(name: string, el: XmlElement | null, out: CalendarProps): void {
  const text = el ? textOf(el) : null;
  if (name === P.displayname) out.displayName = text === null ? null : text.slice(0, 1000);
  else if (name === P.description) out.description = text === null ? null : text.slice(0, 10_000);
  else if (name === P.color) {
    const v = text?.trim() ?? null;
    if (v !== null && !/^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(v))
      throw badRequest('calendar-color must be #RRGGBB or #RRGGBBAA');
    out.color = v;
  } else if (name === P.order) {
    const v = text?.trim() ?? null;
    if (v !== null && !/^-?\d{1,9}$/.test(v)) throw badRequest('calendar-order must be an integer');
    out.order = v === null ? null : Number(v);
  } else if (name === P.timezone) {
    if (text !== null && (!/^\s*BEGIN:VCALENDAR/i.test(text) || !zoneFromCalendarTimezone(text)))
      throw invalidTimezone();
    out.timezone = text === null ? null : text.trim();
  }
}

/** PROPPATCH of a calendar's own properties; read-only access refuses them (the mount is read-only then). */
export function calendarPropPatch(): PropPatchHandler {
  return {
    claims: (name, node) => node instanceof CalendarNode && SETTABLE.has(name),
    async apply(_d: DavRequest, node, ops: readonly PropOp[]) {
      const cal = node as CalendarNode;
      const props: CalendarProps = {};
      for (const op of ops) readProp(op.name, op.element, props);
      if (cal.calendar.remote) throw forbidden('the properties of a shared calendar are set by its owner');
      await asDav(() => cal.ctx.calendars.update(cal.calendar.id, props));
    },
  };
}

/** Component names of a supported-calendar-component-set element. */
function componentsOf(el: XmlElement): string[] {
  return elements(el)
    .filter((c) => c.ns === CALDAV_NS && c.local === 'comp')
    .map((c) => (c.attrs.get('name') ?? '').toUpperCase());
}

/** Creates a calendar at the request path from the props of a `set` element (MKCALENDAR or extended MKCOL). */
async function createCalendar(d: DavRequest, set: XmlElement[]): Promise<void> {
  if (d.path === '/' || parentOf(parentOf(d.path)) !== '/') throw forbidden('calendars live in a calendar home');
  const home = await d.node(parentOf(d.path));
  if (!(home instanceof HomeNode)) throw new DavError(409, 'no such calendar home', 'DAV_CONFLICT');
  if (!home.own) throw forbidden('only the owner creates calendars in a home', 'need-privileges');
  if (await d.node()) throw methodNotAllowed('the resource already exists');
  const props: CalendarProps = {};
  let components: string[] | undefined;
  for (const s of set) {
    const prop = child(s, DAV_NS, 'prop');
    for (const p of prop ? elements(prop) : []) {
      const name = clark(p.ns, p.local);
      if (name === P.components) components = componentsOf(p);
      else if (SETTABLE.has(name)) readProp(name, p, props);
      else if (name === clark(DAV_NS, 'resourcetype')) continue;
      // Other properties (Apple's free-busy-set, alarms …) are not stored; the calendar is made without them.
    }
  }
  const { ctx } = scopeOf(d);
  await asDav(() =>
    ctx.calendars.create({
      ownerId: home.ownerId,
      uri: baseName(d.path),
      props,
      ...(components ? { components } : {}),
    }),
  );
  home.forget();
  d.forget();
  d.res.statusCode = 201;
  d.res.setHeader('Cache-Control', 'no-cache');
  d.res.setHeader('Content-Length', 0);
  d.res.end();
}

/** MKCALENDAR (body optional: `<C:mkcalendar><D:set><D:prop>…`). */
export const mkcalendar: MethodHandler = async (d) => {
  const body = await d.readXml();
  if (body && (body.ns !== CALDAV_NS || body.local !== 'mkcalendar'))
    throw badRequest('MKCALENDAR body must be a CALDAV:mkcalendar element');
  await createCalendar(d, body ? elements(body).filter((e) => e.ns === DAV_NS && e.local === 'set') : []);
};

/** Extended MKCOL: a body whose resourcetype names a calendar makes one; a plain MKCOL goes on to the core. */
export const extendedMkcol: MethodHandler = async (d, next) => {
  if (!d.hasBody()) return next();
  const body = await d.readXml();
  if (!body || body.ns !== DAV_NS || body.local !== 'mkcol') throw badRequest('MKCOL body must be a DAV:mkcol element');
  const sets = elements(body).filter((e) => e.ns === DAV_NS && e.local === 'set');
  const types = sets.flatMap((s) => {
    const prop = child(s, DAV_NS, 'prop');
    const rt = prop ? child(prop, DAV_NS, 'resourcetype') : undefined;
    return rt ? elements(rt).map((e) => clark(e.ns, e.local)) : [];
  });
  if (!types.includes(`{${CALDAV_NS}}calendar`))
    throw new DavError(403, 'only calendars can be created here', 'DAV_FORBIDDEN', 'valid-resourcetype');
  await createCalendar(d, sets);
};
