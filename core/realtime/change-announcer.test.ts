import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { ChangeAnnouncer } from './change-announcer.ts';
import { userRoom } from './realtime.ts';

async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise<void>((r) => setTimeout(r, 10));
}

describe('ChangeAnnouncer: one message per collection and burst, to its owner only', () => {
  let http: HttpServer;
  let server: Server;
  const sockets: Socket[] = [];
  const owners = new Map([
    ['cal-a', 'ann'],
    ['cal-b', 'ann'],
    ['cal-c', 'ben'],
  ]);
  let announcer: ChangeAnnouncer;

  before(async () => {
    http = createServer();
    server = new Server(http);
    const ns = server.of('/things');
    // The test's stand-in for the core's session middleware: the user is named in the handshake.
    ns.on('connection', (s) => {
      void s.join(userRoom(String(s.handshake.auth.user)));
      s.emit('joined');
    });
    announcer = new ChangeAnnouncer(ns, {
      event: 'things:changed',
      field: 'thingId',
      ownerOf: async (id) => {
        if (id === 'broken') throw new Error('database gone');
        return owners.get(id) ?? null;
      },
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await server.close();
  });

  async function listen(user: string): Promise<unknown[]> {
    const seen: unknown[] = [];
    const s = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}/things`, {
      auth: { user },
      transports: ['websocket'],
    });
    sockets.push(s);
    s.on('things:changed', (m: unknown) => seen.push(m));
    await new Promise<void>((r) => s.once('joined', () => r()));
    return seen;
  }

  it('coalesces a burst, skips collections that are gone or unreadable, and reaches only the owner', async () => {
    const ann = await listen('ann');
    const ben = await listen('ben');
    for (let i = 0; i < 20; i++) announcer.changed('cal-a');
    announcer.changed('cal-b');
    announcer.changed('gone');
    announcer.changed('broken');
    await until(() => ann.length >= 2);
    // A later message to each: had the first burst sent more, it would have arrived before these (one socket's
    // messages keep their order).
    announcer.changed('cal-c');
    announcer.toOwner('ann', null);
    await until(() => ben.length >= 1 && ann.length >= 3);
    assert.deepEqual(ann, [{ thingId: 'cal-a' }, { thingId: 'cal-b' }, { thingId: null }]);
    assert.deepEqual(ben, [{ thingId: 'cal-c' }]);
  });
});
