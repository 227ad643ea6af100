/** A calendar object resource as a DAV file: the client's bytes verbatim, a strong ETag of exactly those bytes. */
import { Readable, type Writable } from 'node:stream';
import { DavError, sendBytes, type DavFile, type WriteInput, type WriteResult } from '#dav';
import { CaldavPreconditionError } from '../caldav-errors.ts';
import { rememberParsedObject } from '../calendar-query.ts';
import { validateCalendarObject } from '../ical-validate.ts';
import type { ObjectMeta, StoredObject, WriteCondition } from '../object-store.ts';
import type { CalendarNode } from './calendar-node.ts';
import { asDav } from './errors.ts';

/** Reads a PUT body, refusing it once it passes the size limit (max-resource-size) without reading it all. */
export async function readLimited(input: WriteInput, max: number): Promise<Buffer> {
  const tooLarge = () =>
    asDav(async () => {
      throw new CaldavPreconditionError('max-resource-size', `calendar objects are limited to ${max} bytes`);
    });
  if (input.length !== null && input.length > max) await tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      input.body.destroy();
      await tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Media types a PUT body may be labelled with: text/calendar, and the generic labels scripts and tools put on any
 * upload (curl, fetch with a string); the body itself is checked as iCalendar either way.
 */
const ACCEPTED_TYPES = new Set([
  '',
  'text/calendar',
  'application/octet-stream',
  'text/plain',
  'application/x-www-form-urlencoded',
]);

/** RFC 4791 §5.3.2.1 supported-calendar-data: a body labelled as another format (vCard, JSON …) is refused. */
function checkMediaType(contentType: string | undefined): void {
  if (contentType === undefined) return;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (ACCEPTED_TYPES.has(type)) return;
  throw new DavError(
    403,
    `calendar objects are text/calendar, not ${type.slice(0, 60)}`,
    'CALDAV_SUPPORTED_CALENDAR_DATA',
    '{urn:ietf:params:xml:ns:caldav}supported-calendar-data',
  );
}

/** The single If-Match / If-None-Match the store re-checks inside its transaction (lists are checked before). */
export function writeCondition(headers: WriteInput['headers']): WriteCondition {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : v)?.trim();
  const cond: WriteCondition = {};
  const im = one(headers['if-match']);
  if (im && !im.includes(',')) cond.ifMatch = im === '*' ? '*' : im.replace(/\\"/g, '"').replace(/^"|"$/g, '');
  const inm = one(headers['if-none-match']);
  if (inm === '*') cond.ifNoneMatch = '*';
  return cond;
}

/** Validates and stores a PUT body through the calendar's writer; the answer carries the new strong ETag. */
export async function storeObject(cal: CalendarNode, uri: string, input: WriteInput): Promise<WriteResult> {
  checkMediaType(input.contentType);
  const bytes = await readLimited(input, cal.ctx.maxResourceSize);
  const calendar = cal.calendar;
  return asDav(
    async () => {
      const v = validateCalendarObject(bytes, {
        supportedComponents: calendar.components,
        maxResourceSize: cal.ctx.maxResourceSize,
      });
      const r = await cal.writer().put(calendar, uri, v, writeCondition(input.headers));
      // The local store's ETag names exactly these bytes: their tree is what a query would parse.
      if (r.etag !== null && !calendar.remote) rememberParsedObject(r.etag, v.vcalendar, bytes.length);
      return { etag: r.etag === null ? null : `"${r.etag}"` };
    },
    (u) => cal.memberHref(u),
  );
}

/** One stored object; `data` is present when the listing loaded it (multiget, query, sync). */
export class ObjectNode implements DavFile {
  readonly collection = false as const;
  readonly name: string;
  readonly etag: string;
  readonly lastModified: number;
  readonly contentType: string;
  readonly size: number;

  constructor(
    readonly parent: CalendarNode,
    readonly meta: ObjectMeta,
    public data: Buffer | null = null,
  ) {
    this.name = meta.uri;
    this.etag = `"${meta.etag}"`;
    this.lastModified = meta.lastModified;
    this.contentType = `text/calendar; charset=utf-8; component=${meta.componentType.toLowerCase()}`;
    this.size = meta.size;
  }

  /** The stored object with its bytes (loaded once). */
  async stored(): Promise<StoredObject> {
    if (this.data) return { ...this.meta, data: this.data };
    const o = await this.parent.ctx.objects.get(this.parent.calendar.id, this.name);
    if (!o) throw new DavError(404, 'the object was deleted meanwhile', 'DAV_NOT_FOUND');
    this.data = o.data;
    return o;
  }

  async read(range?: { start: number; end: number }): Promise<Readable> {
    const { data } = await this.stored();
    return Readable.from([range ? data.subarray(range.start, range.end + 1) : data]);
  }

  /** GET: the bytes in one write with the headers. */
  async send(out: Writable, range: { start: number; end: number }): Promise<void> {
    return sendBytes(out, (await this.stored()).data, range);
  }

  write(input: WriteInput): Promise<WriteResult> {
    return storeObject(this.parent, this.name, input);
  }

  async delete(): Promise<void> {
    const p = this.parent;
    // If-Match was checked against this snapshot by the DAV core.
    await asDav(() => p.writer().delete(p.calendar, this.name, {}));
  }
}
