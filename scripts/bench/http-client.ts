/**
 * The HTTP client of the DAV benchmarks: node's `http.request` on a keep-alive agent, so that every request reuses
 * an open connection as CalDAV/CardDAV clients do (DAVx5, Thunderbird, vdirsyncer). Node's `fetch` does not: it opens
 * a new connection for almost every request that carries a body (REPORT, PROPFIND, PUT; measured: 1,998 connections
 * for 2,000 sequential REPORTs against a bare node server), which adds a TCP handshake and teardown to each request on
 * both sides and buries the servers' own differences under the client's. Asks for gzip as those clients do and
 * decompresses it, so a server that compresses pays for it and its client's inflate is counted too.
 */
import { Agent, request } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';

/** Up to 8 requests in flight per server (bench:carddav PUTs with 8 at a time). */
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
let opened = 0;
// createConnection is Agent's (inherited from net) but not in @types/node's Agent.
const counted = agent as unknown as { createConnection: (...args: unknown[]) => unknown };
const createConnection = counted.createConnection.bind(agent);
counted.createConnection = (...args) => {
  opened++;
  return createConnection(...args);
};

/** Connections opened so far (to every server), printed by the benchmarks to show that requests reuse them. */
export function connectionsOpened(): number {
  return opened;
}

/** A response read to its end. */
export interface BenchResponse {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Sends `method url` with `body` (a string) and reads the whole answer. */
export function send(
  url: string,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<BenchResponse> {
  const payload = body === undefined ? undefined : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          'accept-encoding': 'gzip, deflate',
          ...(payload ? { 'content-length': String(payload.length) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          try {
            const raw = Buffer.concat(chunks);
            const coding = res.headers['content-encoding'];
            const bytes = coding === 'gzip' ? gunzipSync(raw) : coding === 'deflate' ? inflateSync(raw) : raw;
            resolve({ status: res.statusCode ?? 0, text: bytes.toString('utf8'), headers: res.headers });
          } catch (err) {
            reject(err as Error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
