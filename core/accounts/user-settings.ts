import type { Kysely } from 'kysely';
import { ShareError } from '../shares/share-errors.ts';
import { PreparedQuery } from '../storage/prepared-query.ts';
import { DEFAULT_USER_SETTINGS, type UserSettings } from './settings-types.ts';

// Read for every share received (auto-accept): built and compiled once (storage/prepared-query.ts).
const GET = new PreparedQuery<{ settings: unknown }>(1, (db, userId) =>
  db.selectFrom('user_settings').select('settings').where('user_id', '=', userId),
);

export type { UserSettings };

// Each known setting and the type its value must have; anything else in a change is refused.
const TYPES: { [K in keyof UserSettings]: 'boolean' } = { autoAcceptShares: 'boolean' };

function parseStored(json: string): Partial<UserSettings> {
  try {
    const v: unknown = JSON.parse(json);
    if (typeof v !== 'object' || v === null) return {};
    const out: Record<string, unknown> = {};
    for (const [k, t] of Object.entries(TYPES))
      if (typeof (v as Record<string, unknown>)[k] === t) out[k] = (v as Record<string, unknown>)[k];
    return out as Partial<UserSettings>;
  } catch {
    return {};
  }
}

/** Per-user preferences: stored as one JSON object per user, known keys only, defaults for what is unset. */
export class UserSettingsStore {
  readonly #db: Kysely<any>;
  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  /** The user's settings, defaults filled in. */
  async get(userId: string): Promise<UserSettings> {
    const row = (await GET.execute(this.#db, [userId])).rows[0];
    return { ...DEFAULT_USER_SETTINGS, ...(row ? parseStored(String(row.settings)) : {}) };
  }

  /** Applies a partial change (e.g. the JSON body of `PATCH /api/v1/me/settings`); refuses unknown keys and wrong types. */
  async update(userId: string, change: unknown): Promise<UserSettings> {
    if (typeof change !== 'object' || change === null || Array.isArray(change))
      throw new ShareError('SETTINGS_INVALID', 'send the settings to change as a JSON object');
    const issues: Array<{ name: string; message: string }> = [];
    for (const [k, v] of Object.entries(change)) {
      // Own keys only: `constructor`, `toString` and friends are not settings (they were a 500).
      const t = Object.hasOwn(TYPES, k) ? (TYPES as Record<string, string>)[k] : undefined;
      if (!t) issues.push({ name: k, message: 'UNKNOWN_SETTING' });
      else if (typeof v !== t) issues.push({ name: k, message: `MUST_BE_${t.toUpperCase()}` });
    }
    if (issues.length)
      throw new ShareError(
        'SETTINGS_INVALID',
        issues
          .map((i) =>
            i.message === 'UNKNOWN_SETTING' ? `${i.name} is not a setting` : `${i.name} must be true or false`,
          )
          .join('; '),
        issues,
      );
    const next = { ...(await this.get(userId)), ...(change as Partial<UserSettings>) };
    const now = Date.now();
    await this.#db
      .insertInto('user_settings')
      .values({ user_id: userId, settings: JSON.stringify(next), updated_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ settings: JSON.stringify(next), updated_at: now }))
      .execute();
    return next;
  }
}
