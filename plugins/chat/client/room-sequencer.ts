import type { CatchUpResult, ChatEvent } from '../shared.ts';

/** How a sequencer fetches missed events ("events after N") from its own server. */
export type CatchUpFn = (roomId: string, after: number) => Promise<CatchUpResult | null>;

/**
 * Client-side ordering of a room's events: socket.io delivers at most once and replays can interleave with
 * live events, so a client applies events strictly by seq: duplicates are dropped, early ones wait in a
 * buffer, and a gap that does not close quickly is filled with a catch-up request.
 */
export class RoomSequencer {
  readonly #last = new Map<string, number>();
  readonly #buffer = new Map<string, Map<number, ChatEvent>>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #catchUp: CatchUpFn;
  readonly #deliver: (e: ChatEvent) => void;
  readonly #gapWaitMs: number;

  constructor(opts: { catchUp: CatchUpFn; deliver: (e: ChatEvent) => void; gapWaitMs?: number }) {
    this.#catchUp = opts.catchUp;
    this.#deliver = opts.deliver;
    this.#gapWaitMs = opts.gapWaitMs ?? 250;
  }

  /** Last seq applied for a room (0 if none). */
  lastSeq(roomId: string): number {
    return this.#last.get(roomId) ?? 0;
  }

  /** Starts a room at a known seq (e.g. after loading its history), skipping what came before. */
  start(roomId: string, seq: number): void {
    if (seq > this.lastSeq(roomId)) this.#last.set(roomId, seq);
  }

  /** Forgets a room (the user left it). */
  forget(roomId: string): void {
    this.#last.delete(roomId);
    this.#buffer.delete(roomId);
    const t = this.#timers.get(roomId);
    if (t) clearTimeout(t);
    this.#timers.delete(roomId);
  }

  /** Last seq per room, for the reconnect handshake. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#last);
  }

  /** Takes one event from the server, in whatever order it came. */
  receive(e: ChatEvent): void {
    const last = this.lastSeq(e.roomId);
    if (e.seq <= last) return;
    if (e.seq > last + 1) {
      const buf = this.#buffer.get(e.roomId) ?? new Map<number, ChatEvent>();
      buf.set(e.seq, e);
      this.#buffer.set(e.roomId, buf);
      this.#scheduleFill(e.roomId);
      return;
    }
    this.#apply(e);
  }

  /** Asks the server for everything after the last applied seq of a room, now. */
  async fill(roomId: string): Promise<void> {
    for (let round = 0; round < 100; round++) {
      const before = this.lastSeq(roomId);
      const r = await this.#catchUp(roomId, before).catch(() => null);
      if (!r) return;
      for (const e of r.events) this.receive(e);
      if (!r.more || this.lastSeq(roomId) === before) return;
    }
  }

  #apply(e: ChatEvent): void {
    this.#last.set(e.roomId, e.seq);
    this.#deliver(e);
    const buf = this.#buffer.get(e.roomId);
    let next = buf?.get(e.seq + 1);
    while (buf && next) {
      buf.delete(next.seq);
      this.#last.set(e.roomId, next.seq);
      this.#deliver(next);
      next = buf.get(next.seq + 1);
    }
    if (buf && buf.size === 0) this.#buffer.delete(e.roomId);
  }

  #scheduleFill(roomId: string): void {
    if (this.#timers.has(roomId)) return;
    this.#timers.set(
      roomId,
      setTimeout(() => {
        this.#timers.delete(roomId);
        if (this.#buffer.get(roomId)?.size)
          void this.fill(roomId).then(() => this.#buffer.get(roomId)?.size && this.#scheduleFill(roomId));
      }, this.#gapWaitMs),
    );
  }
}
