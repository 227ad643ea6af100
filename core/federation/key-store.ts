import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { exportSigningKey, generateSigningKey, importSigningKey, type SigningKey } from '../signatures/key-pair.ts';

const SLOT = 'primary';
const LEGACY_SLOT = 'legacy-rsa';

/** Stores a PEM in a slot unless another node stored one first, and returns whichever won. */
async function storeOnce(db: Kysely<any>, slot: string, privatePem: string): Promise<string> {
  // Two nodes starting together on one database: the first insert wins and both use it.
  await db
    .insertInto('server_keys')
    .values({ key_id: slot, private_pem: privatePem, created_at: Date.now() })
    .onConflict((oc) => oc.column('key_id').doNothing())
    .execute();
  const stored = await db.selectFrom('server_keys').selectAll().where('key_id', '=', slot).executeTakeFirstOrThrow();
  return stored.private_pem as string;
}

/** Loads this server's Ed25519 signing key from the database, creating it on first start. */
export async function loadSigningKey(db: Kysely<any>, keyId: string): Promise<SigningKey> {
  const row = await db.selectFrom('server_keys').selectAll().where('key_id', '=', SLOT).executeTakeFirst();
  if (row) return importSigningKey({ keyId, privateKeyPem: row.private_pem });
  const pem = await storeOnce(db, SLOT, exportSigningKey(generateSigningKey(keyId)).privateKeyPem);
  return importSigningKey({ keyId, privateKeyPem: pem });
}

/** The RSA key we sign draft-cavage requests with, and its public half as discovery publishes it. */
export interface CavageSigningKey {
  /** `<origin>/ocm#signature`, as Nextcloud names its own: peers take our host from it and fetch our discovery. */
  keyId: string;
  privateKey: KeyObject;
  publicKeyPem: string;
}

/**
 * Loads (or creates on first use) the RSA-2048 key for legacy draft-cavage signatures. Nextcloud 31–33
 * verify cavage with `openssl_verify(..., rsa-sha256|rsa-sha512)`, which cannot check an Ed25519 key, so
 * our RFC 9421 key cannot serve them. Stored beside the Ed25519 key, so every node and every restart signs
 * with the same key: Nextcloud pins a peer's key once seen and refuses a changed one.
 */
export async function loadCavageSigningKey(db: Kysely<any>, keyId: string): Promise<CavageSigningKey> {
  const row = await db.selectFrom('server_keys').selectAll().where('key_id', '=', LEGACY_SLOT).executeTakeFirst();
  let pem = row?.private_pem as string | undefined;
  if (pem === undefined) {
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    pem = await storeOnce(db, LEGACY_SLOT, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  }
  const privateKey = createPrivateKey(pem);
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { keyId, privateKey, publicKeyPem };
}

/** Loads the cavage key once, on first need (most servers never meet a cavage-only peer). */
export function lazyCavageKey(db: Kysely<any>, keyId: () => string): () => Promise<CavageSigningKey> {
  let pending: Promise<CavageSigningKey> | null = null;
  return () => {
    pending ??= loadCavageSigningKey(db, keyId()).catch((err: unknown) => {
      pending = null;
      throw err;
    });
    return pending;
  };
}
