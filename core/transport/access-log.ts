/**
 * One access log line per request through pino, and a request id on every request: taken from an inbound
 * `X-Request-Id` when it is a short plain token (a proxy's correlation id), else generated; echoed in the
 * response's `X-Request-Id` and carried by `req.log`, the request's child logger.
 *
 * What is secret in a request line: query values whose name says token, code, secret, password, key,
 * signature or auth (invite tokens travel as `?token=`), and nothing in our paths (share credentials travel in
 * `Authorization`, never in a URL; providerIds and room ids in paths are identifiers that every peer
 * notification carries too). Headers and bodies are never logged.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id (also in the `X-Request-Id` response header). */
    requestId?: string;
    /** A child of the server logger carrying the request id. */
    log?: Logger;
  }
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const SECRET_PARAM = /token|code|secret|pass|key|sig|auth|credential/i;
const MAX_PATH = 512;

/** The request line's path and query with secret-looking query values replaced; bounded in length. */
export function loggablePath(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (q < 0) return path.slice(0, MAX_PATH);
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      return SECRET_PARAM.test(decodeSafe(name)) ? `${name}=[redacted]` : pair;
    });
  return `${path}?${params.join('&')}`.slice(0, MAX_PATH);
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Express middleware: request id, `req.log`, and one access line when the response ends (or the client leaves). */
export function accessLog(log: () => Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const inbound = req.headers['x-request-id'];
    const id = typeof inbound === 'string' && SAFE_ID.test(inbound) ? inbound : randomUUID();
    req.requestId = id;
    res.setHeader('x-request-id', id);
    const reqLog = log().child({ reqId: id });
    req.log = reqLog;
    let done = false;
    const line = (aborted: boolean) => {
      if (done) return;
      done = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const entry = {
        method: req.method,
        path: loggablePath(req.originalUrl ?? req.url),
        status: aborted && !res.headersSent ? 499 : res.statusCode,
        ms: Math.round(ms * 10) / 10,
        ...(req.user ? { user: req.user.id } : {}),
        ...(req.peerHost ? { peer: req.peerHost } : {}),
        ...(aborted ? { aborted: true } : {}),
      };
      if (entry.status >= 500) reqLog.error(entry, 'request');
      else reqLog.info(entry, 'request');
    };
    res.once('finish', () => line(false));
    res.once('close', () => line(!res.writableFinished));
    next();
  };
}
