/**
 * The locks extension (DAV class 2): LOCK and UNLOCK, the `supportedlock` and `lockdiscovery` properties, a write
 * guard that answers 423 `lock-token-submitted` unless the holder names its token in the If header, lock tokens as
 * If-header state tokens, and cleanup when locked resources are deleted or moved away. Storage is a LockBackend.
 */
import { Readable } from 'node:stream';
import { checkIfHeader, guardWrite, ifGroups } from '../conditions.ts';
import { badRequest, conflict, DavError, forbidden } from '../errors.ts';
import { submittedTokens } from '../if-header.ts';
import { baseName, isWithin, parentOf, splitTree, treePath } from '../paths.ts';
import type { DavRequest } from '../request.ts';
import type { DavExtension, DavServer, MethodHandler } from '../server.ts';
import { isCollection, type DavCollection } from '../tree.ts';
import { child, clark, DAV_NS, escapeXml, serializeNodes, XML_HEAD } from '../xml.ts';
import {
  lockConflicts,
  lockCovers,
  newLockToken,
  parseTimeout,
  type DavLock,
  type LockBackend,
} from './lock-backend.ts';

const SUPPORTEDLOCK = clark(DAV_NS, 'supportedlock');
const LOCKDISCOVERY = clark(DAV_NS, 'lockdiscovery');
const SUPPORTED_XML =
  '<d:lockentry><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockentry>' +
  '<d:lockentry><d:lockscope><d:shared/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockentry>';

/** The href of a lock's root as seen through this request's mount (the mount root when it lies above it). */
function lockRootHref(d: DavRequest, lock: DavLock): string {
  return d.href(d.pathOfKey(lock.path) ?? '/', false);
}

/** The `<d:activelock>` element of one lock, as lockdiscovery and the LOCK response show it. */
export function activeLockXml(lock: DavLock, rootHref: string): string {
  const timeout = `Second-${Math.max(0, Math.round((lock.expiresAt - Date.now()) / 1000))}`;
  return (
    `<d:activelock><d:locktype><d:write/></d:locktype><d:lockscope><d:${lock.scope}/></d:lockscope>` +
    `<d:depth>${lock.depth === '0' ? '0' : 'infinity'}</d:depth>${lock.ownerXml ? `<d:owner>${lock.ownerXml}</d:owner>` : ''}` +
    `<d:timeout>${timeout}</d:timeout><d:locktoken><d:href>${escapeXml(lock.token)}</d:href></d:locktoken>` +
    `<d:lockroot><d:href>${escapeXml(rootHref)}</d:href></d:lockroot></d:activelock>`
  );
}

/** Locks covering a storage path (rooted there, or depth-infinity above it). */
async function covering(backend: LockBackend, d: DavRequest, key: string): Promise<DavLock[]> {
  return (await backend.find(d.mount.space, key, false)).filter((l) => lockCovers(l, key));
}

function sendLock(d: DavRequest, lock: DavLock, status: number): void {
  const body = `${XML_HEAD}<d:prop xmlns:d="DAV:"><d:lockdiscovery>${activeLockXml(lock, lockRootHref(d, lock))}</d:lockdiscovery></d:prop>`;
  d.res.statusCode = status;
  d.res.setHeader('Lock-Token', `<${lock.token}>`);
  d.res.setHeader('Content-Type', 'application/xml; charset=utf-8');
  d.res.setHeader('Content-Length', Buffer.byteLength(body));
  d.res.end(body);
}

function lockedError(d: DavRequest, locks: DavLock[], message: string, condition: string): DavError {
  return new DavError(
    423,
    message,
    'DAV_LOCKED',
    condition,
    locks.map((l) => lockRootHref(d, l)),
  );
}

