/**
 * When the core finishes deleting an account (its shares already revoked and left), the user's tree is moved out of
 * the served files to `<data dir>/files-deleted/<id>-<time>/`: never reachable again through WebDAV or a share, and
 * still there for an operator who must restore or erase it.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { PluginContext } from '#core';

/** Moves a deleted user's files aside when the core reports the account deleted. */
export function setAsideDeletedUsersFiles(ctx: Pick<PluginContext, 'events' | 'config' | 'logger'>, filesDir: string) {
  ctx.events.on('account:deleted', ({ userId }) => {
    const tree = path.join(filesDir, userId);
    if (!existsSync(tree)) return;
    const aside = path.join(ctx.config.dataDir, 'files-deleted');
    mkdirSync(aside, { recursive: true });
    const target = path.join(aside, `${userId}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    try {
      renameSync(tree, target);
      ctx.logger.info({ user: userId, to: target }, 'files of a deleted account set aside');
    } catch (err) {
      ctx.logger.error({ err, user: userId }, 'could not set aside the files of a deleted account');
    }
  });
}
