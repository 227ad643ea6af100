import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Contact } from '../events.ts';

function toContact(r: any): Contact {
  return {
    id: r.id,
    userId: r.user_id,
    address: r.address,
    host: r.host,
    displayName: r.display_name ?? null,
    email: r.email ?? null,
    source: r.source,
    createdAt: r.created_at,
  };
}

/** Each local user's address book of federated contacts. */
export class ContactStore {
  readonly #db: Kysely<any>;
  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  /** Adds or refreshes a contact; returns it and whether it is new. */
  async upsert(c: Omit<Contact, 'id' | 'createdAt'>): Promise<{ contact: Contact; created: boolean }> {
    const existing = await this.find(c.userId, c.address);
    if (existing) {
      await this.#db
        .updateTable('contacts')
        .set({ display_name: c.displayName, email: c.email })
        .where('id', '=', existing.id)
        .execute();
      return { contact: { ...existing, displayName: c.displayName, email: c.email }, created: false };
    }
    const row = {
      id: randomUUID(),
      user_id: c.userId,
      address: c.address,
      host: c.host.toLowerCase(),
      display_name: c.displayName,
      email: c.email,
      source: c.source,
      created_at: Date.now(),
    };
    await this.#db
      .insertInto('contacts')
      .values(row)
      .onConflict((oc) => oc.columns(['user_id', 'address']).doNothing())
      .execute();
    return { contact: toContact(row), created: true };
  }

  async find(userId: string, address: string): Promise<Contact | null> {
    const r = await this.#db
      .selectFrom('contacts')
      .selectAll()
      .where('user_id', '=', userId)
      .where('address', '=', address)
      .executeTakeFirst();
    return r ? toContact(r) : null;
  }

  async list(userId: string): Promise<Contact[]> {
    const rows = await this.#db
      .selectFrom('contacts')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    return rows.map(toContact);
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const res = await this.#db
      .deleteFrom('contacts')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
