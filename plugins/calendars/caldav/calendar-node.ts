/** A calendar collection as a DAV sync collection over the calendar and object stores. */
import {
  DavError,
  encodeSegment,
  forbidden,
  notFound,
  type DavNode,
  type DavSyncCollection,
  type SyncChanges,
  type WriteInput,
} from '#dav';
import type { Calendar } from '../calendar-store.ts';
import type { DavPrincipal, CalendarAccess } from './access.ts';
import type { CaldavContext, CalendarWriter } from './context.ts';
import { asDav } from './errors.ts';
import { ObjectNode, storeObject } from './object-node.ts';

/** Up to this many names, a lookup by name reads the objects' bytes too. */
const BYTES_WITH_NAMES = 200;

export const CALDAV_NS = 'urn:ietf:params:xml:ns:caldav';
export const CALENDAR_TYPE = `{${CALDAV_NS}}calendar`;

/** One calendar as `who` sees it (with the access the policy gave). */
export class CalendarNode implements DavSyncCollection {
  readonly collection = true as const;
  readonly name: string;
  readonly etag = null;
  readonly lastModified: number;
  readonly createdAt: number;
  readonly contentType = null;
  readonly size = null;
  readonly resourceTypes = [CALENDAR_TYPE];
  readonly lockable = false;

  constructor(
    readonly ctx: CaldavContext,
    readonly calendar: Calendar,
    readonly access: CalendarAccess,
    readonly who: DavPrincipal,
    /** The calendar's href, ending in `/`. */
    readonly href: string,
  ) {
    this.name = calendar.uri;
    this.lastModified = calendar.updatedAt;
    this.createdAt = calendar.createdAt;
  }

  get displayName(): string {
    return this.calendar.displayName ?? this.calendar.uri;
  }

  /** The href of a member. */
  memberHref(uri: string): string {
    return this.href + encodeSegment(uri);
  }

  /** Where this calendar's changes go (a synced copy's go to its owner through the federation writer). */
  writer(): CalendarWriter {
    if (!this.calendar.remote) return this.ctx.writers.local;
    const w = this.ctx.writers.remote;
    if (!w) throw forbidden('changes to calendars shared from other servers are not available', 'need-privileges');
    return w;
  }

  async child(name: string): Promise<ObjectNode | null> {
    const o = await this.ctx.objects.get(this.calendar.id, name);
    return o ? new ObjectNode(this, o, o.data) : null;
  }

  async children(): Promise<ObjectNode[]> {
    return (await this.ctx.objects.list(this.calendar.id, this.calendar.syncToken)).map((m) => new ObjectNode(this, m));
  }

  /**
   * Several members. A few (a multiget) are read with their bytes in the same query, since they are mostly asked
   * with calendar-data; a long list (a sync) without them (calendar-data, when asked, is loaded for the batch).
   */
  async childrenNamed(names: readonly string[]): Promise<ObjectNode[]> {
    if (names.length <= BYTES_WITH_NAMES)
      return (await this.ctx.objects.getMany(this.calendar.id, [...names], this.calendar.syncToken)).map(
        (o) => new ObjectNode(this, o, o.data),
      );
    return (await this.ctx.objects.metaMany(this.calendar.id, [...names])).map((m) => new ObjectNode(this, m));
  }

  createFile(name: string, input: WriteInput) {
    return storeObject(this, name, input);
  }

  /** A rename inside this (own, local) calendar; anything else is copied and deleted by the DAV core. */
  async moveInto(name: string, source: DavNode): Promise<boolean> {
    if (!(source instanceof ObjectNode) || source.parent.calendar.id !== this.calendar.id || this.calendar.remote)
      return false;
    if (!(await asDav(() => this.ctx.objects.rename(this.calendar.id, source.name, name)))) throw notFound();
    return true;
  }

  async createCollection(): Promise<void> {
    throw forbidden('a calendar holds calendar objects, not collections', '{DAV:}resource-must-be-null');
  }

  async syncToken(): Promise<number> {
    return this.calendar.syncToken;
  }

  /**
   * The response cache's version: the calendar's id and the token read with its row for this request (every object,
   * property and dead-property change bumps it in its transaction) and the access the policy gave the caller.
   */
  responseVersion(): string {
    return `${this.calendar.id}:${this.calendar.syncToken}:${this.access}`;
  }

  async changesSince(token: number | null, opts: { limit: number | null }): Promise<SyncChanges | null> {
    const { listed, ...changes } = await asDav(() =>
      this.ctx.objects.changesSince(this.calendar, token, opts.limit ?? undefined),
    );
    return listed ? { ...changes, members: listed.map((m) => new ObjectNode(this, m)) } : changes;
  }

  async delete(): Promise<void> {
    if (this.who.kind !== 'user' || this.who.userId !== this.calendar.ownerId)
      throw new DavError(403, 'only the owner may delete a calendar', 'DAV_FORBIDDEN', 'need-privileges');
    const w = this.calendar.remote ? this.ctx.writers.remote : this.ctx.writers.local;
    if (!w) throw forbidden('leaving a calendar shared from another server is done in the app', 'need-privileges');
    await w.deleteCalendar(this.calendar);
  }
}

/** The local writer: the stores of this server. */
export function localWriter(ctx: Pick<CaldavContext, 'calendars' | 'objects'>): CalendarWriter {
  return {
    async put(calendar, uri, v, cond) {
      const r = await ctx.objects.put(calendar.id, uri, v.bytes, v.index, cond);
      return { created: r.created, etag: r.etag };
    },
    delete: (calendar, uri, cond) => ctx.objects.delete(calendar.id, uri, cond),
    async deleteCalendar(calendar) {
      await ctx.calendars.delete(calendar.id);
    },
  };
}
