/**
 * The recipient's view of accepted incoming file/folder shares: the "Shared with me" folder's entries (unique,
 * safe names) and, per share, the owner's WebDAV URL and credential (OCM resource access, ocm-spec §2.8).
 */
import type { IncomingShare, PluginContext } from '#core';
import { FILES_ERRORS } from './error-codes.ts';
import { DavError, encodeSegment, isValidName } from '#dav';

/** Name of the virtual folder holding a user's incoming shares. */
export const SHARED_FOLDER = 'Shared with me';

/** One accepted share as it appears in the recipient's tree. */
export interface ShareMount {
  share: IncomingShare;
  name: string;
  collection: boolean;
}

/** Where and how to reach a share on its owner's server. */
export interface RemoteTarget {
  /** Absolute URL of the shared root, no trailing slash. */
  base: string;
  /** Authorization header value. */
  authorization: string;
}

function cleanName(raw: string, fallback: string): string {
  const name = raw
    .replace(/[/\\\0]/g, '_')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
    .replace(/[\u0000-\u001f]/g, '')
    .trim();
  return isValidName(name) ? name : fallback;
}

function withSuffix(name: string, n: number, isFile: boolean): string {
  const dot = isFile ? name.lastIndexOf('.') : -1;
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/** Accepted file/folder shares of a user with stable, unique names (oldest share keeps the plain name). */
export async function listMounts(ctx: Pick<PluginContext, 'shares'>, userId: string): Promise<ShareMount[]> {
  const all = (await ctx.shares.listIncoming(userId))
    .filter((s) => s.state === 'accepted' && (s.resourceType === 'file' || s.resourceType === 'folder'))
    .filter((s) => s.expiration === null || s.expiration > Date.now())
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const used = new Set<string>();
  return all.map((share) => {
    const isFile = share.resourceType === 'file';
    const base = cleanName(share.name, isFile ? 'shared file' : 'shared folder');
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = withSuffix(base, n, isFile);
    used.add(name.toLowerCase());
    return { share, name, collection: !isFile };
  });
}

/** The owner's URL for a share: an absolute `uri` as is, a relative one under the owner's advertised webdav path. */
export async function remoteTarget(
  ctx: Pick<PluginContext, 'remote' | 'shares'>,
  share: IncomingShare,
  fresh = false,
): Promise<RemoteTarget> {
  const arm = share.protocol.protocols.webdav;
  if (!arm) throw new DavError(502, 'the share has no WebDAV access', FILES_ERRORS.SHARE_NO_WEBDAV);
  const uri = typeof arm.uri === 'string' ? arm.uri.trim() : '';
  let base: string;
  if (/^https?:\/\//i.test(uri)) {
    const abs = new URL(uri);
    // The credential goes only to the server that sent the share, never to a host it names (confused deputy).
    const bare = (h: string): string => h.replace(/^\[|\]$/g, '').toLowerCase();
    if (bare(abs.hostname) !== bare(share.senderHost.replace(/:\d+$/, ''))) {
      throw new DavError(502, 'the share points to a server other than its sender', FILES_ERRORS.SHARE_URI_FOREIGN);
    }
    base = abs.href;
  } else {
    const d = await ctx.remote.discover(share.senderHost);
    const rt =
      d.resourceTypes.find((r) => r.name === share.resourceType && typeof r.protocols.webdav === 'string') ??
      d.resourceTypes.find((r) => typeof r.protocols.webdav === 'string');
    if (!rt) throw new DavError(502, 'the owner advertises no WebDAV endpoint', FILES_ERRORS.SHARE_NO_WEBDAV);
    const root = new URL(rt.protocols.webdav as string, `${d.origin}/`);
    const dir = root.href.endsWith('/') ? root.href : `${root.href}/`;
    base = uri
      ? `${dir}${uri
          .replace(/^\/+/, '')
          .split('/')
          .map((s) => encodeSegment(decodeSafe(s)))
          .join('/')}`
      : dir;
  }
  base = base.replace(/\/+$/, '');
  if (!uri) {
    // Legacy OCM 1.0 share: Basic auth with the secret as user name (Nextcloud's public.php/webdav convention).
    return { base, authorization: `Basic ${Buffer.from(`${String(arm.sharedSecret ?? '')}:`).toString('base64')}` };
  }
  const credential = await ctx.shares.accessCredential(share, fresh ? { refresh: true } : undefined);
  return { base, authorization: `Bearer ${credential}` };
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
