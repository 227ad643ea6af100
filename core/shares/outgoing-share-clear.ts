import { ConflictError, InputError, NotFoundError } from '../errors.ts';
import type { EngineEventBus } from '../events.ts';
import type { PluginHost } from '../plugin/plugin-host.ts';
import type { ShareStore } from './share-store.ts';
import type { OutgoingShare } from './share-types.ts';

/** States of an outgoing share that no longer gives anyone access: its row is only history. */
const ENDED: ReadonlySet<OutgoingShare['state']> = new Set(['unshared', 'declined', 'failed']);
const MAX_IDS = 500;

/**
 * Clears ended (`unshared`, `declined`) and `failed` outgoing shares from the owner's list: all of them, or the given
 * ids (each must be the owner's and ended, else 404 / 409). Active shares are never touched: unshare them first.
 * Returns the ids cleared; each is announced as `share:outgoing-removed`.
 */
export async function clearEndedShares(
  deps: { store: ShareStore; plugins: PluginHost; events: EngineEventBus },
  ownerId: string,
  ids: unknown,
): Promise<string[]> {
  if (ids !== undefined && (!Array.isArray(ids) || ids.length > MAX_IDS || ids.some((x) => typeof x !== 'string')))
    throw new InputError(`ids must be a list of at most ${MAX_IDS} share ids`, [{ name: 'ids', message: 'INVALID' }]);
  const all = await deps.store.listOutgoing(ownerId);
  let targets: OutgoingShare[];
  if (ids === undefined) targets = all.filter((s) => ENDED.has(s.state));
  else {
    targets = [];
    for (const id of new Set(ids as string[])) {
      const share = all.find((s) => s.id === id);
      if (!share) throw new NotFoundError('no such share', 'SHARE_NOT_FOUND');
      if (!ENDED.has(share.state))
        throw new ConflictError(`“${share.name}” is still shared: unshare it first`, 'SHARE_STILL_ACTIVE');
      targets.push(share);
    }
  }
  for (const share of targets) {
    await deps.store.deleteOutgoing(share.id);
    // A failed share never reached anyone; its plugin still learns that it is gone (as when it is unshared).
    if (share.state === 'failed')
      await deps.plugins.notify(share.resourceType, 'onOutgoingRemoved', { ...share, state: 'unshared' });
    deps.events.emit('share:outgoing-removed', { share });
  }
  return targets.map((s) => s.id);
}
