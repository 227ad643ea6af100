/**
 * Incoming shares are identified by (sender host, share key) instead of (sender host, providerId):
 * Nextcloud's calendar federation sends the constant providerId "calendar" for every share, so providerId
 * alone would merge different calendars into one. The share key is what the owning plugin says identifies a
 * share (`incomingShareKey`), else the shared secret's hash, else the providerId.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { SchemaMigration } from './migrations.ts';

/**
 * The default share key: the providerId with the shared secret (hashed). A retry of a share (same both) is
 * the same share; a repeated providerId with another secret is another share; different providerIds never merge.
 */
export function defaultShareKey(providerId: string, protocols: Record<string, Record<string, unknown>>): string {
  const secret = Object.values(protocols)
    .map((p) => p.sharedSecret)
    .find((s): s is string => typeof s === 'string' && s !== '');
  const hash = secret ? createHash('sha256').update(secret).digest('base64url') : '';
  return `provider:${providerId}:secret:${hash}`;
}

/** Drops the (sender_host, provider_id) uniqueness and adds share_key with a unique (sender_host, share_key). */
export const incomingShareKeyMigration: SchemaMigration = {
  name: '0006-incoming-share-key',
  async up({ db, dialect }) {
    if (dialect === 'postgres') {
      await sql`alter table shares_in drop constraint if exists shares_in_sender_provider`.execute(db);
    } else {
      // SQLite cannot drop a table constraint: rebuild the table from its own DDL without it, keeping every
      // column (whoever added it) and every index.
      const table = await sql<{
        sql: string;
      }>`select sql from sqlite_master where type = 'table' and name = 'shares_in'`.execute(db);
      const ddl = table.rows[0]?.sql ?? '';
      const indexes = await sql<{
        sql: string | null;
      }>`select sql from sqlite_master where type = 'index' and tbl_name = 'shares_in'`.execute(db);
      const without = ddl
        .replace(/,\s*constraint\s+"?shares_in_sender_provider"?\s+unique\s*\([^)]*\)/i, '')
        .replace(/^create table\s+"?shares_in"?/i, 'create table "shares_in_rebuilt"');
      if (without === ddl || !/shares_in_rebuilt/.test(without)) throw new Error('unexpected shares_in definition');
      await sql.raw(without).execute(db);
      await sql`insert into shares_in_rebuilt select * from shares_in`.execute(db);
      await sql`drop table shares_in`.execute(db);
      await sql`alter table shares_in_rebuilt rename to shares_in`.execute(db);
      for (const { sql: create } of indexes.rows) if (create) await sql.raw(create).execute(db);
    }
    await db.schema.alterTable('shares_in').addColumn('share_key', 'text').execute();
    const rows = await db.selectFrom('shares_in').select(['id', 'provider_id', 'protocol']).execute();
    for (const r of rows) {
      let protocols: Record<string, Record<string, unknown>> = {};
      try {
        protocols = (JSON.parse(String(r.protocol)) as { protocols?: typeof protocols }).protocols ?? {};
      } catch {
        // unreadable protocol: key by providerId
      }
      await db
        .updateTable('shares_in')
        .set({ share_key: defaultShareKey(String(r.provider_id), protocols) })
        .where('id', '=', r.id)
        .execute();
    }
    await db.schema
      .createIndex('shares_in_sender_key')
      .unique()
      .on('shares_in')
      .columns(['sender_host', 'share_key'])
      .execute();
    await db.schema
      .createIndex('shares_in_sender_provider_id')
      .on('shares_in')
      .columns(['sender_host', 'provider_id'])
      .execute();
  },
};
