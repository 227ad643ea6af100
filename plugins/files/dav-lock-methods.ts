/** LOCK (create, refresh, lock of an unmapped URL creating an empty file) and UNLOCK. */
import { promises as fs } from 'node:fs';
import {
  badRequest,
  conflict,
  DavError,
  forbidden,
  submittedTokens,
  parseIfHeader,
  parentOf,
  child,
  DAV_NS,
  serializeNodes,
  parseTimeout,
  type DavLock,
} from '#dav';
import {
  checkIfHeader,
  checkLocks,
  depthOf,
  fsOf,
  hrefOf,
  isVirtual,
  requireWrite,
  statOf,
  type DavRequest,
} from './dav-context.ts';
import { readXmlBody } from './dav-body.ts';
import { activeLockXml } from './dav-props.ts';
import { fsError } from './file-store.ts';

function sendLock(d: DavRequest, lock: DavLock, status: number): void {
  const body = `<?xml version="1.0" encoding="utf-8"?>\n<d:prop xmlns:d="DAV:"><d:lockdiscovery>${activeLockXml(lock, hrefOf(d.scope, lock.path, false))}</d:lockdiscovery></d:prop>`;
  d.res.statusCode = status;
  d.res.setHeader('Lock-Token', `<${lock.token}>`);
  d.res.setHeader('Content-Type', 'application/xml; charset=utf-8');
  d.res.setHeader('Content-Length', Buffer.byteLength(body));
  d.res.end(body);
}

/** LOCK. */
export async function handleLock(d: DavRequest): Promise<void> {
  requireWrite(d);
  if (isVirtual(d)) throw forbidden('this entry cannot be locked');
  const body = await readXmlBody(d);
  const timeout = parseTimeout(typeof d.req.headers.timeout === 'string' ? d.req.headers.timeout : undefined);
  const { locks } = d.svc;
  if (!body) {
    // Refresh: the If header names the lock.
    const tokens = submittedTokens(typeof d.req.headers.if === 'string' ? parseIfHeader(d.req.headers.if) : []);
    const lock = locks
      .covering(d.scope.owner, d.path)
      .find((l) => tokens.has(l.token) && l.principal === d.scope.principal);
    if (!lock)
      throw new DavError(
        412,
        'no lock of yours on this resource was named in the If header',
        'DAV_PRECONDITION_FAILED',
        'lock-token-matches-request-uri',
      );
    sendLock(d, locks.refresh(lock, timeout), 200);
    return;
  }
  if (body.ns !== DAV_NS || body.local !== 'lockinfo') throw badRequest('LOCK body must be a DAV:lockinfo element');
  const scopeEl = child(body, DAV_NS, 'lockscope');
  const scope =
    scopeEl && child(scopeEl, DAV_NS, 'shared')
      ? 'shared'
      : scopeEl && child(scopeEl, DAV_NS, 'exclusive')
        ? 'exclusive'
        : null;
  const typeEl = child(body, DAV_NS, 'locktype');
  if (!scope || !typeEl || !child(typeEl, DAV_NS, 'write'))
    throw badRequest('only exclusive or shared write locks exist');
  const ownerEl = child(body, DAV_NS, 'owner');
  const depth = depthOf(d, 'infinity');
  if (depth === '1') throw badRequest('LOCK Depth must be 0 or infinity');
  const info = await statOf(d);
  if (!info) {
    const p = await statOf(d, parentOf(d.path));
    if (!p?.collection || d.path === d.scope.base) throw conflict('the parent collection does not exist');
  }
  const lockDepth = info?.collection ? depth : '0';
  const clash = locks.conflicts(d.scope.owner, d.path, scope, lockDepth);
  if (clash.length)
    throw new DavError(
      423,
      'a conflicting lock exists',
      'DAV_LOCKED',
      'no-conflicting-lock',
      clash.map((l) => hrefOf(d.scope, l.path, false)),
    );
  await checkIfHeader(d, info);
  if (!info) checkLocks(d, [{ path: parentOf(d.path) }]);
  if (!info) {
    // A lock on an unmapped URL creates an empty resource (RFC 4918 §7.3).
    await fs.writeFile(fsOf(d), '', { flag: 'wx' }).catch((err: unknown) => {
      throw fsError(err);
    });
  }
  const lock = locks.create({
    owner: d.scope.owner,
    path: d.path,
    depth: lockDepth,
    scope,
    principal: d.scope.principal,
    timeoutSeconds: timeout,
    ownerXml: ownerEl ? serializeNodes(ownerEl.children) : '',
  });
  sendLock(d, lock, info ? 200 : 201);
}

/** UNLOCK. */
export async function handleUnlock(d: DavRequest): Promise<void> {
  const raw = String(d.req.headers['lock-token'] ?? '').trim();
  const token = raw.replace(/^<(.*)>$/, '$1');
  if (!token) throw badRequest('Lock-Token header is required');
  const lock = d.svc.locks.get(token);
  const covers =
    lock &&
    lock.owner === d.scope.owner &&
    (lock.path === d.path ||
      (lock.depth === 'infinity' && d.path.startsWith(`${lock.path === '/' ? '' : lock.path}/`)));
  if (!lock || !covers)
    throw new DavError(
      409,
      'that lock token does not cover this resource',
      'DAV_CONFLICT',
      'lock-token-matches-request-uri',
    );
  if (lock.principal !== d.scope.principal) throw forbidden('that lock belongs to someone else');
  d.svc.locks.remove(token);
  d.res.statusCode = 204;
  d.res.end();
}
