import { forbidden } from './errors.ts';
import type { DavCollection, DavNode } from './tree.ts';

const CREATED = Date.UTC(2020, 0, 1);

/** Why a virtual collection refuses each write (403 `need-privileges`), in words for the client's user. */
export interface VirtualRefusals {
  file: string;
  collection: string;
  delete: string;
}

/**
 * A collection made per request rather than stored (principals, calendar and address-book homes): no ETag, no dates
 * that change, not lockable, and every write refused with the subclass's words.
 */
export abstract class VirtualCollection implements DavCollection {
  readonly collection = true as const;
  readonly etag = null;
  readonly lastModified = null;
  readonly createdAt = CREATED;
  readonly contentType = null;
  readonly size = null;
  readonly lockable = false;
  abstract readonly name: string;
  protected abstract readonly refusals: VirtualRefusals;
  abstract child(name: string): Promise<DavNode | null>;
  abstract children(): Promise<DavNode[]>;

  async createFile(): Promise<never> {
    throw forbidden(this.refusals.file);
  }

  async createCollection(): Promise<void> {
    throw forbidden(this.refusals.collection);
  }

  async delete(): Promise<void> {
    throw forbidden(this.refusals.delete);
  }
}
