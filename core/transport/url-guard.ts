import type { RequestHandler } from 'express';
import { InputError } from '../errors.ts';

/**
 * Refuses a path with malformed percent-encoding (`%zz`, a lone `%`, `%C3%28` which is not UTF-8) with 400
 * MALFORMED_URL before any route sees it, so no handler that decodes its path or parameters can fail with a 500.
 * Paths for which `ownsRawPath` answers true (plugin mounts such as WebDAV) are left to their handler, which answers
 * in its own protocol's error shape.
 */
export function malformedUrlGuard(ownsRawPath: (path: string) => boolean): RequestHandler {
  return (req, _res, next) => {
    const path = req.path;
    if (!path.includes('%') || ownsRawPath(path)) return next();
    try {
      decodeURIComponent(path);
    } catch {
      return next(
        new InputError(
          'the URL has malformed percent-encoding',
          [{ name: 'path', message: 'MALFORMED_ENCODING' }],
          'MALFORMED_URL',
        ),
      );
    }
    next();
  };
}

const CONNECT_BODY = JSON.stringify({ code: 'METHOD_NOT_ALLOWED', message: 'CONNECT is not served here' });
const CONNECT_REFUSED =
  'HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(CONNECT_BODY)}\r\nConnection: close\r\n\r\n${CONNECT_BODY}`;

/**
 * CONNECT (a proxy's method) never reaches a request listener: node would drop the connection without a word.
 * This answers it with a 405 in the API's error shape and closes.
 */
export function refuseConnect(_req: unknown, socket: { end(data: string): unknown }): void {
  socket.end(CONNECT_REFUSED);
}
