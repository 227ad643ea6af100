/**
 * A stand-in for Nextcloud 31–33 as an OCM peer, on a real loopback HTTP server: discovery with
 * `apiVersion: "1.0-proposal1"` and a draft-cavage RSA `publicKey` (no `http-sig`), `/ocm/shares` and
 * `/ocm/notifications` that verify the draft-cavage signature of what they receive the way Nextcloud's
 * SignatureManager does (written here with node:crypto alone, independently of core/signatures/cavage.ts),
 * and answer 400 to a request they cannot verify. It can also send cavage-signed shares.
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One request the peer received, with what its signature check found. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** 'cavage' when verified as Nextcloud would, 'rfc9421' when RFC 9421 headers came, 'none' when unsigned. */
  signature: 'cavage' | 'rfc9421' | 'none';
  /** Why verification failed (the peer then answered 400), or null. */
  error: string | null;
}

/** Options of the legacy peer. */
export interface LegacyPeerOptions {
  /** Serve discovery only at /ocm-provider (default), or at both paths. */
  wellKnown?: boolean;
  /** Publish the key as a bare PEM string instead of `{keyId, publicKeyPem}`. */
  barePem?: boolean;
  /** Advertise `http-sig` (a Nextcloud 34+ peer): then RFC 9421 is expected, not cavage. */
  httpSig?: boolean;
  /** Resource types to advertise (default: the test `note` type). */
  resourceTypes?: unknown[];
  /** Answers a verified `/ocm/shares` or `/ocm/notifications` itself (e.g. with a resource type's own checks). */
  onReceived?: (r: ReceivedRequest) => { status: number; body: unknown } | undefined;
  /** Serves other paths (e.g. a resource's own protocol); true when it answered. */
  routes?: (req: IncomingMessage, raw: Buffer, res: ServerResponse) => Promise<boolean>;
}

/** Nextcloud's own signed-request checks (IncomingSignedRequest::verifyHeaders / reconstructSignatureData). */
async function verifyAsNextcloud(
  req: IncomingMessage,
  raw: Buffer,
  fetchDiscovery: (host: string) => Promise<any>,
): Promise<void> {
  const h = req.headers;
  const header = h['signature'];
  if (typeof header !== 'string' || header === '') throw new Error('missing Signature in header');
  for (const name of ['date', 'content-length', 'digest']) if (!h[name]) throw new Error(`missing ${name} in header`);
  const sent = Date.parse(String(h['date']));
  if (Number.isNaN(sent) || sent < Date.now() - 300_000) throw new Error('object is too old');
  if (Number(h['content-length']) !== raw.length) throw new Error('inexact content-length in header');
  const digest = String(h['digest']);
  const [algo] = digest.split('=');
  const hash = algo === 'SHA-256' ? 'sha256' : algo === 'SHA-512' ? 'sha512' : null;
  if (!hash) throw new Error('unknown digest algorithm');
  if (digest !== `${algo}=${createHash(hash).update(raw).digest('base64')}`)
    throw new Error('invalid value for digest in header');
  const fields: Record<string, string> = {};
  for (const entry of header.split(',')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    fields[entry.slice(0, eq)] = entry.slice(eq + 1).replace(/^"(.*)"$/, '$1');
  }
  const { keyId, headers, signature, algorithm } = fields;
  if (!keyId || !headers || !signature) throw new Error('missing keyId, headers or signature');
  const used = headers.split(' ');
  for (const needed of ['date', 'host', 'content-length', 'digest'])
    if (!used.includes(needed)) throw new Error(`missing entries in Signature.headers: ${needed}`);
  const lines = [`(request-target): ${String(req.method).toLowerCase()} ${req.url}`];
  for (const key of used) {
    if (key === '(request-target)') continue;
    const value = h[key];
    if (value === undefined || value === '') throw new Error(`missing header ${key} in request`);
    lines.push(`${key}: ${String(value)}`);
  }
  // The signer's origin is the host:port of its keyId; its key comes from that host's discovery.
  const origin = new URL(keyId).host;
  const doc = await fetchDiscovery(origin);
  const published = doc?.publicKey;
  if (!published || typeof published !== 'object') throw new Error('empty result from getRemoteSignatory');
  if (published.keyId !== keyId) throw new Error('keyId from signatory not related to the one from request');
  const digestName = algorithm === 'rsa-sha512' ? 'sha512' : 'sha256';
  const ok = verify(
    digestName,
    Buffer.from(lines.join('\n')),
    createPublicKey(published.publicKeyPem),
    Buffer.from(signature, 'base64'),
  );
  if (!ok) throw new Error('signature issue');
}

/** The Nextcloud-31-style peer. */
export class LegacyPeer {
  readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly received: ReceivedRequest[] = [];
  readonly opts: LegacyPeerOptions;
  server!: Server;
  origin = '';
  host = '';

  constructor(opts: LegacyPeerOptions = {}) {
    this.opts = opts;
  }

  get keyId(): string {
    return `${this.origin}/ocm#signature`;
  }

  /** The discovery document, as Nextcloud 31 serves it. */
  discovery(): Record<string, unknown> {
    const publicKeyPem = this.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    return {
      enabled: true,
      apiVersion: '1.0-proposal1',
      version: '1.1.0',
      endPoint: `${this.origin}/ocm`,
      provider: 'Nextcloud',
      resourceTypes: this.opts.resourceTypes ?? [
        { name: 'note', shareTypes: ['user'], protocols: { webdav: '/public.php/webdav/' } },
      ],
      capabilities: this.opts.httpSig
        ? ['notifications', 'shares', 'http-sig']
        : ['/notifications', '/invite-accepted'],
      publicKey: this.opts.barePem ? publicKeyPem : { keyId: this.keyId, publicKeyPem },
      ...(this.opts.httpSig ? { jwksUri: `${this.origin}/ocm/jwks` } : {}),
    };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.#handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    const port = (this.server.address() as { port: number }).port;
    this.origin = `http://127.0.0.1:${port}`;
    this.host = `127.0.0.1:${port}`;
  }

