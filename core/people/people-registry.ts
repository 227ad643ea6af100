/**
 * People search: one question ("who is 'bo'?") answered by every provider — the core's federated contacts and
 * whatever plugins register (address books, …) — so every share dialog finds people the same way. The core knows
 * no resource type: providers register themselves through the plugin context.
 */
import type { Contact } from '../invites/contact-types.ts';
import type { Person } from './people-types.ts';

/** A source of people for one user's search. */
export interface PeopleProvider {
  /** Names the provider in results (`Person.source`). */
  readonly id: string;
  /** At most `limit` people of `userId` whose name, e-mail or address contains `query` (already trimmed). */
  search(userId: string, query: string, limit: number): Promise<Person[]>;
}

/** Longest query accepted (longer ones are cut). */
export const MAX_PEOPLE_QUERY = 200;

/** i;unicode-casemap-like fold so "DÖR" finds "dör" and "ß" finds "ss". */
export function foldText(s: string): string {
  return s.normalize('NFKD').toUpperCase().toLowerCase();
}

function rank(p: Person, q: string): number {
  const fields = [p.displayName, p.address, p.email].filter((x): x is string => !!x).map(foldText);
  if (fields.some((f) => f.startsWith(q))) return 0;
  if (fields.some((f) => f.split(/[\s@.,;_-]+/).some((w) => w.startsWith(q)))) return 1;
  return 2;
}

/** The core's federated contacts as a provider. */
export function contactsProvider(list: (userId: string) => Promise<Contact[]>): PeopleProvider {
  return {
    id: 'contacts',
    async search(userId, query, limit) {
      const q = foldText(query);
      return (await list(userId))
        .filter((c) => [c.displayName, c.address, c.email].some((f) => f && foldText(f).includes(q)))
        .slice(0, limit)
        .map((c) => ({ displayName: c.displayName, address: c.address, email: c.email, source: 'contacts' }));
    },
  };
}

/** The registry the core and plugins fill; `search` merges, de-duplicates and ranks. */
export class PeopleRegistry {
  readonly #providers: PeopleProvider[] = [];

  /** Adds a provider (plugins call this in setup through `ctx.people.register`). */
  register(provider: PeopleProvider): void {
    this.#providers.push(provider);
  }

  /**
   * People matching `query` for `userId`: one entry per OCM address (the first provider with a name wins; the
   * core's contacts come first), then e-mail-only entries; names that start with the query rank first.
   */
  async search(userId: string, query: string, limit = 20): Promise<Person[]> {
    const q = query.trim().slice(0, MAX_PEOPLE_QUERY);
    if (!q) return [];
    const results = await Promise.all(
      this.#providers.map((p) => p.search(userId, q, limit).catch(() => [] as Person[])),
    );
    const byKey = new Map<string, Person>();
    for (const p of results.flat()) {
      const key = p.address ? `a:${p.address.toLowerCase()}` : p.email ? `e:${p.email.toLowerCase()}` : null;
      if (!key) continue;
      const seen = byKey.get(key);
      if (!seen) byKey.set(key, p);
      else if (!seen.displayName && p.displayName) byKey.set(key, { ...seen, displayName: p.displayName });
    }
    const fq = foldText(q);
    return [...byKey.values()]
      .map((p, i) => ({ p, i, r: rank(p, fq) + (p.address ? 0 : 3) }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .slice(0, limit)
      .map((x) => x.p);
  }
}