function lockHandler(server: DavServer, backend: LockBackend): MethodHandler {
  return async (d) => {
    const node = await d.node();
    if (node?.lockable === false) throw forbidden('this entry cannot be locked');
    const body = await d.readXml();
    const timeout = parseTimeout(d.header('timeout'));
    const key = d.key();
    if (!body) {
      // Refresh: the If header names the lock.
      const tokens = submittedTokens(ifGroups(d));
      const lock = (await covering(backend, d, key)).find(
        (l) => tokens.has(l.token) && l.principal === d.mount.principal,
      );
      if (!lock)
        throw new DavError(
          412,
          'no lock of yours on this resource was named in the If header',
          'DAV_PRECONDITION_FAILED',
          'lock-token-matches-request-uri',
        );
      const expiresAt = Date.now() + timeout * 1000;
      await backend.refresh(lock.token, timeout, expiresAt);
      return sendLock(d, { ...lock, timeoutSeconds: timeout, expiresAt }, 200);
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
    const depth = d.depth('infinity');
    if (depth === '1') throw badRequest('LOCK Depth must be 0 or infinity');
    const parentPath = parentOf(d.path);
    const parent = node ? null : await d.node(parentPath);
    if (!node && (!isCollection(parent) || d.path === '/')) throw conflict('the parent collection does not exist');
    const lock: DavLock = {
      token: newLockToken(),
      space: d.mount.space,
      path: key,
      depth: node?.collection ? depth : '0',
      scope,
      principal: d.mount.principal,
      timeoutSeconds: timeout,
      expiresAt: Date.now() + timeout * 1000,
      ownerXml: ownerEl ? serializeNodes(ownerEl.children) : '',
    };
    const clash = lockConflicts(await backend.find(lock.space, key, true), lock);
    if (clash.length) throw lockedError(d, clash, 'a conflicting lock exists', 'no-conflicting-lock');
    await checkIfHeader(server, d, node);
    if (!node) {
      await guardWrite(server, d, [{ path: parentPath }]);
      // A lock on an unmapped URL creates an empty resource (RFC 4918 §7.3).
      await (parent as DavCollection).createFile(baseName(d.path), {
        body: Readable.from([]),
        length: 0,
        contentType: undefined,
        headers: {},
      });
      d.forget();
      await server.emit('afterCreate', d, d.path);
    }
    const raced = await backend.create(lock, (existing) => lockConflicts(existing, lock));
    // Another request won the lock meanwhile (possibly on another node). An empty file made for ours stays: the
    // winner may be a LOCK of the same unmapped URL, whose resource it now is.
    if (raced.length) throw lockedError(d, raced, 'a conflicting lock exists', 'no-conflicting-lock');
    sendLock(d, lock, node ? 200 : 201);
  };
}

function unlockHandler(backend: LockBackend): MethodHandler {
  return async (d) => {
    const token = (d.header('lock-token') ?? '').trim().replace(/^<(.*)>$/, '$1');
    if (!token) throw badRequest('Lock-Token header is required');
    const lock = await backend.byToken(token);
    if (!lock || lock.space !== d.mount.space || !lockCovers(lock, d.key()))
      throw new DavError(
        409,
        'that lock token does not cover this resource',
        'DAV_CONFLICT',
        'lock-token-matches-request-uri',
      );
    if (lock.principal !== d.mount.principal) throw forbidden('that lock belongs to someone else');
    await backend.remove(token);
    d.res.statusCode = 204;
    d.res.end();
  };
}

/** The deepest path all of these lie within. */
function commonAncestor(paths: string[]): string {
  let common = splitTree(paths[0] ?? '/');
  for (const p of paths.slice(1)) {
    const segs = splitTree(p);
    let i = 0;
    while (i < common.length && i < segs.length && common[i] === segs[i]) i++;
    common = common.slice(0, i);
  }
  return treePath(common);
}

/** Creates the locks extension on a backend. */
export function locksExtension(backend: LockBackend): DavExtension {
  return {
    name: 'locks',
    setup(server) {
      server.addFeature('2');
      server.addMethod('LOCK', lockHandler(server, backend), { write: true });
      server.addMethod('UNLOCK', unlockHandler(backend), { write: true });
      server.protect(SUPPORTEDLOCK, LOCKDISCOVERY);
      server.addStateTokens(async (d, path) => (await covering(backend, d, d.key(path))).map((l) => l.token));
      server.on('beforeWrite', async (d, targets) => {
        const tokens = submittedTokens(ifGroups(d));
        for (const t of targets) {
          const key = d.key(t.path);
          const relevant = (await backend.find(d.mount.space, key, t.deep === true)).filter(
            (l) => lockCovers(l, key) || (t.deep === true && isWithin(l.path, key)),
          );
          const blocking = relevant.filter((l) => !tokens.has(l.token) || l.principal !== d.mount.principal);
          if (blocking.length)
            throw lockedError(d, blocking.slice(0, 1), 'the resource is locked', 'lock-token-submitted');
        }
      });
      server.on('afterUnbind', (d, path) => backend.removeTree(d.mount.space, d.key(path)));
      server.on('afterMove', (d, from) => backend.removeTree(d.mount.space, d.key(from)));
      server.addPropertyProvider(
        {
          async propFind(batch, d) {
            const want = batch.filter(
              (pf) => pf.node.lockable !== false && (pf.wants(SUPPORTEDLOCK) || pf.wants(LOCKDISCOVERY)),
            );
            if (want.length === 0) return;
            const base = d.key(commonAncestor(want.map((pf) => pf.path)));
            const locks = await backend.find(d.mount.space, base, true);
            for (const pf of want) {
              const key = d.key(pf.path);
              pf.handle(SUPPORTEDLOCK, SUPPORTED_XML);
              pf.handle(LOCKDISCOVERY, () =>
                locks
                  .filter((l) => lockCovers(l, key))
                  .map((l) => activeLockXml(l, lockRootHref(d, l)))
                  .join(''),
              );
            }
          },
        },
        100,
      );
    },
  };
}
