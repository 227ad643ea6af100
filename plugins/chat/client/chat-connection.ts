import { io, type Socket } from 'socket.io-client';
import {
  CHAT_NAMESPACE,
  type Ack,
  type ActResult,
  type CatchUpResult,
  type ChatAction,
  type ChatClientToServer,
  type ChatEvent,
  type ChatServerToClient,
} from '../shared.ts';
import { newClientId } from './client-id.ts';
import { RoomSequencer } from './room-sequencer.ts';

/** A typed socket on the /chat namespace. */
export type ChatSocket = Socket<ChatServerToClient, ChatClientToServer>;

/** Options of a chat connection. */
export interface ChatConnectionOptions {
  /** Called once per event, in seq order per room, never twice. */
  onEvent?: (e: ChatEvent) => void;
  /** `['websocket']` skips long-polling (benchmarks, tests). */
  transports?: Array<'websocket' | 'polling'>;
  /** How long an action waits for its ack before the client sends it again (same client id). */
  ackTimeoutMs?: number;
  retries?: number;
  /** Connect now (default) or later with `socket.connect()`. */
  autoConnect?: boolean;
}

export { newClientId };

/**
 * A browser's (or test's) chat session: sends actions with acks and retries under one client id, hands
 * events over in order through a RoomSequencer, and on every reconnect sends its last seq per room so the
 * server replays what it missed.
 */
export class ChatConnection {
  readonly socket: ChatSocket;
  readonly sequencer: RoomSequencer;

  constructor(origin: string, token: string, opts: ChatConnectionOptions = {}) {
    this.sequencer = new RoomSequencer({
      catchUp: (roomId, after) => this.catchUp(roomId, after),
      deliver: (e) => opts.onEvent?.(e),
    });
    this.socket = io(`${origin}${CHAT_NAMESPACE}`, {
      auth: (cb) => cb({ token, lastSeq: this.sequencer.snapshot() }),
      ackTimeout: opts.ackTimeoutMs ?? 10_000,
      retries: opts.retries ?? 30,
      autoConnect: opts.autoConnect ?? true,
      ...(opts.transports ? { transports: opts.transports } : {}),
    }) as ChatSocket;
    this.socket.on('event', (e) => this.sequencer.receive(e));
  }

  /** Resolves once connected (or rejects with the server's refusal). */
  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const ok = () => {
        this.socket.off('connect_error', bad);
        resolve();
      };
      const bad = (err: Error) => {
        this.socket.off('connect', ok);
        reject(err);
      };
      this.socket.once('connect', ok);
      this.socket.once('connect_error', bad);
    });
  }

  /** Performs an action; the ack says whether the host ordered it or it is queued for a remote host. */
  act(roomId: string, action: ChatAction, clientMsgId = newClientId()): Promise<Ack<ActResult>> {
    return this.socket.emitWithAck('act', { roomId, clientMsgId, action });
  }

  /** Posts a message. */
  send(roomId: string, text: string, opts: { replyTo?: string; clientMsgId?: string } = {}): Promise<Ack<ActResult>> {
    return this.act(roomId, { type: 'post', text, replyTo: opts.replyTo ?? null }, opts.clientMsgId);
  }

  /** Says the user is (or stopped) typing; volatile, so it never waits behind queued actions. */
  typing(roomId: string, typing: boolean): void {
    this.socket.volatile.emit('typing', { roomId, typing });
  }

  /** Events after a seq, straight from the server (the sequencer uses this to fill gaps). */
  async catchUp(roomId: string, after: number): Promise<CatchUpResult | null> {
    const r = await this.socket.timeout(10_000).emitWithAck('catchUp', { roomId, after });
    return r.ok ? r : null;
  }

  /** Ends the session. */
  close(): void {
    this.socket.close();
  }
}
