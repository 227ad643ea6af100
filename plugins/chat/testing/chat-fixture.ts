import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import express, { type Request, type RequestHandler } from 'express';
import { definePlugin, type MeshworkPlugin, type PluginContext } from '#core';
import { eventually, startTestServer, type TestServer } from '../../../test/harness/test-server.ts';
import { ChatConnection } from '../client/chat-connection.ts';
import { chatPlugin } from '../index.ts';
import type { ChatEvent, RoomDetail, RoomSummary, TimelineItem } from '../shared.ts';

/**
 * Starts a test server running the chat plugin (fast sweeps: every 300 ms unless `sweepMs` says otherwise),
 * optionally on a given port and data dir.
 */
export function startChatServer(
  opts: {
    port?: number;
    dataDir?: string;
    extra?: MeshworkPlugin[];
    env?: Record<string, string>;
    wiretap?: Array<[string, RequestHandler[]]>;
    sweepMs?: number;
  } = {},
): Promise<TestServer> {
  const { sweepMs = 300, ...rest } = opts;
  return startTestServer({ ...rest, plugins: [...(opts.extra ?? []), chatPlugin({ sweepMs })] });
}

/** A browser stand-in: a chat socket that records every event it was handed, per room, in order. */
export interface Browser {
  conn: ChatConnection;
  events: Map<string, ChatEvent[]>;
  /** Messages (text) seen in a room, in the order applied. */
  texts(roomId: string): string[];
  /** Waits until `check` holds for the room's events. */
  until(roomId: string, check: (events: ChatEvent[]) => boolean, ms?: number, what?: string): Promise<ChatEvent[]>;
  close(): void;
}

/** Connects a socket.io client as a user of a server. */
export async function browser(server: TestServer, token: string): Promise<Browser> {
  const events = new Map<string, ChatEvent[]>();
  const conn = new ChatConnection(server.origin, token, {
    transports: ['websocket'],
    ackTimeoutMs: 2000,
    onEvent: (e) => {
      const list = events.get(e.roomId) ?? [];
      list.push(e);
      events.set(e.roomId, list);
    },
  });
  await conn.connected();
  const texts = (roomId: string) =>
    (events.get(roomId) ?? []).filter((e) => e.type === 'message.posted').map((e) => (e.data as { text: string }).text);
  return {
    conn,
    events,
    texts,
    until: (roomId, check, ms = 8000, what = 'events') =>
      eventually(
        async () => {
          const list = events.get(roomId) ?? [];
          return check(list) ? list : null;
        },
        ms,
        what,
      ),
    close: () => conn.close(),
  };
}

/** Creates a group room hosted on `server`. */
export async function createRoom(
  server: TestServer,
  token: string,
  name: string,
  members: string[] = [],
): Promise<RoomSummary> {
  const res = await server.api(token, 'POST', '/api/v1/chat/rooms', { name, members });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.room;
}

