/** Dispatches one resolved DAV request to its method handler and turns every failure into a DAV XML error. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '#core';
import { DavError, sendDavError } from '#dav';
import { resolveRequest, type DavScope, type DavServices } from './dav-context.ts';
import { handleCopyMove } from './dav-copymove.ts';
import { handleGet } from './dav-get.ts';
import { handleLock, handleUnlock } from './dav-lock-methods.ts';
import { handleDelete, handleMkcol } from './dav-mkcol-delete.ts';
import { handlePropfind, handleProppatch } from './dav-propfind.ts';
import { handlePut } from './dav-put.ts';
import { fsError } from './file-store.ts';

/** Methods a DAV resource here answers. */
export const DAV_METHODS = [
  'OPTIONS',
  'GET',
  'HEAD',
  'PUT',
  'DELETE',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
];
/** Methods that change something (refused on read-only shares). */
export const WRITE_METHODS = new Set(['PUT', 'DELETE', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK']);

/** Answers OPTIONS: DAV classes 1 and 2 (locking). */
export function sendOptions(res: ServerResponse): void {
  res.statusCode = 200;
  res.setHeader('DAV', '1, 2');
  res.setHeader('MS-Author-Via', 'DAV');
  res.setHeader('Allow', DAV_METHODS.join(', '));
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Length', 0);
  res.end();
}

/** Serves a request against a scope; `rawRel` is the still-encoded path below the scope's prefix. */
export async function serveDav(
  req: IncomingMessage,
  res: ServerResponse,
  scope: DavScope,
  svc: DavServices,
  rawRel: string,
  log: Logger,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  try {
    res.setHeader('DAV', '1, 2');
    const d = resolveRequest(req, res, scope, svc, rawRel);
    switch (method) {
      case 'OPTIONS':
        return sendOptions(res);
      case 'GET':
      case 'HEAD':
        return await handleGet(d);
      case 'PUT':
        return await handlePut(d);
      case 'DELETE':
        return await handleDelete(d);
      case 'MKCOL':
        return await handleMkcol(d);
      case 'COPY':
      case 'MOVE':
        return await handleCopyMove(d);
      case 'PROPFIND':
        return await handlePropfind(d);
      case 'PROPPATCH':
        return await handleProppatch(d);
      case 'LOCK':
        return await handleLock(d);
      case 'UNLOCK':
        return await handleUnlock(d);
      default:
        res.setHeader('Allow', DAV_METHODS.join(', '));
        throw new DavError(405, `${method} is not supported here`, 'DAV_METHOD_NOT_ALLOWED');
    }
  } catch (err) {
    sendFailure(res, err, method, log);
  }
}

/** Sends any error: DavErrors as they are, file-system errors mapped, the rest logged as 500. */
export function sendFailure(res: ServerResponse, err: unknown, method: string, log: Logger): void {
  const mapped = err instanceof DavError ? err : fsError(err);
  if (mapped instanceof DavError) return sendDavError(res, mapped, method);
  const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
  const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'DAV_INTERNAL';
  if (status >= 500) log.error({ err, method }, 'DAV request failed');
  if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' || res.destroyed) return void res.destroy();
  sendDavError(
    res,
    new DavError(status, status >= 500 && status !== 502 ? 'internal error' : (err as Error).message, code),
    method,
  );
}
