/**
 * `/api/v1/calendars/federated…`: the recipient's synced copies of calendars shared from other servers, for the web
 * app and scripts (CalDAV clients see the same copies in their calendar home). Writes go through to the owner.
 */
import { InputError, NotFoundError, type PluginContext } from '#core';
import type { Calendar, CalendarStore } from '../calendar-store.ts';
import type { ObjectStore } from '../object-store.ts';
import { FEDERATION_ERRORS } from './error-codes.ts';
import type { CalendarFederation } from './federation.ts';

function view(c: Calendar) {
  return {
    id: c.id,
    uri: c.uri,
    displayName: c.displayName,
    color: c.color,
    components: c.components,
    owner: c.remote?.owner ?? null,
    access: c.remote?.access ?? null,
    syncedAt: c.remote?.syncedAt ?? null,
    error: c.remote?.error ?? null,
  };
}

function ifMatch(v: string | undefined): string | undefined {
  return v ? v.trim().replace(/^W\//, '').replace(/^"|"$/g, '') : undefined;
}

/** Registers the routes on the plugin's API router. */
export function federationApi(
  ctx: PluginContext,
  stores: { calendars: CalendarStore; objects: ObjectStore },
  fed: CalendarFederation,
): void {
  const copyOf = async (userId: string, id: string) => {
    const c = await stores.calendars.getById(id);
    if (!c || c.ownerId !== userId || !c.remote)
      throw new NotFoundError('no shared calendar with this id', FEDERATION_ERRORS.CALENDAR_NOT_A_COPY);
    return c;
  };
  const text = (body: unknown): Buffer => {
    const data = (body as { data?: unknown } | undefined)?.data;
    if (typeof data !== 'string' || data === '') throw new InputError('data (the iCalendar text) is required');
    return Buffer.from(data, 'utf8');
  };
  ctx.api.get('/federated', async (req, res) => {
    res.json((await stores.calendars.list(req.user!.id)).filter((c) => c.remote).map(view));
  });
  ctx.api.get('/federated/:id/objects', async (req, res) => {
    const c = await copyOf(req.user!.id, String(req.params.id));
    const list = await stores.objects.getMany(
      c.id,
      (await stores.objects.list(c.id)).map((o) => o.uri),
    );
    res.json(list.map((o) => ({ uri: o.uri, etag: o.etag, data: o.data.toString('utf8') })));
  });
  ctx.api.put('/federated/:id/objects/:uri', async (req, res) => {
    const c = await copyOf(req.user!.id, String(req.params.id));
    const cond = ifMatch(req.headers['if-match']);
    const r = await fed.putThrough(c, String(req.params.uri), text(req.body), cond ? { ifMatch: cond } : {});
    res.status(r.created ? 201 : 200).json({ etag: r.etag });
  });
  ctx.api.delete('/federated/:id/objects/:uri', async (req, res) => {
    const c = await copyOf(req.user!.id, String(req.params.id));
    const cond = ifMatch(req.headers['if-match']);
    if (!(await fed.deleteThrough(c, String(req.params.uri), cond ? { ifMatch: cond } : {})))
      throw new NotFoundError('no such event');
    res.status(204).end();
  });
  ctx.api.post('/federated/:id/sync', async (req, res) => {
    const c = await copyOf(req.user!.id, String(req.params.id));
    await fed.pull(c);
    res.json(view((await stores.calendars.getById(c.id)) ?? c));
  });
}
