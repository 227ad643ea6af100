import type { Kysely } from 'kysely';
import { MeshworkError } from '../errors.ts';
import { hashSecret, newSecret } from '../accounts/secrets.ts';
import type { DiscoveryClient } from '../discovery/discovery-client.ts';
import type { SignedClient } from '../federation/signed-client.ts';
import type { ServerIdentity, ShareAccess } from '../plugin/plugin-types.ts';
import type { ShareStore } from '../shares/share-store.ts';
import type { IncomingShare, OutgoingShare } from '../shares/share-types.ts';

/** An OAuth-style token endpoint error (`{error: code}` with 400 on the wire). */
export class OAuthError extends MeshworkError {
  constructor(
    code: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type',
    message: string,
  ) {
    super(code, message);
  }
}

const LIVE: OutgoingShare['state'][] = ['sending', 'pending', 'accepted'];

function live(share: OutgoingShare | null): OutgoingShare | null {
  if (!share || !LIVE.includes(share.state)) return null;
  if (share.expiration !== null && share.expiration < Date.now()) return null;
  return share;
}

/** The OCM code flow: issuing short-lived bearer tokens for shared secrets, checking them, and obtaining them from peers. */
export class TokenService {
  readonly #cache = new Map<string, { token: string; expiresAt: number }>();

  constructor(
    private readonly deps: {
      db: Kysely<any>;
      store: ShareStore;
      ttlSeconds: number;
      discovery: DiscoveryClient;
      client: SignedClient;
      identity: ServerIdentity;
    },
  ) {}

  /** Exchanges a share's secret (the code) for an access token; `clientHost` is the authenticated requesting server. */
  async exchange(
    form: Record<string, unknown>,
    clientHost: string | null,
  ): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }> {
    const grant = form.grant_type;
    if (typeof grant !== 'string' || !grant) throw new OAuthError('invalid_request', 'grant_type is required');
    if (grant !== 'authorization_code' && grant !== 'ocm_authorization_code')
      throw new OAuthError('unsupported_grant_type', `grant_type ${grant} is not supported`);
    const clientId = form.client_id;
    const code = form.code;
    if (typeof clientId !== 'string' || !clientId) throw new OAuthError('invalid_request', 'client_id is required');
    if (typeof code !== 'string' || !code) throw new OAuthError('invalid_request', 'code is required');
    if (clientHost !== null && clientHost !== clientId.toLowerCase())
      throw new OAuthError('invalid_client', 'client_id does not match the signing server');
    const share = live(await this.deps.store.findOutgoingBySecretHash(hashSecret(code)));
    if (!share) throw new OAuthError('invalid_grant', 'unknown or revoked code');
    if (share.shareWithHost !== clientId.toLowerCase())
      throw new OAuthError('unauthorized_client', 'this code was not issued to that server');
    const token = newSecret();
    await this.deps.db
      .insertInto('access_tokens')
      .values({
        token_hash: hashSecret(token),
        share_id: share.id,
        client_host: clientId.toLowerCase(),
        expires_at: Date.now() + this.deps.ttlSeconds * 1000,
      })
      .execute();
    // Expired tokens are useless; sweep them opportunistically so the table stays small.
    await this.deps.db.deleteFrom('access_tokens').where('expires_at', '<', Date.now()).execute();
    return { access_token: token, token_type: 'Bearer', expires_in: this.deps.ttlSeconds };
  }

  /** Checks a bearer credential against live outgoing shares of the given resource type(s). */
  async verifyAccess(credential: string, resourceType: string | string[]): Promise<ShareAccess | null> {
    const types = Array.isArray(resourceType) ? resourceType : [resourceType];
    const hash = hashSecret(credential);
    const tok = await this.deps.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    if (tok && tok.expires_at > Date.now()) {
      const share = live(await this.deps.store.getOutgoing(tok.share_id));
      return share && types.includes(share.resourceType) ? { share, via: 'token' } : null;
    }
    const share = live(await this.deps.store.findOutgoingBySecretHash(hash));
    // A strict share (must-exchange-token) never accepts the raw secret.
    if (!share || share.strict || !types.includes(share.resourceType)) return null;
    return { share, via: 'secret' };
  }

  /** The credential to present to the owner's server for an incoming share. */
  async accessCredential(share: IncomingShare): Promise<string> {
    const arms = Object.values(share.protocol.protocols);
    const secret = arms.map((p) => p.sharedSecret).find((s): s is string => typeof s === 'string');
    if (!secret) throw new MeshworkError('SHARE_HAS_NO_SECRET', 'the share carries no shared secret');
    const strict = arms.some((p) => Array.isArray(p.requirements) && p.requirements.includes('must-exchange-token'));
    const cached = this.#cache.get(share.id);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    const self = this.deps.identity.host.toLowerCase();
    if (share.senderHost.toLowerCase() === self) {
      // A share between two users of this server: the code flow runs in-process, as our token endpoint would.
      const t = await this.exchange({ grant_type: 'authorization_code', client_id: self, code: secret }, self);
      this.#cache.set(share.id, {
        token: t.access_token,
        expiresAt: Date.now() + Math.max(t.expires_in - 30, 5) * 1000,
      });
      return t.access_token;
    }
    const d = await this.deps.discovery.discover(share.senderHost).catch((err: unknown) => {
      if (strict) throw err;
      return null;
    });
    if (d?.tokenEndPoint && d.capabilities.includes('exchange-token')) {
      try {
        const res = await this.deps.client.postUrl(
          d.tokenEndPoint,
          { grant_type: 'authorization_code', client_id: this.deps.identity.host, code: secret },
          { form: true, timeoutMs: 5000, peer: d },
        );
        const b = res.body as { access_token?: unknown; expires_in?: unknown };
        if (res.status === 200 && typeof b.access_token === 'string') {
          const ttl = typeof b.expires_in === 'number' ? b.expires_in : 300;
          this.#cache.set(share.id, { token: b.access_token, expiresAt: Date.now() + Math.max(ttl - 30, 5) * 1000 });
          return b.access_token;
        }
        if (strict) throw new MeshworkError('TOKEN_EXCHANGE_FAILED', `token exchange refused (${res.status})`);
      } catch (err) {
        if (strict) throw err;
      }
    } else if (strict) {
      throw new MeshworkError(
        'TOKEN_EXCHANGE_UNAVAILABLE',
        'share requires token exchange but the owner offers no token endpoint',
      );
    }
    return secret;
  }

  /** Forgets a cached token (e.g. after the owner answered 401). */
  forget(shareId: string): void {
    this.#cache.delete(shareId);
  }
}
