/**
 * `GET /api/v1/files/shared-with-me`: the entries of the user's `Shared with me/` folder, each with the incoming
 * share behind it. Two shares with the same name get distinct entries ("Team", "Team (2)"), so another part of the
 * app that knows a share (by id, or by its owner and name) finds its entry here instead of guessing from the name.
 */
import type { Router } from 'express';
import type { PluginContext } from '#core';
import { SHARED_FOLDER, listMounts } from '../share-mounts.ts';

/** One entry of Shared with me. */
export interface SharedWithMeEntry {
  /** The incoming share's id on this server. */
  shareId: string;
  /** The entry's name in Shared with me (unique; may carry a " (2)" the share's own name has not). */
  name: string;
  /** Its path in the user's tree: `/Shared with me/<name>`. */
  path: string;
  /** The share's own name, as its owner sent it. */
  shareName: string;
  /** The owner's address, `user@server`, and name when their server gave one. */
  owner: string;
  ownerDisplayName: string | null;
  kind: 'file' | 'folder';
}

/** Registers the route on the plugin's API router. */
export function sharedWithMeRoute(ctx: Pick<PluginContext, 'shares'>, api: Router): void {
  api.get('/shared-with-me', async (req, res) => {
    const mounts = await listMounts(ctx, req.user!.id);
    const items: SharedWithMeEntry[] = mounts.map((m) => ({
      shareId: m.share.id,
      name: m.name,
      path: `/${SHARED_FOLDER}/${m.name}`,
      shareName: m.share.name,
      owner: m.share.owner,
      ownerDisplayName: m.share.ownerDisplayName,
      kind: m.collection ? 'folder' : 'file',
    }));
    res.json({ items });
  });
}
