import { InputError } from '#core';
import type ICAL from 'ical.js';
import { DAY_MS } from '../civil-days.ts';
import { instantToWall } from '../instants.ts';
import { ianaZone } from '../timezones.ts';
import { CALENDAR_API_ERRORS as E } from './api-errors.ts';
import { REPEATS, type Repeat } from '../shared.ts';

export { REPEATS, type Repeat } from '../shared.ts';

/** An event's editable fields, normalised: times as wall clocks (ms, fields read as UTC) in `timezone`. */
export interface EventFields {
  summary: string;
  description: string;
  location: string;
  allDay: boolean;
  /** Wall clock of the start (all-day: midnight of the first day). */
  startWall: number;
  /** Wall clock of the end (all-day: midnight after the last day, exclusive). */
  endWall: number;
  /** IANA zone name, or `UTC`. Unused for all-day events. */
  timezone: string;
  repeat: Repeat;
}

const LIMITS = { summary: 500, description: 10_000, location: 500 };
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d{1,3})?(Z|[+-]\d{2}:\d{2})?$/;

function bad(message: string): never {
  throw new InputError(message, undefined, E.CALENDAR_INVALID_EVENT);
}

function text(v: unknown, name: keyof typeof LIMITS, fallback: string): string {
  if (v === undefined) return fallback;
  if (v === null) return '';
  if (typeof v !== 'string') bad(`the ${name} must be text`);
  const s = v.replace(/\r\n?/g, '\n');
  if (s.length > LIMITS[name]) bad(`the ${name} is longer than ${LIMITS[name]} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s)) bad(`the ${name} holds control characters`);
  return name === 'description' ? s : s.replace(/\n/g, ' ');
}

/** The zone name checked and resolved (IANA names and aliases; `UTC`). */
export function checkZone(name: unknown): string {
  if (name === 'UTC' || name === 'Etc/UTC' || name === 'Z') return 'UTC';
  if (typeof name !== 'string' || !name || name.length > 100 || !ianaZone(name))
    bad(`unknown time zone ${JSON.stringify(name)}`);
  return String(ianaZone(name)!.component.getFirstPropertyValue('tzid') ?? name);
}

/** The zone object for a checked name. */
export function zoneOf(name: string): ICAL.Timezone | null {
  return name === 'UTC' ? null : ianaZone(name);
}

function validDay(y: number, m: number, d: number): number | null {
  const ms = Date.UTC(y, m - 1, d);
  const t = new Date(ms);
  if (y < 1900 || y > 2200 || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return ms;
}

/**
 * A wall clock from the web app's time text: `YYYY-MM-DD` (all-day), `YYYY-MM-DDTHH:mm[:ss]` (a wall clock in the
 * event's zone), or with `Z`/an offset (an instant, converted to the zone's wall clock).
 */
export function parseWall(v: unknown, allDay: boolean, zone: string, what: string): number {
  if (typeof v !== 'string') bad(`the ${what} time is missing`);
  const date = DATE.exec(v);
  if (date) {
    const day = validDay(+date[1]!, +date[2]!, +date[3]!);
    if (day === null) bad(`the ${what} date ${v} does not exist`);
    return day;
  }
  const m = DATE_TIME.exec(v);
  if (!m) bad(`the ${what} time ${JSON.stringify(v)} is not a date and time`);
  const day = validDay(+m[1]!, +m[2]!, +m[3]!);
  const [h, min, s] = [+m[4]!, +m[5]!, +(m[6] ?? 0)];
  if (day === null || h > 23 || min > 59 || s > 59) bad(`the ${what} time ${v} does not exist`);
  let wall = day + ((h * 60 + min) * 60 + s) * 1000;
  if (m[7]) {
    const offset =
      m[7] === 'Z' ? 0 : (m[7][0] === '-' ? -1 : 1) * (+m[7].slice(1, 3) * 60 + +m[7].slice(4, 6)) * 60_000;
    const instant = wall - offset;
    const z = zoneOf(zone);
    wall = z ? instantToWall(instant, z) : instant;
  }
  if (allDay) wall = Math.floor(wall / DAY_MS) * DAY_MS;
  return wall;
}

/**
 * Reads the web app's event JSON over the current fields (`base`; a new event has none): every field is optional on
 * an edit, so a drag sends only `start` and `end`. Checks lengths, times (the end after the start), zone and repeat.
 */
export function readEventInput(body: unknown, base: EventFields | null): EventFields {
  if (!body || typeof body !== 'object' || Array.isArray(body)) bad('the event must be a JSON object');
  const b = body as Record<string, unknown>;
  if (!base && (b.start === undefined || b.end === undefined)) bad('a new event needs a start and an end');
  if (b.allDay !== undefined && typeof b.allDay !== 'boolean') bad('allDay must be true or false');
  const allDay = (b.allDay as boolean | undefined) ?? base?.allDay ?? false;
  const timezone = b.timezone === undefined ? (base?.timezone ?? 'UTC') : checkZone(b.timezone);
  let startWall = b.start === undefined ? base!.startWall : parseWall(b.start, allDay, timezone, 'start');
  let endWall = b.end === undefined ? base!.endWall : parseWall(b.end, allDay, timezone, 'end');
  if (allDay) {
    startWall = Math.floor(startWall / DAY_MS) * DAY_MS;
    endWall = Math.max(Math.ceil(endWall / DAY_MS) * DAY_MS, startWall + DAY_MS);
  }
  if (endWall < startWall) bad('the event ends before it starts');
  if (endWall - startWall > 3660 * DAY_MS) bad('an event may last at most ten years');
  const repeat = b.repeat === undefined ? (base?.repeat ?? 'none') : b.repeat;
  if (typeof repeat !== 'string' || !(REPEATS as readonly string[]).includes(repeat))
    bad('repeat must be none, daily, weekly, monthly or yearly');
  if (repeat === 'custom' && base?.repeat !== 'custom') bad('repeat must be none, daily, weekly, monthly or yearly');
  const summary = text(b.summary ?? b.title, 'summary', base?.summary ?? '').trim();
  if (!summary && !base) bad('the event needs a title');
  return {
    summary: summary || base?.summary || 'Untitled',
    description: text(b.description, 'description', base?.description ?? ''),
    location: text(b.location, 'location', base?.location ?? ''),
    allDay,
    startWall,
    endWall,
    timezone,
    repeat: repeat as Repeat,
  };
}
