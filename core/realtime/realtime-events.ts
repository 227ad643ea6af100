import type { Contact } from '../invites/contact-types.ts';
import type { IncomingShareView, OutgoingShare } from '../shares/share-types.ts';

/** Events the server pushes to a user's browser sessions on the main namespace. */
export interface ServerToClientEvents {
  'share:received': (share: IncomingShareView) => void;
  'share:incoming-updated': (share: IncomingShareView) => void;
  /** `endedBy` says who ended it: the sender (unshared) or the recipient (declined, left). */
  'share:incoming-removed': (share: IncomingShareView & { endedBy: 'sender' | 'recipient' }) => void;
  'share:outgoing-updated': (share: OutgoingShare) => void;
  'share:outgoing-removed': (share: OutgoingShare) => void;
  'contact:added': (contact: Contact) => void;
  /** An outstanding invite was accepted or revoked: it leaves the list. */
  'invite:removed': (invite: { id: string }) => void;
}

/** Events browsers send on the main namespace (none yet: the REST API carries actions). */
export type ClientToServerEvents = Record<never, never>;
