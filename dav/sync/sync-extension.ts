/**
 * sync-collection (RFC 6578) for any collection whose backend keeps a change log (`DavSyncCollection`): the REPORT
 * asks the backend for the changes since a token and answers changed members with their properties, removed ones as
 * 404, and the new token. Tokens look like sabre/dav's (`http://sabre.io/ns/sync/<n>`), which clients already know.
 * Real clients disagree on the request: a missing `sync-level` is taken as 1 and the Depth header is ignored.
 */
import { badRequest, DavError } from '../errors.ts';
import { statusResponse, propNames } from '../prop-find.ts';
import { DavRequest } from '../request.ts';
import type { DavExtension, DavServer, ReportHandler } from '../server.ts';
import { isCollection, isSyncCollection, type DavNode, type DavSyncCollection } from '../tree.ts';
import { child, clark, DAV_NS, escapeXml, textOf } from '../xml.ts';

/** The URI prefix of sync tokens. */
export const SYNC_TOKEN_PREFIX = 'http://sabre.io/ns/sync/';

const SYNC_TOKEN = clark(DAV_NS, 'sync-token');
const GETETAG = clark(DAV_NS, 'getetag');

/** A sync token for a change number. */
export function formatSyncToken(n: number): string {
  return `${SYNC_TOKEN_PREFIX}${n}`;
}

/** The change number of a sync token, or null when it is not one of ours. */
export function parseSyncToken(token: string): number | null {
  if (!token.startsWith(SYNC_TOKEN_PREFIX)) return null;
  const rest = token.slice(SYNC_TOKEN_PREFIX.length);
  return /^\d{1,15}$/.test(rest) ? Number(rest) : null;
}

function invalidToken(): DavError {
  return new DavError(
    403,
    'the sync token is unknown or expired; sync again from scratch',
    'DAV_SYNC_TOKEN_INVALID',
    'valid-sync-token',
  );
}

function parseLimit(body: Parameters<ReportHandler>[1]): number | null {
  const limit = child(body, DAV_NS, 'limit');
  if (!limit) return null;
  const n = child(limit, DAV_NS, 'nresults');
  const v = n ? textOf(n).trim() : '';
  if (!/^\d{1,9}$/.test(v) || Number(v) === 0) throw badRequest('limit needs a positive nresults');
  return Number(v);
}

/** Resolves changed member paths to nodes, in one backend call when the backend offers one. */
async function membersOf(d: DavRequest, coll: DavSyncCollection, paths: string[]): Promise<Map<string, DavNode>> {
  const out = new Map<string, DavNode>();
  const direct = paths.filter((p) => !p.includes('/'));
  if (coll.childrenNamed) for (const n of await coll.childrenNamed(direct)) out.set(n.name, n);
  else
    for (const p of direct) {
      const n = await coll.child(p);
      if (n) out.set(p, n);
    }
  for (const p of paths.filter((x) => x.includes('/'))) {
    const n = await d.node(DavRequest.childPath(d.path, p));
    if (n) out.set(p, n);
  }
  return out;
}

function syncReport(server: DavServer): ReportHandler {
  return async (d, body, node) => {
    if (!isSyncCollection(node))
      throw new DavError(403, 'no change log here', 'DAV_REPORT_NOT_SUPPORTED', 'supported-report');
    const tokenEl = child(body, DAV_NS, 'sync-token');
    const tokenText = tokenEl ? textOf(tokenEl).trim() : '';
    const since = tokenText === '' ? null : parseSyncToken(tokenText);
    if (tokenText !== '' && since === null) throw invalidToken();
    const levelEl = child(body, DAV_NS, 'sync-level');
    const levelText = levelEl ? textOf(levelEl).trim().toLowerCase() : '1';
    if (levelText !== '1' && levelText !== 'infinite' && levelText !== 'infinity')
      throw badRequest('sync-level must be 1 or infinite');
    const level = levelText === '1' ? '1' : 'infinite';
    const propEl = child(body, DAV_NS, 'prop');
    const names = propEl ? propNames(propEl) : [GETETAG];
    const changes = await node.changesSince(since, { level, limit: parseLimit(body) });
    if (!changes) throw invalidToken();
    const found = changes.members
      ? new Map(changes.members.map((m) => [m.name, m]))
      : await membersOf(d, node, changes.changed);
    const targets = changes.changed
      .filter((p) => found.has(p))
      .map((p) => ({ path: DavRequest.childPath(d.path, p), node: found.get(p) as DavNode }));
    const props = await server.propFind(d, targets, { kind: 'prop', names });
    const minimal = d.wantsMinimal();
    const responses = props.map((p) => p.render(minimal));
    // A member that changed and is already gone again is reported as removed.
    const gone = [...changes.deleted, ...changes.changed.filter((p) => !found.has(p))];
    for (const p of gone) responses.push(statusResponse(d.href(DavRequest.childPath(d.path, p), false), 404));
    if (changes.truncated)
      responses.push(
        `<d:response><d:href>${escapeXml(d.href(d.path, true))}</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status><d:error><d:number-of-matches-within-limits/></d:error></d:response>`,
      );
    d.sendMultistatus(responses, `<d:sync-token>${escapeXml(formatSyncToken(changes.token))}</d:sync-token>`);
  };
}

/** Creates the sync-collection extension. */
export function syncExtension(): DavExtension {
  return {
    name: 'sync',
    setup(server) {
      server.addReport({
        name: clark(DAV_NS, 'sync-collection'),
        handler: syncReport(server),
        appliesTo: (node) => isSyncCollection(node),
      });
      server.protect(SYNC_TOKEN);
      server.addPropertyProvider({
        async propFind(batch) {
          for (const pf of batch) {
            if (!isCollection(pf.node) || !isSyncCollection(pf.node) || !pf.wants(SYNC_TOKEN, false)) continue;
            pf.set(SYNC_TOKEN, escapeXml(formatSyncToken(await pf.node.syncToken())));
          }
        },
      });
    },
  };
}
