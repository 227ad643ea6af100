/**
 * `GET /api/v1/files/shares?folder=/Projects`: who has access to what in one folder of the user's own tree, for the
 * "shared" marker in the file list and the share dialog. Answers the folder's direct children that are shared (and
 * the folder itself), each with the owner's outgoing shares of it, found through the share roots, which follow the
 * resource when it is moved (a share's `resourceId` keeps the path it was made with).
 */
import type { Router } from 'express';
import { InputError, type OutgoingShare, type PluginContext } from '#core';
import { isValidName, treePath } from '#dav';
import type { ShareRoots } from '../share-roots.ts';

/** What the list shows of one outgoing share. */
export interface SharedWith {
  id: string;
  shareWith: string;
  recipientDisplayName: string | null;
  permissions: string[];
  state: OutgoingShare['state'];
  lastError: string | null;
  createdAt: number;
}

/** One shared item of the folder. */
export interface SharedItem {
  path: string;
  kind: 'file' | 'folder';
  shares: SharedWith[];
}

const SHOWN: OutgoingShare['state'][] = ['sending', 'pending', 'accepted', 'failed'];

/** A `folder` query parameter as a tree path, or 400. */
export function folderParam(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 4096 || !raw.startsWith('/'))
    throw new InputError('folder must be a path like /Projects', [{ name: 'folder', message: 'INVALID' }]);
  const segs = raw.split('/').filter(Boolean);
  if (!segs.every(isValidName))
    throw new InputError('folder must be a path like /Projects', [{ name: 'folder', message: 'INVALID' }]);
  return treePath(segs);
}

function depth(p: string): number {
  return p.split('/').filter(Boolean).length;
}

/** Registers the route on the plugin's API router. */
export function sharedItemsRoute(ctx: Pick<PluginContext, 'shares'>, api: Router, roots: ShareRoots): void {
  api.get('/shares', async (req, res) => {
    const folder = folderParam(req.query.folder);
    const owner = req.user!.id;
    const candidates = (await roots.within(owner, folder)).filter(
      (r) => r.path === folder || depth(r.path) === depth(folder) + 1,
    );
    const byPath = new Map<string, SharedItem>();
    for (const root of candidates) {
      const share = await ctx.shares.findOutgoingByProviderId(root.providerId);
      if (!share || share.ownerId !== owner || !SHOWN.includes(share.state)) continue;
      const item = byPath.get(root.path) ?? { path: root.path, kind: root.kind, shares: [] };
      item.shares.push({
        id: share.id,
        shareWith: share.shareWith,
        recipientDisplayName: share.recipientDisplayName,
        permissions: share.permissions,
        state: share.state,
        lastError: share.lastError,
        createdAt: share.createdAt,
      });
      byPath.set(root.path, item);
    }
    for (const item of byPath.values()) item.shares.sort((a, b) => a.createdAt - b.createdAt);
    res.json({ folder, items: [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path)) });
  });
}
