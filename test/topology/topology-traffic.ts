import { createHash, randomBytes } from 'node:crypto';
import { ChatConnection } from '../../plugins/chat/client/chat-connection.ts';
import type { ChatEvent } from '../../plugins/chat/shared.ts';

/** Traffic for the topology test: chat users, WebDAV uploads and shares, each recording what was acknowledged. */

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A JSON API call that never throws on a dead node: status 0 means the request never got an answer. */
export async function call(
  origin: string,
  token: string | null,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  try {
    const res = await fetch(origin + p, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch {
    return { status: 0, body: null };
  }
}

/** A chat user's socket: events per room (by room label) as the app shows them, and connection history. */
export class ChatUser {
  readonly conn: ChatConnection;
  /** label → message texts in the order they were delivered. */
  readonly seen = new Map<string, string[]>();
  /** label → seqs in the order they were delivered. */
  readonly seqs = new Map<string, number[]>();
  connects = 0;
  disconnects = 0;
  /** Texts this user's server acknowledged (`ok`), by room label. */
  readonly acked = new Map<string, string[]>();

  constructor(
    readonly name: string,
    origin: string,
    token: string,
    readonly labels: Map<string, string>,
    /** The balancer's stickiness cookie, to place this socket on a chosen node (`MWNODE=node1`). */
    cookie?: string,
  ) {
    this.conn = new ChatConnection(origin, token, {
      autoConnect: false,
      transports: ['websocket'],
      ackTimeoutMs: 5000,
      retries: 100,
      onEvent: (e: ChatEvent) => {
        const label = this.labels.get(e.roomId);
        if (!label || e.type !== 'message.posted') return;
        (this.seen.get(label) ?? this.seen.set(label, []).get(label)!).push(e.data.text);
        (this.seqs.get(label) ?? this.seqs.set(label, []).get(label)!).push(e.seq);
      },
    });
    this.conn.socket.on('connect', () => this.connects++);
    this.conn.socket.on('disconnect', () => this.disconnects++);
    if (cookie) this.conn.socket.io.opts.extraHeaders = { cookie };
    this.conn.socket.connect();
  }

  /** Sends `count` messages to every room, one round every `gapMs`, without waiting for acks (as a busy UI). */
  async talk(count: number, gapMs: number, onRound?: (i: number) => void): Promise<void> {
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < count; i++) {
      onRound?.(i);
      for (const [roomId, label] of this.labels) {
        const text = `${this.name}:${label}:${i}`;
        pending.push(
          this.conn.send(roomId, text, { clientMsgId: `t-${text}` }).then(
            (r) => {
              if (r.ok) (this.acked.get(label) ?? this.acked.set(label, []).get(label)!).push(text);
            },
            () => {},
          ),
        );
      }
      await sleep(gapMs);
    }
    await Promise.all(pending);
  }
}

/** WebDAV uploads through the balancer; a PUT is idempotent, so a failed one is simply sent again. */
export class Uploader {
  readonly acked = new Map<string, string>(); // path → sha256
  failures = 0;
  constructor(
    readonly origin: string,
    readonly authorization: string,
  ) {}

  async put(p: string, size: number): Promise<void> {
    const body = randomBytes(size);
    for (let attempt = 0; attempt < 20; attempt++) {
      const res = await fetch(this.origin + p, { method: 'PUT', headers: { authorization: this.authorization }, body })
        .then(async (r) => (await r.arrayBuffer(), r.status))
        .catch(() => 0);
      if (res === 201 || res === 204) {
        this.acked.set(p, sha(body));
        return;
      }
      this.failures++;
      await sleep(100);
    }
  }

  async get(p: string): Promise<{ status: number; sha: string }> {
    const res = await fetch(this.origin + p, { headers: { authorization: this.authorization } });
    return { status: res.status, sha: sha(Buffer.from(await res.arrayBuffer())) };
  }
}
