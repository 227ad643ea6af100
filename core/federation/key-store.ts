import type { Kysely } from 'kysely';
import { exportSigningKey, generateSigningKey, importSigningKey, type SigningKey } from '../signatures/key-pair.ts';

const SLOT = 'primary';

/** Loads this server's Ed25519 signing key from the database, creating it on first start. */
export async function loadSigningKey(db: Kysely<any>, keyId: string): Promise<SigningKey> {
  const row = await db.selectFrom('server_keys').selectAll().where('key_id', '=', SLOT).executeTakeFirst();
  if (row) return importSigningKey({ keyId, privateKeyPem: row.private_pem });
  const key = generateSigningKey(keyId);
  // Two nodes starting together on one database: the first insert wins and both use it.
  await db
    .insertInto('server_keys')
    .values({ key_id: SLOT, private_pem: exportSigningKey(key).privateKeyPem, created_at: Date.now() })
    .onConflict((oc) => oc.column('key_id').doNothing())
    .execute();
  const stored = await db.selectFrom('server_keys').selectAll().where('key_id', '=', SLOT).executeTakeFirstOrThrow();
  return importSigningKey({ keyId, privateKeyPem: stored.private_pem });
}
