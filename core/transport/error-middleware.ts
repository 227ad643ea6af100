import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import { toWireError } from './error-edges.ts';

/** Where an error is answered: OCM JSON, OAuth JSON (token endpoint) or the client API's JSON. */
export type ErrorShape = 'ocm' | 'oauth' | 'api';

const OAUTH_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
];

function shapeFor(path: string): ErrorShape {
  if (path === '/ocm/token') return 'oauth';
  if (path.startsWith('/ocm/') || path === '/ocm') return 'ocm';
  return 'api';
}

/**
 * The one place where errors become HTTP responses. Domain errors keep their declared status and code;
 * body-parser and other HTTP-layer errors keep their 4xx; a client gone mid-request is dropped; anything
 * else is logged and answered with a generic 500.
 */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, code, message, validationErrors, expected } = toWireError(err);
    const errCode = String((err as { code?: unknown } | null)?.code);
    if (!expected && (req.socket?.destroyed || /^HPE_|^ECONNABORTED$/.test(errCode))) {
      // The client went away or broke HTTP mid-request (aborted upload, truncated body): nobody to answer, and
      // not a server error.
      (req.log ?? log).debug({ err, method: req.method, path: req.path }, 'client gone mid-request');
      return void res.destroy();
    }
    if (!expected) (req.log ?? log).error({ err, method: req.method, path: req.path }, 'unhandled error');
    else (req.log ?? log).debug({ status, errorCode: code, reason: message }, 'request refused');
    if (res.headersSent) return res.end();
    const shape = shapeFor(req.path);
    if (shape === 'oauth') {
      const oauth = OAUTH_CODES.includes(code) ? code : status === 401 ? 'invalid_client' : 'invalid_request';
      return res
        .status(status >= 500 ? status : status === 401 ? 401 : 400)
        .json({ error: oauth, error_description: message });
    }
    if (shape === 'ocm') {
      return res
        .status(status)
        .json({ message: code, details: message, ...(validationErrors ? { validationErrors } : {}) });
    }
    return res.status(status).json({ code, message, ...(validationErrors ? { validationErrors } : {}) });
  };
}