  async #handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const path = req.url ?? '';
    const json = (status: number, body: unknown) =>
      void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && (path === '/ocm-provider' || path === '/ocm-provider/'))
      return json(200, this.discovery());
    if (req.method === 'GET' && path === '/.well-known/ocm' && this.opts.wellKnown) return json(200, this.discovery());
    if (!path.startsWith('/ocm/') && this.opts.routes && (await this.opts.routes(req, raw, res))) return;
    if (req.method !== 'POST' || (path !== '/ocm/shares' && path !== '/ocm/notifications')) return json(404, {});
    const headers = req.headers;
    const signature: ReceivedRequest['signature'] = headers['signature-input']
      ? 'rfc9421'
      : headers['signature']
        ? 'cavage'
        : 'none';
    let error: string | null = null;
    if (signature === 'cavage') {
      await verifyAsNextcloud(req, raw, (host) => fetch(`http://${host}/ocm-provider`).then((r) => r.json())).catch(
        (err: Error) => {
          error = err.message;
        },
      );
    } else if (signature === 'rfc9421' && !this.opts.httpSig) {
      // Nextcloud 31–33 cannot parse an RFC 9421 Signature header as cavage.
      error = 'cannot parse an RFC 9421 signature';
    }
    let body: unknown = null;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      error ??= 'body is not JSON';
    }
    this.received.push({ path, headers, body, signature, error });
    if (error) return json(400, { message: error });
    const own = this.opts.onReceived?.(this.received[this.received.length - 1] as ReceivedRequest);
    if (own) return json(own.status, own.body);
    if (path === '/ocm/shares') return json(201, { recipientDisplayName: 'Bob NC', recipientUserId: 'bob' });
    return json(201, []);
  }

  /** The requests received at one path that verified. */
  verified(path: '/ocm/shares' | '/ocm/notifications'): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path && r.error === null);
  }

  /** Signs and sends a legacy share (Nextcloud's form, for the test resource type) to another server. */
  async share(
    targetOrigin: string,
    to: string,
    opts: {
      unsigned?: boolean;
      tamper?: boolean;
      providerId?: string;
      secret?: string;
      keyId?: string;
      /** Fields at the top level of the legacy protocol, as Nextcloud's calendars add them (`url`, `version`). */
      protocolFields?: Record<string, unknown>;
    } = {},
  ): Promise<{ status: number; body: any; providerId: string }> {
    const providerId = opts.providerId ?? randomUUID();
    const body = Buffer.from(
      JSON.stringify({
        shareWith: to,
        name: 'old.txt',
        providerId,
        owner: `alice@${this.host}`,
        sender: `alice@${this.host}`,
        ownerDisplayName: 'Alice NC',
        sharedBy: `alice@${this.host}`,
        shareType: 'user',
        resourceType: 'note',
        protocol: {
          name: 'note',
          options: {
            sharedSecret: opts.secret ?? 'legacy-secret',
            permissions: '{http://open-cloud-mesh.org/ns}share-permissions',
          },
          ...(opts.protocolFields ?? {}),
        },
      }),
    );
    const url = new URL('/ocm/shares', targetOrigin);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!opts.unsigned) Object.assign(headers, this.#cavageHeaders(url, body, opts.keyId ?? this.keyId));
    const sent = opts.tamper ? Buffer.from(body.toString().replace('old.txt', 'new.txt')) : body;
    const res = await fetch(url, { method: 'POST', headers, body: sent });
    return { status: res.status, body: await res.json(), providerId };
  }

  /** Signs and sends a notification (any body) to another server's /ocm/notifications. */
  async notify(targetOrigin: string, notification: unknown): Promise<{ status: number; body: any }> {
    return this.post(targetOrigin, '/ocm/notifications', notification);
  }

  /** Signs and POSTs any JSON body to a path of another server (e.g. a share body of another resource type). */
  async post(targetOrigin: string, path: string, json: unknown): Promise<{ status: number; body: any }> {
    const body = Buffer.from(JSON.stringify(json));
    const url = new URL(path, targetOrigin);
    const headers = { 'content-type': 'application/json', ...this.#cavageHeaders(url, body, this.keyId) };
    const res = await fetch(url, { method: 'POST', headers, body });
    return { status: res.status, body: await res.json() };
  }

  /** Cavage headers as Nextcloud 31 signs (rsa-sha512 over request-target, content-length, date, digest, host). */
  #cavageHeaders(url: URL, body: Buffer, keyId: string): Record<string, string> {
    const h: Record<string, string> = {
      'content-length': String(body.length),
      date: new Date().toUTCString(),
      digest: `SHA-256=${createHash('sha256').update(body).digest('base64')}`,
      host: url.host,
    };
    const data = [
      `(request-target): post ${url.pathname}`,
      `content-length: ${h['content-length']}`,
      `date: ${h.date}`,
      `digest: ${h.digest}`,
      `host: ${h.host}`,
    ].join('\n');
    const sig = sign('sha512', Buffer.from(data), this.keys.privateKey as KeyObject).toString('base64');
    h.signature = `keyId="${keyId}",algorithm="rsa-sha512",headers="content-length date digest host",signature="${sig}"`;
    return h;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
