import type { Calendar } from '../calendar-store.ts';
import type { CalendarFederation } from '../federation/federation.ts';
import type { ValidatedObject } from '../ical-validate.ts';
import type { ObjectStore, WriteCondition } from '../object-store.ts';

/**
 * Where the web app's writes go: a local calendar's objects directly; a synced copy of a calendar shared from another
 * server through to its owner first (federation's write-through: refused at once when the owner cannot be reached).
 */
export class ObjectWriter {
  constructor(
    private readonly objects: ObjectStore,
    private readonly federation: Pick<CalendarFederation, 'putThrough' | 'deleteThrough'> | null,
  ) {}

  async put(cal: Calendar, uri: string, v: ValidatedObject, cond: WriteCondition): Promise<{ etag: string }> {
    if (cal.remote && this.federation) return this.federation.putThrough(cal, uri, v.bytes, cond);
    return this.objects.put(cal.id, uri, v.bytes, v.index, cond);
  }

  async delete(cal: Calendar, uri: string, cond: WriteCondition): Promise<boolean> {
    if (cal.remote && this.federation) return this.federation.deleteThrough(cal, uri, cond);
    return this.objects.delete(cal.id, uri, cond);
  }
}
