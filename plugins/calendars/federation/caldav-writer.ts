/**
 * The CalDAV layer's writer for synced copies (`CaldavContext.writers.remote`): a recipient's CalDAV client's
 * PUT/DELETE goes to the owner first (federation/write-through.ts); refusals keep their DAV condition element
 * (`need-privileges` for read-only, a 503 `<d:error>` when the owner is down). Deleting the copy leaves the share.
 */
import type { PluginContext } from '#core';
import { DavError } from '#dav';
import type { CalendarWriter } from '../caldav/context.ts';
import type { CalendarFederation } from './federation.ts';
import { FederationWriteError } from './write-through.ts';

function asDav(err: unknown): unknown {
  if (err instanceof FederationWriteError)
    return new DavError(err.status, err.message, String(err.code), err.condition);
  return err;
}

/** The remote writer over the federation's write-through. */
export function federationWriter(ctx: PluginContext, fed: CalendarFederation): CalendarWriter {
  return {
    async put(calendar, uri, object, cond) {
      try {
        const r = await fed.putThrough(calendar, uri, object.bytes, cond);
        return { created: r.created, etag: r.etag };
      } catch (err) {
        throw asDav(err);
      }
    },
    async delete(calendar, uri, cond) {
      try {
        return await fed.deleteThrough(calendar, uri, cond);
      } catch (err) {
        throw asDav(err);
      }
    },
    async deleteCalendar(calendar) {
      if (!calendar.remote) return;
      await ctx.shares.leaveIncoming(calendar.ownerId, calendar.remote.shareId);
    },
  };
}
