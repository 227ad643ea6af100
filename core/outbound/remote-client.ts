/**
 * The one way Meshwork talks to other servers. Each hop is SSRF-checked and connects to the addresses that were
 * checked (pinned through a custom `lookup`, while Host and SNI keep the real name), under a total deadline, a size
 * cap and a same-origin redirect rule. Error messages name origin and path only: queries may carry secrets.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { PeerError, isMeshworkError } from '../errors.ts';
import { pumpBody } from './body-pump.ts';
import {
  assertAllowedUrl,
  resolveAllAndCheck,
  selfTarget,
  type OutboundPolicy,
  type ResolvedAddress,
} from './ssrf-guard.ts';

/** Options of one outbound request. */
export interface RemoteRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Total budget for DNS, connect, redirects and the whole response; default 10 s. */
  timeoutMs?: number;
  /** Largest accepted response body; default 10 MiB. */
  maxBytes?: number;
  /** Same-origin redirects to follow; default 3. 0 returns a 3xx response as it is. */
  followRedirects?: number;
  signal?: AbortSignal;
}

/** Options of a streamed request: no size cap, and the request body may be a stream. */
export type RemoteStreamOptions = Omit<RemoteRequestOptions, 'body' | 'maxBytes'> & {
  body?: Buffer | string | Readable;
};

/** A fully buffered peer response. */
export interface RemoteResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** Final URL after redirects. */
  url: string;
  /** Parses the body as JSON; throws PeerError PEER_BAD_RESPONSE when it is not. */
  json<T = unknown>(): T;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Idle pooled sockets close before common server keep-alive timeouts (Node: 5 s) to avoid reusing dead ones.
const FREE_SOCKET_TIMEOUT_MS = 4_000;
const RETRYABLE_ON_REUSED_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

const agentOptions = {
  keepAlive: true,
  maxSockets: 256,
  maxFreeSockets: 64,
  timeout: FREE_SOCKET_TIMEOUT_MS,
  scheduling: 'lifo' as const,
};
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

function describe(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** Hands the socket layer the pre-checked addresses instead of asking DNS again. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted =
      options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const list = wanted.length > 0 ? wanted : addresses;
    if (options.all) return callback(null, list);
    const first = list[0];
    if (first === undefined) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '');
    callback(null, first.address, first.family);
  };
}

/** A deadline plus the caller's signal folded into one signal whose `reason` is the error to throw. */
function createDeadline(timeoutMs: number, signal: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  const timer = setTimeout(
    () => ctl.abort(new PeerError(`peer did not answer within ${timeoutMs} ms`, undefined, 'PEER_TIMEOUT')),
    timeoutMs,
  );
  const onAbort = (): void => ctl.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ctl.signal,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Socket errors in words: the message may reach a person (the code PEER_UNREACHABLE is for programs). */
const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'nothing answers there (connection refused)',
  ECONNRESET: 'the connection was dropped',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'its name cannot be looked up right now',
  ETIMEDOUT: 'it does not answer',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was dropped',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another name',
};

function asPeerError(err: unknown, url: URL): unknown {
  if (isMeshworkError(err)) return err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  const code = (err as NodeJS.ErrnoException).code;
  const why = (code && SOCKET_ERRORS[code]) ?? 'the connection failed';
  return new PeerError(`cannot reach ${url.host}: ${why}`, undefined, 'PEER_UNREACHABLE');
}

/** One request to one checked URL, no redirect handling; resolves once response headers arrive. */
async function sendOnce(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | Readable | undefined,
  policy: OutboundPolicy,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  // Our own origin: straight to this node's listener (plain HTTP, as it listens), with the public Host.
  const own = selfTarget(url, policy);
  if (own === null) assertAllowedUrl(url, policy);
  const addresses = own === null ? await resolveAllAndCheck(url.hostname, policy) : [];
  signal.throwIfAborted();
  const secure = own === null && url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const target =
    own === null
      ? { hostname, port: url.port || (secure ? 443 : 80), lookup: pinnedLookup(addresses) }
      : { hostname: own.host, port: own.port };
  const sentHeaders = own === null || hasHeader(headers, 'host') ? headers : { ...headers, host: url.host };
  const attempt = (retried: boolean): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const req = (secure ? https : http).request({
        method,
        ...target,
        path: `${url.pathname}${url.search}`,
        headers: sentHeaders,
        agent: secure ? httpsAgent : httpAgent,
        ...(secure && isIP(hostname) === 0 ? { servername: hostname } : {}),
      });
      let res: http.IncomingMessage | undefined;
      const onAbort = (): void => {
        (res ?? req).destroy(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.once('close', () => {
        if (res === undefined || res.complete) signal.removeEventListener('abort', onAbort);
      });
      req.once('response', (r) => {
        res = r;
        r.once('close', () => signal.removeEventListener('abort', onAbort));
        resolve(r);
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (res !== undefined) return; // later errors surface on the response stream
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return reject(signal.reason);
        // Almost always the peer closed the idle pooled socket as we reused it, before reading the request: retry once.
        const replayable = !(body instanceof Readable);
        if (
          !retried &&
          req.reusedSocket &&
          replayable &&
          err.code !== undefined &&
          RETRYABLE_ON_REUSED_SOCKET.has(err.code)
        ) {
          attempt(true).then(resolve, reject);
          return;
        }
        reject(asPeerError(err, url));
      });
      if (body instanceof Readable) {
        pumpBody(body, req);
      } else {
        req.end(body);
      }
    });
  return attempt(false);
}

