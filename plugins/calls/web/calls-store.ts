import { useEffect, useState } from 'preact/hooks';
import type { CallClient } from './rtc/call-client.ts';
import type { CallClientState, CallsSocket } from './rtc/call-state.ts';

/** A one-to-one call ringing for this user. */
export interface Ringing {
  roomId: string;
  callId: string;
  from: string;
  fromName: string;
  video: boolean;
}

/** What the calls UI shares across pages: the /calls socket, the call this tab is in, calls ringing. */
export interface CallsSnapshot {
  socket: CallsSocket | null;
  client: CallClient | null;
  call: CallClientState | null;
  /** The title of the room of the call this tab is in. */
  title: string;
  ringing: Ringing[];
}

/**
 * The one call a tab can be in, kept outside any page so it goes on while the user reads chat or files; the
 * background part owns the socket, the call page shows the call.
 */
class CallsStore {
  #snap: CallsSnapshot = { socket: null, client: null, call: null, title: '', ringing: [] };
  #listeners = new Set<(s: CallsSnapshot) => void>();
  #offClient: (() => void) | null = null;
  #me = '';

  get snapshot(): CallsSnapshot {
    return this.#snap;
  }

  subscribe(fn: (s: CallsSnapshot) => void): () => void {
    this.#listeners.add(fn);
    return () => void this.#listeners.delete(fn);
  }

  #set(p: Partial<CallsSnapshot>): void {
    this.#snap = { ...this.#snap, ...p };
    for (const l of this.#listeners) l(this.#snap);
  }

  /** The background part connected (or disconnected, with null). */
  setSocket(socket: CallsSocket | null, me: string): void {
    this.#me = me;
    if (!socket) this.#drop();
    this.#set({ socket });
  }

  /** Joins (or starts, with callId null) a room's call; leaves another call first. */
  async join(
    roomId: string,
    callId: string | null,
    opts: { audio: boolean; video: boolean },
    title: string,
  ): Promise<void> {
    // The RTC machinery loads with the first call (it is not part of the shell's start-up bundle).
    const { CallClient } = await import('./rtc/call-client.ts');
    const socket = this.#snap.socket;
    if (!socket) throw new Error('Not connected to the server yet; try again in a moment.');
    const cur = this.#snap.client;
    if (cur && cur.state.roomId === roomId && ['joining', 'connected', 'reconnecting'].includes(cur.state.phase))
      return;
    if (cur) await cur.leave();
    this.#drop();
    const client = new CallClient(socket, this.#me);
    this.#offClient = client.subscribe((call) => this.#set({ call }));
    this.#set({ client, title, ringing: this.#snap.ringing.filter((r) => r.roomId !== roomId) });
    await client.join(roomId, callId, opts);
  }

  /** Forgets an ended or failed call (its screen closes). */
  dismiss(): void {
    const c = this.#snap.client;
    if (c && ['joining', 'connected', 'reconnecting'].includes(c.state.phase)) return;
    this.#drop();
    this.#set({ client: null, call: null });
  }

  #drop(): void {
    this.#offClient?.();
    this.#offClient = null;
    this.#snap.client?.dispose();
  }

  ring(r: Ringing): void {
    if (this.#snap.ringing.some((x) => x.callId === r.callId)) return;
    this.#set({ ringing: [...this.#snap.ringing, r] });
  }

  stopRinging(callId: string): void {
    this.#set({ ringing: this.#snap.ringing.filter((r) => r.callId !== callId) });
  }
}

/** The tab's calls store. */
export const callsStore = new CallsStore();

/** The store's current snapshot, re-rendering on change. */
export function useCalls(): CallsSnapshot {
  const [snap, setSnap] = useState(callsStore.snapshot);
  useEffect(() => {
    setSnap(callsStore.snapshot);
    return callsStore.subscribe(setSnap);
  }, []);
  return snap;
}

/** True while the tab takes part in a call (joining, in it, or reconnecting). */
export function inCall(s: CallClientState | null): boolean {
  return s !== null && (s.phase === 'joining' || s.phase === 'connected' || s.phase === 'reconnecting');
}
