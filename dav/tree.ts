/**
 * The node port: all the protocol code ever sees of storage. A backend (files on disk, calendars in a database …)
 * implements these interfaces; methods, properties and reports work on nodes only. Nodes are snapshots: the
 * metadata fields describe the resource when the node was fetched, and a write returns what changed.
 *
 * Backends refuse what they cannot store by throwing a DavError, with a precondition element where one exists
 * (`new DavError(403, '…', 'CODE', '{urn:ietf:params:xml:ns:caldav}valid-calendar-data')`); the server turns it into
 * the DAV error body. Any other error with a numeric `status` and a string `code` is mapped the same way.
 */
import type { Readable, Writable } from 'node:stream';

/** Anything at a URL. */
export interface DavNode {
  /** Last path segment, as stored (decoded). */
  readonly name: string;
  readonly collection: boolean;
  /** Shown as `DAV:displayname` unless a property provider says otherwise (defaults to `name`). */
  readonly displayName?: string;
  /** Quoted ETag; strong (`"…"`) when the backend can promise byte equality. null: the node has none. */
  readonly etag: string | null;
  /** Milliseconds since the epoch, or null when unknown. */
  readonly lastModified: number | null;
  readonly createdAt?: number | null;
  /** Media type of the body (files), or null. */
  readonly contentType: string | null;
  /** Body size in bytes (files), or null. */
  readonly size: number | null;
  /** Resource types beyond `DAV:collection`, in Clark notation (e.g. `{urn:ietf:params:xml:ns:caldav}calendar`). */
  readonly resourceTypes?: readonly string[];
  /** False when the node can never be locked (virtual entries); locking is offered otherwise. */
  readonly lockable?: boolean;
  /** Removes the node and everything below it. */
  delete(): Promise<void>;
}

/** What a PUT hands a backend. */
export interface WriteInput {
  /** The request body; it fails (the request's own error) when the client stops short of Content-Length. */
  body: Readable;
  /** Declared Content-Length, or null (chunked). */
  length: number | null;
  /** The client's Content-Type, if any. */
  contentType: string | undefined;
  /** All request headers (a backend may honour its own, e.g. `X-OC-Mtime`). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** What a backend reports after storing a body. */
export interface WriteResult {
  /** The new strong ETag, or null when the backend changed the bytes it stored (clients then fetch them back). */
  etag: string | null;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** A resource with a body. */
export interface DavFile extends DavNode {
  readonly collection: false;
  /** The body, or the inclusive byte range `start`..`end`. */
  read(range?: { start: number; end: number }): Promise<Readable>;
  /**
   * Optional, for GET: writes bytes `start`..`end` (inclusive) to `out` and ends it, for a backend that can do that
   * cheaper than through `read` (the files backend reuses its buffers); resolves once everything is handed over.
   */
  send?(out: Writable, range: { start: number; end: number }): Promise<void>;
  /** Replaces the body. */
  write(input: WriteInput): Promise<WriteResult>;
}

/** A resource with members. */
export interface DavCollection extends DavNode {
  readonly collection: true;
  /** The member with this name, or null. */
  child(name: string): Promise<DavNode | null>;
  /** All members (backends answer Depth: 1 in one go here). */
  children(): Promise<DavNode[]>;
  /** Several members by name in one go (multiget, sync-collection); missing names are left out. */
  childrenNamed?(names: readonly string[]): Promise<DavNode[]>;
  /** Creates a file member (PUT on an unmapped URL). */
  createFile(name: string, input: WriteInput): Promise<WriteResult>;
  /** Creates a collection member (MKCOL). */
  createCollection(name: string): Promise<void>;
  /**
   * Moves `source` (a node of the same mount) here under `name`, returning false when this backend cannot do it
   * natively; the server then copies and deletes.
   */
  moveInto?(name: string, source: DavNode): Promise<boolean>;
  /** Copies `source` here under `name` (`deep`: with everything below it); false when not done natively. */
  copyInto?(name: string, source: DavNode, deep: boolean): Promise<boolean>;
  /**
   * Opts this collection's PROPFIND and REPORT answers into the response cache (`response-cache.ts`): a string that
   * changes whenever anything in those answers may change, as read with this request (a database collection: its
   * id, the change counter read with its row, which every member, property and dead-property change bumps in its
   * transaction, and the access the caller was given). Null or absent: never cached.
   */
  responseVersion?(): string | null;
}

/** A collection with a change log (sync-collection, RFC 6578). */
export interface DavSyncCollection extends DavCollection {
  /** The current sync token number (increments with every member change). */
  syncToken(): Promise<number>;
  /**
   * Members changed (added or modified) and removed since `token` (null = everything that exists), as member paths
   * relative to this collection (`a.ics`, or `sub/b.ics` at sync-level infinite); null when the token is unknown
   * or too old. `limit` asks for at most that many changes; the backend sets `truncated` when it stopped early.
   */
  changesSince(
    token: number | null,
    opts: { level: '1' | 'infinite'; limit: number | null },
  ): Promise<SyncChanges | null>;
}

/** A backend's answer to changesSince. */
export interface SyncChanges {
  token: number;
  changed: string[];
  deleted: string[];
  truncated?: boolean;
  /**
   * The changed members' nodes, when the backend read them with the change list (an initial sync lists every
   * member in one query); the report then resolves no names. Only for sync-level 1 paths (no `/`).
   */
  members?: DavNode[];
}

/** Narrows a node to a collection. */
export function isCollection(node: DavNode | null | undefined): node is DavCollection {
  return node !== null && node !== undefined && node.collection;
}

/** Narrows a node to a file. */
export function isFile(node: DavNode | null | undefined): node is DavFile {
  return node !== null && node !== undefined && !node.collection;
}

/** Narrows a node to a collection with a change log. */
export function isSyncCollection(node: DavNode | null | undefined): node is DavSyncCollection {
  return (
    isCollection(node) &&
    typeof (node as Partial<DavSyncCollection>).changesSince === 'function' &&
    typeof (node as Partial<DavSyncCollection>).syncToken === 'function'
  );
}

/** What one URL prefix serves, for one request: the tree, where it sits in storage, and who asks. */
export interface DavMount {
  /** Root node of this URL prefix (a collection, or a single file for a shared file). */
  root: DavNode;
  /** Encoded URL path of the root, no trailing slash (`/dav/files/alice`). */
  hrefPrefix: string;
  /**
   * Storage namespace and the path of the root in it: locks and dead properties are keyed by
   * (space, basePath + path), so two mounts of one tree (an owner's and a share's) see the same locks.
   */
  space: string;
  basePath: string;
  /** Who is asking: locks belong to a principal, and only its holder may use a token. */
  principal: string;
  /** False for read-only access: every write method answers 403 need-privileges. */
  canWrite: boolean;
}