/** Sends a request and follows same-origin redirects, re-checking each hop. */
async function follow(
  start: URL,
  opts: RemoteStreamOptions,
  policy: OutboundPolicy,
  signal: AbortSignal,
): Promise<{ res: http.IncomingMessage; url: URL }> {
  let url = start;
  let method = (opts.method ?? 'GET').toUpperCase();
  let body: Buffer | Readable | undefined = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  let headers = { ...opts.headers };
  const limit = opts.followRedirects ?? DEFAULT_REDIRECTS;
  for (let hop = 0; ; hop++) {
    const sent =
      body instanceof Buffer && !hasHeader(headers, 'content-length')
        ? { ...headers, 'content-length': String(body.length) }
        : headers;
    const res = await sendOnce(url, method, sent, body, policy, signal);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (!REDIRECT_STATUSES.has(status) || location === undefined || limit === 0) return { res, url };
    res.destroy(); // redirect bodies are not worth keeping a pooled socket busy for
    if (hop >= limit)
      throw new PeerError(`too many redirects from ${describe(start)}`, status, 'PEER_REDIRECT_REFUSED');
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new PeerError(`invalid redirect from ${describe(url)}`, status, 'PEER_REDIRECT_REFUSED');
    }
    if (next.origin !== start.origin) {
      throw new PeerError(
        `redirect from ${start.origin} to another origin (${next.origin}) refused`,
        status,
        'PEER_REDIRECT_REFUSED',
      );
    }
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-/i.test(k)));
    } else if (body instanceof Readable) {
      throw new PeerError(
        `redirect from ${describe(url)} would resend a streamed body`,
        status,
        'PEER_REDIRECT_REFUSED',
      );
    }
    url = next;
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/** Buffers a response body, destroying the connection as soon as it exceeds `maxBytes`. */
function readCapped(res: http.IncomingMessage, maxBytes: number, url: URL): Promise<Buffer> {
  const tooLarge = (): PeerError =>
    new PeerError(
      `response from ${describe(url)} exceeds ${maxBytes} bytes`,
      res.statusCode,
      'PEER_RESPONSE_TOO_LARGE',
    );
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        res.destroy(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks, size)));
    res.once('error', (err) => reject(asPeerError(err, url)));
    res.once('close', () => {
      if (!res.complete)
        reject(new PeerError(`connection to ${describe(url)} closed mid-response`, res.statusCode, 'PEER_UNREACHABLE'));
    });
  });
}

function flattenHeaders(res: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Sends a request to a peer and buffers the response, with SSRF checks, deadline, size cap and redirect rules. */
export async function remoteRequest(
  url: string | URL,
  opts: RemoteRequestOptions,
  policy: OutboundPolicy,
): Promise<RemoteResponse> {
  const start = new URL(url);
  const deadline = createDeadline(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, opts.signal);
  try {
    const { res, url: final } = await follow(start, opts, policy, deadline.signal);
    const body = await readCapped(res, opts.maxBytes ?? DEFAULT_MAX_BYTES, final);
    const status = res.statusCode ?? 0;
    return {
      status,
      headers: flattenHeaders(res),
      body,
      url: final.href,
      json<T = unknown>(): T {
        try {
          return JSON.parse(body.toString('utf8').replace(/^\uFEFF/, '')) as T;
        } catch {
          throw new PeerError(`${describe(final)} answered ${status} with invalid JSON`, status, 'PEER_BAD_RESPONSE');
        }
      },
    };
  } finally {
    deadline.dispose();
  }
}

/**
 * Like remoteRequest but returns the live response for streaming (e.g. WebDAV bodies): no size cap; the deadline
 * covers everything up to the response headers, then `timeoutMs` becomes an inactivity timeout on the body.
 */
export async function remoteStream(
  url: string | URL,
  opts: RemoteStreamOptions,
  policy: OutboundPolicy,
): Promise<http.IncomingMessage> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = createDeadline(timeoutMs, opts.signal);
  let res: http.IncomingMessage;
  try {
    res = (await follow(new URL(url), opts, policy, deadline.signal)).res;
  } finally {
    deadline.dispose();
  }
  const response = res;
  const socket = response.socket;
  const onIdle = (): void => {
    response.destroy(new PeerError(`peer stalled for ${timeoutMs} ms mid-body`, response.statusCode, 'PEER_TIMEOUT'));
  };
  const onAbort = (): void => {
    response.destroy(opts.signal?.reason as Error);
  };
  socket.setTimeout(timeoutMs);
  socket.on('timeout', onIdle);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const cleanup = (): void => {
    socket.removeListener('timeout', onIdle);
    socket.setTimeout(FREE_SOCKET_TIMEOUT_MS); // the pooled socket goes back to the agent's idle timeout
    opts.signal?.removeEventListener('abort', onAbort);
  };
  response.once('end', cleanup);
  response.once('close', cleanup);
  return response;
}
