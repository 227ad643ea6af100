/**
 * The core extension (sabre's CorePlugin): DAV class 1 methods, REPORT dispatch and the core live properties. The
 * server always installs it first; other extensions add to it or run before it (a later MKCOL handler may take
 * extended MKCOL bodies and pass plain ones on with `next()`).
 */
import type { DavExtension } from '../server.ts';
import { copyMoveHandler } from './copy-move.ts';
import { handleGet } from './get.ts';
import { CORE_PROTECTED, coreLiveProps } from './live-props.ts';
import { deleteHandler, mkcolHandler } from './mkcol-delete.ts';
import { propfindHandler, proppatchHandler } from './propfind.ts';
import { putHandler } from './put.ts';
import { reportHandler } from './report.ts';

/** Creates the core extension. */
export function coreExtension(): DavExtension {
  return {
    name: 'core',
    setup(server) {
      server.addFeature('1');
      server.addMethod('OPTIONS', async (d) => server.sendOptions(d.res));
      server.addMethod('GET', handleGet);
      server.addMethod('HEAD', handleGet);
      server.addMethod('PROPFIND', propfindHandler(server));
      server.addMethod('REPORT', reportHandler(server));
      server.addMethod('PUT', putHandler(server), { write: true });
      server.addMethod('DELETE', deleteHandler(server), { write: true });
      server.addMethod('MKCOL', mkcolHandler(server), { write: true });
      server.addMethod('COPY', copyMoveHandler(server), { write: true });
      server.addMethod('MOVE', copyMoveHandler(server), { write: true });
      server.addMethod('PROPPATCH', proppatchHandler(server), { write: true });
      server.addPropertyProvider(coreLiveProps(server), 100);
      server.protect(...CORE_PROTECTED);
    },
  };
}
