/**
 * Hot routes: the few JSON POSTs every share pays for (`POST /ocm/shares` on the receiver, `POST /api/v1/shares` on
 * the owner) answered straight from node's request event instead of through express. Express spends about 150 µs
 * of CPU on a request before a handler runs (prototype swaps, the router walking every layer, body-parser's checks,
 * an ETag of every response): as much as the rest of a share's own work on a side. The same handler code runs
 * behind both edges (ocm-routes.ts, api-routes.ts); the edges differ only in how the body is read and the answer
 * written.
 *
 * A request takes the hot path only when it is a plain case: exact method and path (no query), a JSON content type
 * in UTF-8, a declared length within the limit and no content encoding, and the server ready. Everything else goes
 * to express unchanged, which answers it as before (413, 415, a gzip body, chunked upload, the 503 while starting).
 * Every hot request gets the same access log line and request id as any other, and an error is answered by the
 * same error middleware as an express route's (the request is given express's request/response prototypes first).
 *
 * Hot mounts: a plugin's protocol handler that needs no express middleware (a WebDAV server authenticates, parses
 * and answers errors itself) answers some methods under its mount path straight from the request event too. Only a
 * case-exact prefix followed by `/`, `?` or the end takes it, and only once the server is ready; `req.url` is then
 * relative to the mount and `req.originalUrl`/`req.baseUrl` are set, as express does for `app.use(path, handler)`.
 * Everything else (other methods, other spellings of the path) goes to express, where the same handler is mounted.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Application, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.ts';
import { accessLog } from './access-log.ts';
import { errorMiddleware } from './error-middleware.ts';

/**
 * A hot handler: the request (express-typed: the fields the handlers read are set: headers, method, url,
 * originalUrl, body, rawBody, log, requestId) and the bare response (for headers only), and a JSON answer.
 */
export type HotHandler = (req: Request, res: ServerResponse) => Promise<HotAnswer>;

/** What a hot handler answers: a status and a JSON body, and work to start once the answer is written. */
export interface HotAnswer {
  status: number;
  body: unknown;
  after?: () => void;
}

// Only what every JSON parser on these routes takes (other types, e.g. application/*+json, go to express).
const JSON_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** Writes a JSON answer as one write (header and body together). */
export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** A handler of a hot mount: node's request and response, `req.url` relative to the mount path. */
export type HotMountHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

interface HotMount {
  prefix: string;
  methods: ReadonlySet<string>;
  handler: HotMountHandler;
}

/** The hot routes of one server, in front of its express app. */
export class HotRoutes {
  readonly #routes = new Map<string, { handler: HotHandler; limit: number }>();
  readonly #mounts: HotMount[] = [];

  /** Answers `method path` (exact, no query) with `handler` when the request is a plain JSON one of at most `limit` bytes. */
  add(method: string, path: string, limit: number, handler: HotHandler): void {
    this.#routes.set(`${method} ${path}`, { handler, limit });
  }

  /**
   * Answers `methods` under `prefix` (an absolute path without a trailing slash) with `handler`; returns the handler
   * as express middleware, for the express mount of the same path that answers everything else.
   */
  addMount(prefix: string, methods: readonly string[], handler: HotMountHandler): RequestHandler {
    this.#mounts.push({ prefix, methods: new Set(methods.map((m) => m.toUpperCase())), handler });
    return handler as unknown as RequestHandler;
  }

  /** The hot mount a request goes to, with its URL relative to the mount, or undefined. */
  #mountOf(method: string | undefined, url: string): [HotMount, string] | undefined {
    for (const m of this.#mounts) {
      if (!url.startsWith(m.prefix) || !m.methods.has(method ?? '')) continue;
      const rest = url.slice(m.prefix.length);
      if (rest === '') return [m, '/'];
      if (rest[0] === '/') return [m, rest];
      if (rest[0] === '?') return [m, `/${rest}`];
    }
    return undefined;
  }

  /**
   * The server's request listener: hot routes first, express for the rest. `ready` gates the hot path like the
   * app's start-up gate; `log` is the server's logger.
   */
  listener({ app, ready, log }: { app: Application; ready: () => boolean; log: () => Logger }): RequestListener {
    const access = accessLog(log);
    const onError = errorMiddleware(log());
    const fail = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
      // Rare: give the request express's prototypes so the one error middleware answers it as for any route.
      asExpress(app, req, res);
      onError(err, req as unknown as Request, res as unknown as Response, () => {});
    };
    return (req, res) => {
      const url = req.url as string;
      const mounted = this.#mounts.length > 0 ? this.#mountOf(req.method, url) : undefined;
      if (mounted && ready()) {
        const xreq = req as unknown as Request;
        xreq.originalUrl = url;
        xreq.baseUrl = mounted[0].prefix;
        req.url = mounted[1];
        access(xreq, res as unknown as Response, () => {});
        try {
          void Promise.resolve(mounted[0].handler(req, res)).catch((err: unknown) => fail(req, res, err));
        } catch (err) {
          fail(req, res, err);
        }
        return;
      }
      const route = this.#routes.size > 0 ? this.#routes.get(`${req.method} ${url}`) : undefined;
      if (!route || !ready() || !plain(req, route.limit)) return void app(req, res);
      const xreq = req as unknown as Request;
      xreq.originalUrl = req.url as string;
      access(xreq, res as unknown as Response, () => {});
      readBody(req, Number(req.headers['content-length']))
        .then((raw) => {
          xreq.rawBody = raw;
          xreq.body = parseJson(raw);
          return route.handler(xreq, res);
        })
        .then(
          (answer) => {
            writeJson(res, answer.status, answer.body);
            answer.after?.();
          },
          (err: unknown) => fail(req, res, err),
        );
    };
  }
}

function plain(req: IncomingMessage, limit: number): boolean {
  const type = req.headers['content-type'];
  const length = Number(req.headers['content-length']);
  const encoding = req.headers['content-encoding'];
  return (
    typeof type === 'string' &&
    JSON_TYPE.test(type) &&
    Number.isInteger(length) &&
    length > 0 &&
    length <= limit &&
    (encoding === undefined || encoding.toLowerCase() === 'identity')
  );
}

/** Reads exactly the declared length; a body that ends short or runs long is the client's error (400). */
function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const body = Buffer.allocUnsafe(length);
    let at = 0;
    req.on('data', (chunk: Buffer) => {
      if (at + chunk.length > length) {
        at = length + 1;
        return;
      }
      chunk.copy(body, at);
      at += chunk.length;
    });
    req.once('end', () =>
      at === length ? resolve(body) : reject(parseFailure('request body length does not match content-length')),
    );
    req.once('error', reject);
  });
}

/** JSON.parse with body-parser's strict rule (an object or an array) and its error (400 entity.parse.failed). */
function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  const first = /^[ \t\n\r]*(.)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw parseFailure('body is not a JSON object or array');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw parseFailure((err as Error).message);
  }
}

function parseFailure(message: string): Error {
  return Object.assign(new SyntaxError(message), {
    status: 400,
    statusCode: 400,
    type: 'entity.parse.failed',
    expose: true,
  });
}

/** What express's app.handle does to a request before its router: prototypes and the req/res links. */
function asExpress(app: Application, req: IncomingMessage, res: ServerResponse): void {
  const r = req as unknown as Request;
  const s = res as unknown as Response;
  r.res = s;
  s.req = r;
  const protos = app as unknown as { request: object; response: object };
  Object.setPrototypeOf(req, protos.request);
  Object.setPrototypeOf(res, protos.response);
  if (!s.locals) s.locals = Object.create(null);
}
