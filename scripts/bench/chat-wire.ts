import WebSocket from 'ws';
import type { ChatEvent } from '../../plugins/chat/shared.ts';

/**
 * bench:chat's lean client: socket.io protocol 5 over engine.io 4, WebSocket transport only, spoken directly on a
 * `ws` socket. The bench holds hundreds of sockets per process on the cores the servers run on; socket.io-client's
 * per-socket manager, packet queue, retry and ack-timeout machinery and the chat client's sequencer cost CPU that
 * starves the servers it measures. This speaks just what the bench needs: the `/chat` namespace handshake with the
 * session token, `act` with an ack, `event` pushes (one JSON.parse per frame) and engine.io's ping/pong. Frames it
 * does not use are ignored; it never reconnects (a dropped socket shows up as lost deliveries).
 */
const NS = '/chat';
const EVENT_PREFIX = `42${NS},["event",`;
const ACK_PREFIX = `43${NS},`;
const CONNECT_PREFIX = `40${NS},`;

export interface WireActResult {
  ok: boolean;
}

export class WireChatClient {
  readonly #ws: WebSocket;
  readonly #acks = new Map<number, (r: WireActResult) => void>();
  #nextAck = 0;
  readonly #ready: Promise<void>;

  constructor(origin: string, token: string, onEvent: (e: ChatEvent) => void) {
    const url = `${origin.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    this.#ws = new WebSocket(url, { perMessageDeflate: false });
    this.#ready = new Promise((resolve, reject) => {
      // Before the handshake an error fails connected(); after it, a dropped socket shows up as lost deliveries.
      this.#ws.on('error', reject);
      this.#ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        const s = data.toString();
        if (s.startsWith(EVENT_PREFIX)) {
          // `42/chat,["event",{…}]`: the event object is everything between the prefix and the closing bracket.
          onEvent(JSON.parse(s.slice(EVENT_PREFIX.length, -1)) as ChatEvent);
        } else if (s.startsWith(ACK_PREFIX)) {
          // `43/chat,<id>[<result>]`
          const open = s.indexOf('[', ACK_PREFIX.length);
          const id = Number(s.slice(ACK_PREFIX.length, open));
          const done = this.#acks.get(id);
          this.#acks.delete(id);
          done?.((JSON.parse(s.slice(open)) as WireActResult[])[0] ?? { ok: false });
        } else if (s === '2') {
          this.#ws.send('3'); // engine.io ping → pong
        } else if (s.startsWith('0')) {
          // engine.io open: join the namespace with the chat handshake (no lastSeq: the bench starts fresh).
          this.#ws.send(`${CONNECT_PREFIX}${JSON.stringify({ token })}`);
        } else if (s.startsWith(CONNECT_PREFIX)) {
          resolve();
        } else if (s.startsWith(`44${NS},`)) {
          reject(new Error(`chat namespace refused: ${s}`));
        }
      });
    });
  }

  /** Resolves once the `/chat` namespace accepted the session. */
  connected(): Promise<void> {
    return this.#ready;
  }

  /** Posts a message (an `act` with an ack, as ChatConnection.send sends it). */
  send(roomId: string, text: string, clientMsgId: string): Promise<WireActResult> {
    const id = this.#nextAck++;
    const req = { roomId, clientMsgId, action: { type: 'post', text, replyTo: null } };
    return new Promise((resolve) => {
      this.#acks.set(id, resolve);
      this.#ws.send(`42${NS},${id}${JSON.stringify(['act', req])}`);
    });
  }

  close(): void {
    this.#ws.close();
    for (const done of this.#acks.values()) done({ ok: false });
    this.#acks.clear();
  }
}
