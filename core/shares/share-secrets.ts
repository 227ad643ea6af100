import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';

const SLOT = 'share-secrets';

/**
 * Shared secrets of outgoing shares, derived from one server key: `HMAC-SHA256(key, providerId)`.
 * Only their hash is stored (a leaked share table yields no usable secret), yet the owner can still
 * prove a later notification with the secret, as Nextcloud requires of `SHARE_UNSHARED`
 * (`notification.sharedSecret`): it is derived again instead of kept.
 */
export class ShareSecrets {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** Loads the server's share-secret key, creating it once (the first of several nodes to start wins). */
  static async load(db: Kysely<any>): Promise<ShareSecrets> {
    await db
      .insertInto('server_keys')
      .values({ key_id: SLOT, private_pem: randomBytes(32).toString('base64'), created_at: Date.now() })
      .onConflict((oc) => oc.column('key_id').doNothing())
      .execute();
    const row = await db
      .selectFrom('server_keys')
      .select('private_pem')
      .where('key_id', '=', SLOT)
      .executeTakeFirstOrThrow();
    return new ShareSecrets(Buffer.from(String(row.private_pem), 'base64'));
  }

  /** The shared secret of the share with this providerId (256 bits, base64url). */
  forShare(providerId: string): string {
    return createHmac('sha256', this.#key).update(`ocm-share-secret:${providerId}`).digest('base64url');
  }
}
