/**
 * DAV nodes over one stored calendar, as the owner serves it to a recipient's server (`/dav/remote-calendars/…`):
 * a sync collection of objects with strong ETags. Writes are validated as client PUTs and checked atomically
 * against the ETag the request saw (If-Match semantics inside the store's transaction).
 */
import { Readable } from 'node:stream';
import { DavError, forbidden, type DavFile, type DavNode, type DavSyncCollection, type WriteInput } from '#dav';
import { CaldavPreconditionError, StorePreconditionFailed, UidConflictError } from '../caldav-errors.ts';
import type { Calendar, CalendarStore } from '../calendar-store.ts';
import { validateCalendarObject } from '../ical-validate.ts';
import type { ObjectMeta, ObjectStore, WriteCondition } from '../object-store.ts';

const CALDAV_CALENDAR = '{urn:ietf:params:xml:ns:caldav}calendar';
const MAX_BODY = 1024 * 1024;

/** Reads a request body up to the object size limit. */
export async function readBody(input: WriteInput): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new DavError(
        403,
        'object is too large',
        'CALDAV_MAX_RESOURCE_SIZE',
        '{urn:ietf:params:xml:ns:caldav}max-resource-size',
      );
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/** The store's errors in DAV form (condition element kept). */
export function davErrorOf(err: unknown, hrefOf: (uri: string) => string): unknown {
  if (err instanceof UidConflictError)
    return new DavError(err.status, err.message, String(err.code), err.condition, [hrefOf(err.existingUri)]);
  if (err instanceof CaldavPreconditionError)
    return new DavError(err.status, err.message, String(err.code), err.condition);
  if (err instanceof StorePreconditionFailed) return new DavError(412, err.message, 'DAV_PRECONDITION_FAILED');
  return err;
}

interface Stores {
  calendars: CalendarStore;
  objects: ObjectStore;
  hrefOf: (uri: string) => string;
}

async function store(s: Stores, cal: Calendar, uri: string, input: WriteInput, cond: WriteCondition) {
  const bytes = await readBody(input);
  try {
    const v = validateCalendarObject(bytes, { supportedComponents: cal.components });
    const r = await s.objects.put(cal.id, uri, v.bytes, v.index, cond);
    return { etag: `"${r.etag}"` };
  } catch (err) {
    throw davErrorOf(err, s.hrefOf);
  }
}

class ObjectNode implements DavFile {
  readonly collection = false as const;
  readonly name: string;
  readonly etag: string;
  readonly lastModified: number;
  readonly contentType = 'text/calendar; charset=utf-8';
  readonly size: number;
  readonly lockable = false;

  constructor(
    private readonly s: Stores,
    private readonly cal: Calendar,
    meta: ObjectMeta,
  ) {
    this.name = meta.uri;
    this.etag = `"${meta.etag}"`;
    this.lastModified = meta.lastModified;
    this.size = meta.size;
  }

  async read(): Promise<Readable> {
    const obj = await this.s.objects.get(this.cal.id, this.name);
    if (!obj) throw new DavError(404, 'the object was deleted', 'DAV_NOT_FOUND');
    return Readable.from([obj.data]);
  }

  write(input: WriteInput) {
    return store(this.s, this.cal, this.name, input, { ifMatch: this.etag.slice(1, -1) });
  }

  async delete(): Promise<void> {
    try {
      await this.s.objects.delete(this.cal.id, this.name, { ifMatch: this.etag.slice(1, -1) });
    } catch (err) {
      throw davErrorOf(err, this.s.hrefOf);
    }
  }
}

/** The shared calendar as a DAV sync collection. */
export class SharedCalendarNode implements DavSyncCollection {
  readonly collection = true as const;
  readonly calendarId: string;
  readonly name: string;
  readonly displayName: string;
  readonly etag = null;
  readonly lastModified: number;
  readonly contentType = null;
  readonly size = null;
  readonly resourceTypes = [CALDAV_CALENDAR];
  readonly lockable = false;

  constructor(
    private readonly s: Stores,
    private readonly cal: Calendar,
  ) {
    this.calendarId = cal.id;
    this.name = cal.uri;
    this.displayName = cal.displayName ?? cal.uri;
    this.lastModified = cal.updatedAt;
  }

  async child(name: string): Promise<DavNode | null> {
    const obj = await this.s.objects.get(this.cal.id, name);
    return obj ? new ObjectNode(this.s, this.cal, obj) : null;
  }

  async children(): Promise<DavNode[]> {
    return (await this.s.objects.list(this.cal.id)).map((m) => new ObjectNode(this.s, this.cal, m));
  }

  async childrenNamed(names: readonly string[]): Promise<DavNode[]> {
    return (await this.s.objects.getMany(this.cal.id, [...names])).map((m) => new ObjectNode(this.s, this.cal, m));
  }

  createFile(name: string, input: WriteInput) {
    return store(this.s, this.cal, name, input, { ifNoneMatch: '*' });
  }

  async createCollection(): Promise<void> {
    throw forbidden('a calendar holds no collections');
  }

  async delete(): Promise<void> {
    throw forbidden('a shared calendar cannot be deleted by its recipient');
  }

  async syncToken(): Promise<number> {
    return (await this.s.calendars.getById(this.cal.id))?.syncToken ?? this.cal.syncToken;
  }

  async changesSince(token: number | null, opts: { limit: number | null }) {
    try {
      const set = await this.s.objects.changesSince(this.cal, token, opts.limit ?? undefined);
      return { token: set.token, changed: set.changed, deleted: set.deleted, truncated: set.truncated };
    } catch {
      return null; // an unknown token: the toolkit answers valid-sync-token
    }
  }
}