/** The rooms a user sees. */
export async function rooms(server: TestServer, token: string): Promise<RoomSummary[]> {
  const res = await server.api(token, 'GET', '/api/v1/chat/rooms');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** A room with members, as a member sees it. */
export async function detail(server: TestServer, token: string, roomId: string): Promise<RoomDetail> {
  const res = await server.api(token, 'GET', `/api/v1/chat/rooms/${roomId}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** The full history of a room, paging back to its start. */
export async function fullHistory(server: TestServer, token: string, roomId: string): Promise<TimelineItem[]> {
  const items: TimelineItem[] = [];
  let before: number | null = null;
  for (;;) {
    const q: string = before === null ? '?limit=100' : `?limit=100&before=${before}`;
    const res = await server.api(token, 'GET', `/api/v1/chat/rooms/${roomId}/history${q}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    items.unshift(...(res.body.items as TimelineItem[]));
    if (!res.body.more) return items;
    before = items[0]?.seq ?? 0;
  }
}

/** Message texts of a room's history, oldest first. */
export async function historyTexts(server: TestServer, token: string, roomId: string): Promise<string[]> {
  return (await fullHistory(server, token, roomId))
    .filter((i) => i.type === 'message.posted')
    .map((i) => i.message?.text ?? '');
}

/** Accepts every room invitation waiting in a user's inbox (users of the host's own server are invited too). */
export async function acceptInvites(server: TestServer, token: string): Promise<number> {
  const inbox = await server.api(token, 'GET', '/api/v1/shares/incoming');
  const pending = (inbox.body as Array<{ id: string; resourceType: string; state: string }>).filter(
    (s) => s.resourceType === 'chat-room' && s.state === 'pending',
  );
  for (const s of pending) {
    const res = await server.api(token, 'POST', `/api/v1/shares/incoming/${s.id}/accept`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  return pending.length;
}

/**
 * Invites `user@remote` into a room hosted on `host`, accepts the share on the remote server, and waits
 * until both sides agree they joined. Returns the room's id on the remote server.
 */
export async function inviteAndAccept(
  host: TestServer,
  ownerToken: string,
  roomId: string,
  remote: TestServer,
  user: string,
  userToken: string,
): Promise<string> {
  const added = await host.api(ownerToken, 'POST', `/api/v1/chat/rooms/${roomId}/members`, {
    address: `${user}@${remote.host}`,
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  const share = await eventually(
    async () => {
      const inbox = await remote.api(userToken, 'GET', '/api/v1/shares/incoming');
      return (inbox.body as Array<{ id: string; resourceType: string; state: string }>).find(
        (s) => s.resourceType === 'chat-room' && s.state === 'pending',
      );
    },
    5000,
    'the chat share to arrive',
  );
  const known = new Set((await rooms(remote, userToken)).map((r) => r.id));
  const accepted = await remote.api(userToken, 'POST', `/api/v1/shares/incoming/${share.id}/accept`);
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  await eventually(
    async () =>
      (await detail(host, ownerToken, roomId)).members.some(
        (m) => m.address === `${user}@${remote.host}` && m.state === 'joined',
      ),
    5000,
    'the host to see the member join',
  );
  const mirror = await eventually(
    async () => (await rooms(remote, userToken)).find((r) => r.host === host.host && !known.has(r.id)),
    5000,
    'the room to appear on the remote',
  );
  await eventually(
    async () => {
      const d = await detail(remote, userToken, mirror.id);
      return d.members.some((m) => m.address === `${user}@${remote.host}` && m.state === 'joined') && d.lastSeq > 0;
    },
    5000,
    'the remote mirror to sync',
  );
  return mirror.id;
}

/** A server-to-server request as it reached a server, kept byte for byte for replay tests. */
export interface CapturedRequest {
  path: string;
  headers: Record<string, string>;
  raw: Buffer;
  body: any;
}

/**
 * A test-only plugin: records every request to the chat S2S routes (mounted before the chat plugin, it
 * sees them first) and exposes its plugin context (to send signed requests as this server).
 */
export function probePlugin(): {
  plugin: MeshworkPlugin;
  captured: CapturedRequest[];
  ctx: () => PluginContext;
  /** Records every request to chat's server-to-server routes (pass to startChatServer / startTestServer). */
  wiretap: Array<[string, RequestHandler[]]>;
} {
  const captured: CapturedRequest[] = [];
  let context: PluginContext | null = null;
  // A plugin may not mount on another's path (start-up refuses it), so the recording runs as the engine's wiretap.
  const plugin = definePlugin({
    id: 'probe',
    resourceTypes: [],
    async setup(ctx) {
      context = ctx;
      return {};
    },
  });
  const keep = (req: unknown, _res: unknown, buf: Buffer): void => void ((req as Request).rawBody = buf);
  const record: RequestHandler = (req, _res, next) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    captured.push({ path: req.originalUrl, headers, raw: req.rawBody ?? Buffer.alloc(0), body: req.body });
    next();
  };
  const wiretap: Array<[string, RequestHandler[]]> = [
    ['/plugins/chat/s2s', [express.json({ limit: '8mb', verify: keep }), record]],
  ];
  return { plugin, captured, ctx: () => context as PluginContext, wiretap };
}

/** Sends a captured request again, byte for byte (same signature headers and body). */
export function replay(server: TestServer, req: CapturedRequest): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const r = httpRequest(`${server.origin}${req.path}`, { method: 'POST', headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
      });
    });
    r.on('error', reject);
    r.end(req.raw);
  });
}
