/**
 * In-process federations for plugin tests: two or three Meshwork servers on loopback ports, each with its own
 * SQLite database, signing their requests to each other with real RFC 9421 signatures, users logged in, and
 * helpers for the share lifecycle. Built on the project's own harness (test/harness/test-server.ts).
 */
import type { IncomingShare, MeshworkPlugin } from '#core';
import { eventually, startTestServer, type TestServer } from '../../test/harness/test-server.ts';
import { signedPost as signedPostAs } from '../../test/harness/forge.ts';

export { eventually };

/** One server of a federation; survives `down()`/`up()` (same origin, data and sessions). */
export interface FederationServer {
  /** `a`, `b`, `c`. */
  readonly name: string;
  readonly origin: string;
  /** The OCM host part, `127.0.0.1:<port>`. */
  readonly host: string;
  /** The running harness server (replaced by `up()`). */
  readonly server: TestServer;
  /** Whether it is running. */
  readonly running: boolean;
  /** The bearer token of a user logged in at start (or created now). */
  token(userId: string): Promise<string>;
  /** `user@host` of a user on this server. */
  address(userId: string): string;
  /** A client-API call as a user (`null`: anonymous). */
  api<T = any>(
    userId: string | null,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** Stops the server as a crash would look to its peers: connections refused. Data and port are kept. */
  down(): Promise<void>;
  /** Starts it again on the same origin and data; its outbox resumes. */
  up(): Promise<void>;
}

/** What `startFederation` gives back. */
export interface Federation {
  servers: FederationServer[];
  /** Stops every server and removes their data. */
  close(): Promise<void>;
}

/** Options of `startFederation`. */
export interface FederationOptions {
  /** 2 (default) or 3 servers. */
  servers?: number;
  /** The plugins each server runs; called per server start (plugin objects hold state). */
  plugins: () => MeshworkPlugin[];
  /** Users created and logged in on every server (default alice and bob). */
  users?: string[];
  /** Extra MESHWORK_* settings for every server. */
  env?: Record<string, string>;
}

/** Starts the servers (in parallel) and logs the users in. */
export async function startFederation(opts: FederationOptions): Promise<Federation> {
  const count = opts.servers ?? 2;
  const names = ['a', 'b', 'c', 'd'].slice(0, count);
  const users = opts.users ?? ['alice', 'bob'];
  const servers = await Promise.all(names.map((n) => federationServer(n, opts, users)));
  return {
    servers,
    async close() {
      await Promise.all(servers.map((s) => s.server.destroy()));
    },
  };
}

async function federationServer(name: string, opts: FederationOptions, users: string[]): Promise<FederationServer> {
  let server = await startTestServer({ plugins: opts.plugins(), ...(opts.env ? { env: opts.env } : {}) });
  let running = true;
  const tokens = new Map<string, string>();
  for (const u of users) tokens.set(u, await server.user(u, displayName(u)));
  const token = async (userId: string) => {
    let t = tokens.get(userId);
    if (!t) {
      t = await server.user(userId, displayName(userId));
      tokens.set(userId, t);
    }
    return t;
  };
  return {
    name,
    get origin() {
      return server.origin;
    },
    get host() {
      return server.host;
    },
    get server() {
      return server;
    },
    get running() {
      return running;
    },
    token,
    address: (userId) => `${userId}@${server.host}`,
    async api(userId, method, path, body) {
      return server.api(userId === null ? null : await token(userId), method, path, body);
    },
    async down() {
      if (!running) return;
      await server.stop();
      running = false;
    },
    async up() {
      if (running) return;
      server = await startTestServer({
        plugins: opts.plugins(),
        dataDir: server.dataDir,
        port: server.port,
        env: server.env,
      });
      running = true;
    },
  };
}

function displayName(userId: string): string {
  return userId.charAt(0).toUpperCase() + userId.slice(1);
}

/** A share in flight: the owner's outgoing share and, once it arrived, the recipient's incoming one. */
export interface SharePair {
  outgoing: { id: string; providerId: string; state: string; [k: string]: unknown };
  incoming: { id: string; state: string; resourceType: string; [k: string]: unknown };
}

/**
 * Shares a resource of `ownerUser` on `owner` with `recipientUser` on `recipient` through the client API, then waits
 * for it to arrive in the recipient's inbox. Fails with the server's answer when the share is refused.
 */
export async function share(
  owner: FederationServer,
  ownerUser: string,
  input: { resourceType: string; resourceId: string; permissions?: string[]; name?: string },
  recipient: FederationServer,
  recipientUser: string,
): Promise<SharePair> {
  const created = await owner.api(ownerUser, 'POST', '/api/v1/shares', {
    ...input,
    shareWith: recipient.address(recipientUser),
  });
  if (created.status !== 201 && created.status !== 202)
    throw new Error(`share refused: ${created.status} ${JSON.stringify(created.body)}`);
  const outgoing = created.body as SharePair['outgoing'];
  const incoming = await eventually(
    async () => {
      const inbox = await recipient.api(recipientUser, 'GET', '/api/v1/shares/incoming');
      return (inbox.body as Array<SharePair['incoming'] & { providerId: string }>).find(
        (s) => s.providerId === outgoing.providerId,
      );
    },
    10_000,
    `the ${input.resourceType} share to reach ${recipient.address(recipientUser)}`,
  );
  return { outgoing, incoming };
}

/** The owner's view of an outgoing share (null once it is gone). */
export async function outgoingShare(
  owner: FederationServer,
  ownerUser: string,
  id: string,
): Promise<{ state: string; [k: string]: unknown } | null> {
  const res = await owner.api(ownerUser, 'GET', '/api/v1/shares/outgoing');
  return (res.body as Array<{ id: string; state: string }>).find((s) => s.id === id) ?? null;
}

/** Accepts an incoming share and waits until the owner's side says `accepted`. */
export async function accept(
  pair: SharePair,
  recipient: FederationServer,
  recipientUser: string,
  owner: FederationServer,
  ownerUser: string,
): Promise<void> {
  const res = await recipient.api(recipientUser, 'POST', `/api/v1/shares/incoming/${pair.incoming.id}/accept`);
  if (res.status !== 200) throw new Error(`accept failed: ${res.status} ${JSON.stringify(res.body)}`);
  await eventually(
    async () => (await outgoingShare(owner, ownerUser, pair.outgoing.id))?.state === 'accepted',
    10_000,
    'the owner to see the acceptance',
  );
}

/** Declines an incoming share and waits until the owner's side no longer shows it pending. */
export async function decline(
  pair: SharePair,
  recipient: FederationServer,
  recipientUser: string,
  owner: FederationServer,
  ownerUser: string,
): Promise<void> {
  const res = await recipient.api(recipientUser, 'POST', `/api/v1/shares/incoming/${pair.incoming.id}/decline`);
  if (res.status !== 200) throw new Error(`decline failed: ${res.status} ${JSON.stringify(res.body)}`);
  await eventually(
    async () => (await outgoingShare(owner, ownerUser, pair.outgoing.id))?.state !== 'pending',
    10_000,
    'the owner to see the decline',
  );
}

/** The owner revokes (unshares); waits until the share is gone from the recipient's inbox. */
export async function revoke(
  pair: SharePair,
  owner: FederationServer,
  ownerUser: string,
  recipient: FederationServer,
  recipientUser: string,
): Promise<void> {
  const res = await owner.api(ownerUser, 'DELETE', `/api/v1/shares/outgoing/${pair.outgoing.id}`);
  if (res.status !== 200) throw new Error(`unshare failed: ${res.status} ${JSON.stringify(res.body)}`);
  await eventually(
    async () => {
      const inbox = await recipient.api(recipientUser, 'GET', '/api/v1/shares/incoming');
      return !(inbox.body as Array<{ id: string }>).some((s) => s.id === pair.incoming.id);
    },
    10_000,
    'the share to leave the recipient inbox',
  );
}

/** The recipient server's stored incoming share, protocol object (and so its secret) included. */
export async function storedIncoming(recipient: FederationServer, incomingId: string): Promise<IncomingShare> {
  const s = await recipient.server.engine.shares.getIncoming(incomingId);
  if (!s) throw new Error(`no incoming share ${incomingId} on ${recipient.name}`);
  return s;
}

/** A POST to `path` on `to`, signed with `from`'s key (RFC 9421), or unsigned when `from` is null. */
export async function signedPost(
  from: FederationServer | null,
  to: FederationServer,
  path: string,
  body: unknown,
): Promise<{ status: number; body: any }> {
  return signedPostAs(from ? from.server : null, to.server, path, body);
}
