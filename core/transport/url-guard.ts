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
