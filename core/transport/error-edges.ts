/**
 * The one mapping from a thrown value to what a client sees, and the edge helpers built on it: HTTP
 * (`error-middleware.ts`), socket.io acks (`answerAck`) and plugin server-to-server routes (`peerRouteErrors`).
 * Domain errors keep their declared code and message; anything else is logged here and answered as a
 * generic INTERNAL_ERROR, so no stack, SQL or file path reaches a client or a peer.
 */
import type { ErrorRequestHandler, Request } from 'express';
import { isMeshworkError, type ValidationIssue } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** An error as it goes on the wire, whatever the edge. */
export interface WireError {
  status: number;
  code: string;
  message: string;
  validationErrors?: ValidationIssue[];
  /** False for a failure nobody raised on purpose (a bug or an outage): the edge logs it. */
  expected: boolean;
}

/** A socket.io acknowledgement: the handler's data, or a declared error code with its message. */
export type AckReply<T extends object = Record<never, never>> =
  ({ ok: true } & T) | { ok: false; code: string; message: string };

/** Maps any thrown value to its wire form (domain errors, body-parser and other HTTP-layer 4xx, then 500). */
export function toWireError(err: unknown): WireError {
  if (isMeshworkError(err)) {
    return {
      status: err.status,
      code: err.code,
      message: err.message,
      ...(err.validationErrors ? { validationErrors: err.validationErrors } : {}),
      expected: true,
    };
  }
  const parser = err as { type?: unknown; status?: unknown } | null;
  if (parser && typeof parser === 'object' && 'type' in parser && typeof parser.status === 'number') {
    // body-parser: entity.parse.failed, entity.too.large, encoding.unsupported, ...
    const status = parser.status;
    if (status >= 400 && status < 500) {
      return status === 413
        ? { status, code: 'BODY_TOO_LARGE', message: 'request body too large', expected: true }
        : { status, code: 'INVALID_BODY', message: 'request body is not valid', expected: true };
    }
  }
  const http = err as { status?: unknown; statusCode?: unknown } | null;
  const status = http && typeof http === 'object' ? (http.status ?? http.statusCode) : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // The router's URIError for a route parameter with malformed percent-encoding, and any other 4xx of the HTTP
    // layer (http-errors): the client's mistake, never a 500.
    return err instanceof URIError
      ? { status: 400, code: 'MALFORMED_URL', message: 'the URL has malformed percent-encoding', expected: true }
      : { status, code: 'INVALID_REQUEST', message: 'the request is not valid', expected: true };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: 'internal error', expected: false };
}

/**
 * Runs a socket handler and answers its ack: `{ok: true, ...data}`, or `{ok: false, code, message}` for an
 * error (unexpected ones are logged with `what` and answered as INTERNAL_ERROR). A missing ack is fine.
 */
export function answerAck<T extends object>(ack: unknown, log: Logger, what: string, fn: () => Promise<T>): void {
  const reply = typeof ack === 'function' ? (ack as (r: AckReply<T>) => void) : () => {};
  fn().then(
    (data) => reply({ ok: true, ...data }),
    (err: unknown) => {
      const w = toWireError(err);
      if (!w.expected) log.error({ err, handler: what }, 'socket handler failed');
      reply({ ok: false, code: w.code, message: w.message });
    },
  );
}

/**
 * Error handler for a plugin's server-to-server router: logs what went wrong with the peer it came from
 * (unexpected errors as errors, refusals at debug), then answers `{code, message}` with the declared status.
 */
export function peerRouteErrors(log: Logger, part: string): ErrorRequestHandler {
  return (err, req: Request, res, next) => {
    const w = toWireError(err);
    const where = { part, peer: req.peerHost ?? null, method: req.method, path: req.path, errorCode: w.code };
    if (!w.expected) (req.log ?? log).error({ ...where, err }, 'server-to-server route failed');
    else (req.log ?? log).debug({ ...where, status: w.status, reason: w.message }, 'server-to-server request refused');
    if (res.headersSent) return next(err);
    res.status(w.status).json({
      code: w.code,
      message: w.message,
      ...(w.validationErrors ? { validationErrors: w.validationErrors } : {}),
    });
  };
}
