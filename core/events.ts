import { EventEmitter } from 'node:events';
import type { SessionsEnded } from './accounts/session-store.ts';
import type { Contact } from './invites/contact-types.ts';
import type { IncomingShare, OutgoingShare } from './shares/share-types.ts';

export type { Contact };

/** Every engine event and its payload. Plugins listen; the realtime layer forwards to users. */
export interface EngineEvents {
  'share:received': { share: IncomingShare };
  'share:incoming-updated': { share: IncomingShare };
  /** `endedBy`: whether the share's sender revoked it or its recipient declined or left it. */
  'share:incoming-removed': { share: IncomingShare; endedBy: 'sender' | 'recipient' };
  'share:outgoing-updated': { share: OutgoingShare };
  'contact:added': { contact: Contact };
  /** A user's federated contacts changed in any way (added, renamed, removed): plugins mirroring them resync. */
  'contact:changed': { userId: string };
  /** One of the user's invites stopped being outstanding: accepted by someone, or revoked. */
  'invite:removed': { userId: string; inviteId: string };
  /** An ended or failed outgoing share was cleared from the owner's list (the record is gone). */
  'share:outgoing-removed': { share: OutgoingShare };
  'notification:received': {
    userId: string | null;
    notificationType: string;
    resourceType: string;
    providerId: string;
    senderHost: string;
  };
  /** Sessions ended (logout, password change, disabled or deleted account): their sockets are disconnected. */
  'account:sessions-ended': SessionsEnded;
  /** A deleted account's shares are revoked and left; plugins remove or set aside what they keep for the user. */
  'account:deleted': { userId: string };
}

/** Name of an engine event. */
export type EngineEventName = keyof EngineEvents;

/** A typed event bus: `emit`/`on` only accept names and payloads from EngineEvents. */
export class EngineEventBus {
  readonly #emitter = new EventEmitter();
  constructor() {
    this.#emitter.setMaxListeners(100);
  }
  /** Publishes an event to every listener; a listener that throws never breaks the emitter. */
  emit<K extends EngineEventName>(name: K, payload: EngineEvents[K]): void {
    for (const listener of this.#emitter.listeners(name)) {
      try {
        const r = (listener as (p: EngineEvents[K]) => unknown)(payload);
        if (r instanceof Promise) r.catch(() => {});
      } catch {
        // Listeners own their errors; one bad listener must not stop the others.
      }
    }
  }
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends EngineEventName>(name: K, listener: (payload: EngineEvents[K]) => void | Promise<void>): () => void {
    this.#emitter.on(name, listener);
    return () => this.#emitter.off(name, listener);
  }
}
