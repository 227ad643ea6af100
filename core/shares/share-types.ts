/** Wire-independent views of shares, used by the client API, the web app and plugins. */

/** Lifecycle of a share as its owner's server sees it. */
export type OutgoingShareState = 'sending' | 'pending' | 'accepted' | 'declined' | 'unshared' | 'failed';
/** Lifecycle of a share as the recipient's server sees it. */
export type IncomingShareState = 'pending' | 'accepted' | 'declined' | 'removed';

/** A share this server sent on behalf of a local user. */
export interface OutgoingShare {
  id: string;
  providerId: string;
  ownerId: string;
  senderId: string;
  resourceType: string;
  resourceId: string;
  shareWith: string;
  shareWithHost: string;
  shareType: string;
  name: string;
  permissions: string[];
  strict: boolean;
  state: OutgoingShareState;
  recipientDisplayName: string | null;
  lastError: string | null;
  expiration: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A share another server sent to one of our users. */
export interface IncomingShare {
  id: string;
  senderHost: string;
  providerId: string;
  recipientId: string;
  resourceType: string;
  shareType: string;
  name: string;
  description: string | null;
  owner: string;
  sender: string;
  ownerDisplayName: string | null;
  senderDisplayName: string | null;
  /** The normalised protocol object: `{ name, protocols: { webdav: {...}, ... } }`. */
  protocol: { name: string; protocols: Record<string, Record<string, unknown>> };
  permissions: string[];
  state: IncomingShareState;
  expiration: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Client view of an incoming share: the shared secret never leaves the server. */
export type IncomingShareView = Omit<IncomingShare, 'protocol'> & { protocolName: string; protocols: string[] };

/** What a local user asks for when sharing (`POST /api/v1/shares`). */
export interface CreateShareInput {
  resourceType: string;
  resourceId: string;
  shareWith: string;
  permissions?: string[];
  name?: string;
  /** When the share expires, in milliseconds since the Unix epoch. */
  expiration?: number;
}
