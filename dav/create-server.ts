import { coreExtension } from './core/core-extension.ts';
import { DavServer, type DavServerOptions } from './server.ts';

/**
 * Creates a DAV server with the core extension and the given ones, in order.
 *
 * @example
 * const dav = createDavServer({ logger, extensions: [locksExtension(lockBackend), deadPropertiesExtension(store)] });
 * app.use('/dav/things', (req, res) => void dav.handle(req, res, mountFor(req), req.url));
 */
export function createDavServer(opts: DavServerOptions): DavServer {
  return new DavServer(opts, coreExtension());
}
