import type { ErrorRequestHandler } from 'express';
import { isMeshworkError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** Where an error is answered: OCM JSON, OAuth JSON (token endpoint) or the client API's JSON. */
export type ErrorShape = 'ocm' | 'oauth' | 'api';

function shapeFor(path: string): ErrorShape {
  if (path === '/ocm/token') return 'oauth';
  if (path.startsWith('/ocm/') || path === '/ocm') return 'ocm';
  return 'api';
}

function httpStatus(err: object): number {
  const s = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof s === 'number' ? s : 0;
}

/**
 * The one place where errors become HTTP responses. Domain errors keep their status and code;
 * body-parser and router errors keep their 4xx; anything else is logged and answered with a generic 500.
 */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 500;
    let code = 'INTERNAL_ERROR';
    let message = 'internal error';
    let validationErrors: unknown;
    if (isMeshworkError(err)) {
      ({ status, code, message } = err);
      validationErrors = err.validationErrors;
    } else if (err && typeof err === 'object' && httpStatus(err) >= 400 && httpStatus(err) < 500) {
      // Errors of the HTTP layer itself: body-parser (entity.parse.failed, entity.too.large, encoding.unsupported…)
      // and the router's URIError for a route parameter with malformed percent-encoding.
      status = httpStatus(err);
      if (err instanceof URIError) {
        code = 'MALFORMED_URL';
        message = 'the URL has malformed percent-encoding';
      } else if (status === 413) {
        code = 'BODY_TOO_LARGE';
        message = 'request body too large';
      } else {
        code = 'type' in err ? 'INVALID_BODY' : 'INVALID_REQUEST';
        message = 'type' in err ? 'request body is not valid' : 'the request is not valid';
      }
    } else if (req.destroyed || req.socket?.destroyed || /^HPE_/.test(String((err as { code?: unknown })?.code))) {
      // The client went away or broke HTTP mid-request (aborted upload, truncated body): nobody to answer, and
      // not a server error.
      log.debug({ err, method: req.method, path: req.path }, 'client gone mid-request');
      return void res.destroy();
    } else {
      log.error({ err, method: req.method, path: req.path }, 'unhandled error');
    }
    if (res.headersSent) return res.end();
    const shape = shapeFor(req.path);
    if (shape === 'oauth') {
      const oauth = [
        'invalid_request',
        'invalid_client',
        'invalid_grant',
        'unauthorized_client',
        'unsupported_grant_type',
      ].includes(code)
        ? code
        : status === 401
          ? 'invalid_client'
          : 'invalid_request';
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
