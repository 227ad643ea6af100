import type { Kysely } from 'kysely';
import type { ChatTables } from './tables.ts';

/** Where a room lives: hosted here (`host` null) or mirrored from `host` under `remoteId`. */
export interface RoomRoute {
  host: string | null;
  remoteId: string | null;
}

const MAX = 20_000;

/**
 * A cache of where rooms live. A room's host and remote id never change, so every action and every
 * pushed batch can skip a lookup; only deleting a mirror forgets an entry.
 */
export class RoomRoutes {
  readonly #db: Kysely<ChatTables>;
  readonly #byId = new Map<string, RoomRoute>();
  readonly #mirrors = new Map<string, string>();

  constructor(db: Kysely<ChatTables>) {
    this.#db = db;
  }

  /** The route of a room id, or null if there is no such room. */
  async route(id: string): Promise<RoomRoute | null> {
    const hit = this.#byId.get(id);
    if (hit) return hit;
    const row = await this.#db
      .selectFrom('chat_rooms')
      .select(['host', 'remote_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    const route = { host: row.host ?? null, remoteId: row.remote_id ?? null };
    this.#remember(id, route);
    return route;
  }

  /** The local id of the mirror of `remoteId` hosted on `host`, or null. */
  async mirrorId(host: string, remoteId: string): Promise<string | null> {
    const key = `${host.toLowerCase()} ${remoteId}`;
    const hit = this.#mirrors.get(key);
    if (hit) return hit;
    const row = await this.#db
      .selectFrom('chat_rooms')
      .select('id')
      .where('host', '=', host.toLowerCase())
      .where('remote_id', '=', remoteId)
      .executeTakeFirst();
    if (!row) return null;
    this.#remember(String(row.id), { host: host.toLowerCase(), remoteId });
    return String(row.id);
  }

  /** Drops a deleted room. */
  forget(id: string): void {
    const r = this.#byId.get(id);
    this.#byId.delete(id);
    if (r?.host) this.#mirrors.delete(`${r.host} ${r.remoteId}`);
  }

  #remember(id: string, route: RoomRoute): void {
    if (this.#byId.size >= MAX) {
      this.#byId.clear();
      this.#mirrors.clear();
    }
    this.#byId.set(id, route);
    if (route.host) this.#mirrors.set(`${route.host} ${route.remoteId}`, id);
  }
}
