import { randomUUID } from 'node:crypto';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '#core';
import type { Calendar, CalendarStore } from '../calendar-store.ts';
import type { DefaultCollection } from '#dav';
import { DEFAULT_CALENDAR } from '../default-calendar.ts';
import { FEDERATION_ERRORS } from '../federation/error-codes.ts';
import { CALENDAR_API_ERRORS as E } from './api-errors.ts';
import type { CalendarView } from '../shared.ts';

export type { CalendarView } from '../shared.ts';

/** Colours new calendars get in turn (readable on light and dark backgrounds). */
export const PALETTE = [DEFAULT_CALENDAR.color, '#17784f', '#c2410c', '#7a4fd6', '#be185d', '#0e7490', '#8f5606'];

const COLOR = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i;

/** The `#rrggbb` of a stored colour (Apple clients write `#rrggbbaa`), or null. */
export function normColor(c: string | null): string | null {
  const m = c ? COLOR.exec(c.trim()) : null;
  return m ? `#${m[1]!.toLowerCase()}` : null;
}

/** The web app's view of a stored calendar. */
export function viewOf(c: Calendar, index: number): CalendarView {
  return {
    id: c.id,
    name: c.displayName?.trim() || c.uri,
    color: normColor(c.color) ?? PALETTE[index % PALETTE.length]!,
    kind: c.remote ? 'shared' : 'own',
    owner: c.remote?.owner ?? null,
    access: c.remote ? c.remote.access : 'owner',
    syncError: c.remote?.error ?? null,
  };
}

function checkName(v: unknown): string {
  if (typeof v !== 'string' || !v.trim())
    throw new InputError('the calendar needs a name', undefined, E.CALENDAR_INVALID_PROPS);
  const name = v.trim();
  // eslint-disable-next-line no-control-regex
  if (name.length > 100 || /[\u0000-\u001f\u007f]/.test(name))
    throw new InputError('a calendar name is one line of at most 100 characters', undefined, E.CALENDAR_INVALID_PROPS);
  return name;
}

function checkColor(v: unknown): string {
  if (typeof v !== 'string' || !COLOR.test(v))
    throw new InputError('a colour is written #rrggbb', undefined, E.CALENDAR_INVALID_PROPS);
  return v.toLowerCase();
}

/** Calendars of the signed-in user: look-ups with ownership checks, and the calendar changes the web app makes. */
export class CalendarAccess {
  constructor(
    private readonly store: CalendarStore,
    private readonly defaults: Pick<DefaultCollection, 'ensure'>,
  ) {}

  /** The user's calendars; the first listing makes the server's default "Personal" one (default-calendar.ts). */
  async list(userId: string): Promise<CalendarView[]> {
    await this.defaults.ensure(userId);
    const all = await this.store.list(userId);
    // Own calendars first, oldest first (the first is where new events go by default), then shared ones.
    const rank = (c: Calendar) => (c.remote ? 1 : 0);
    return all.sort((x, y) => rank(x) - rank(y) || x.createdAt - y.createdAt).map(viewOf);
  }

  /** A calendar of the user's, or 404 (another user's calendar is not revealed). */
  async get(userId: string, id: string): Promise<Calendar> {
    const c = id.length <= 100 ? await this.store.getById(id) : null;
    if (!c || c.ownerId !== userId) throw new NotFoundError('no such calendar', E.CALENDAR_NOT_FOUND);
    return c;
  }

  /** A calendar the user may change events in: their own, or a copy shared with them to edit (writes go through). */
  async writable(userId: string, id: string): Promise<Calendar> {
    const c = await this.get(userId, id);
    if (c.remote && c.remote.access !== 'read-write')
      throw new NotAllowedError(
        `${c.remote.owner} shared this calendar with you to view only`,
        FEDERATION_ERRORS.CALENDAR_READ_ONLY,
      );
    return c;
  }

  async create(userId: string, body: Record<string, unknown>): Promise<CalendarView> {
    const name = checkName(body.name);
    const count = (await this.store.list(userId)).length;
    const color = body.color === undefined ? PALETTE[count % PALETTE.length]! : checkColor(body.color);
    // A readable URI (CalDAV clients and share invitations show it): the name's letters, numbered if taken.
    const base =
      name
        .normalize('NFKD')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 40) || 'calendar';
    for (let n = 1; n < 50; n++) {
      const uri = n === 1 ? base : `${base}-${n}`;
      if (await this.store.get(userId, uri)) continue;
      try {
        return viewOf(await this.store.create({ ownerId: userId, uri, props: { displayName: name, color } }), count);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    const c = await this.store.create({ ownerId: userId, uri: randomUUID(), props: { displayName: name, color } });
    return viewOf(c, count);
  }

  /** Renames or recolours; a shared copy may be recoloured (the colour is the recipient's own) but not renamed. */
  async update(userId: string, id: string, body: Record<string, unknown>): Promise<CalendarView> {
    const c = await this.get(userId, id);
    const props: { displayName?: string; color?: string } = {};
    if (body.name !== undefined) {
      if (c.remote)
        throw new NotAllowedError('only the owner renames a shared calendar', FEDERATION_ERRORS.CALENDAR_READ_ONLY);
      props.displayName = checkName(body.name);
    }
    if (body.color !== undefined) props.color = checkColor(body.color);
    const updated = await this.store.update(c.id, props);
    if (!updated) throw new NotFoundError('no such calendar', E.CALENDAR_NOT_FOUND);
    return viewOf(updated, 0);
  }

  async delete(userId: string, id: string): Promise<void> {
    const c = await this.get(userId, id);
    if (c.remote)
      throw new NotAllowedError('leave a shared calendar from the Shares page', FEDERATION_ERRORS.CALENDAR_READ_ONLY);
    await this.store.delete(c.id);
  }
}
