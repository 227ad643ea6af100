import type { Namespace } from 'socket.io';
import { userRoom } from './realtime.ts';

/**
 * Tells every open page of a collection's owner that the collection changed, whoever changed it (the web app, a DAV
 * client, a federation pull). A burst of changes (an import, a sync) is coalesced into one message per collection:
 * `event` with `{ [field]: id }` to the owner's sockets. For plugins whose collections (calendars, address books, …)
 * belong to one user; the plugin says how to find the owner.
 */
export class ChangeAnnouncer {
  readonly #pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly realtime: Namespace,
    private readonly opts: {
      event: string;
      field: string;
      /** The owner of a collection, or null when it is gone (nothing is sent then). */
      ownerOf: (id: string) => Promise<string | null>;
      /** How long a burst is gathered, in ms. */
      delayMs?: number;
    },
  ) {}

  /** Announces to one user now (a collection created, renamed, deleted: null when the page should reload all). */
  toOwner(ownerId: string, id: string | null): void {
    this.realtime.to(userRoom(ownerId)).emit(this.opts.event, { [this.opts.field]: id });
  }

  /** Announces a change of a collection's members to its owner, shortly (one message per burst). */
  changed = (id: string): void => {
    this.#pending.add(id);
    this.timer ??= setTimeout(() => void this.#flush(), this.opts.delayMs ?? 50);
  };

  async #flush(): Promise<void> {
    this.timer = null;
    const ids = [...this.#pending];
    this.#pending.clear();
    for (const id of ids) {
      const owner = await this.opts.ownerOf(id).catch(() => null);
      if (owner) this.toOwner(owner, id);
    }
  }
}
