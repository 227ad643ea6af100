/**
 * The recipient's safety net for synced copies: every copy not pulled for an interval (a lost `SYNC_*` notification)
 * is pulled again, and a copy whose share is no longer accepted is removed. The second covers a removal hook that
 * never ran to its end (the server stopped between the share's state change and the hook, or the hook failed): the
 * core's share state is the truth, the copy follows it.
 */
import { ConfigError, type IncomingShare, type PluginContext } from '#core';

/** One synced copy as the safety net sees it. */
export interface SafetyNetCopy {
  copyId: string;
  shareId: string;
  /** When it was last pulled (ms since the epoch), null if never. */
  syncedAt: number | null;
}

export interface SafetyNetOptions {
  /** The configuration variable holding the interval in ms (at least 1000). */
  setting: string;
  defaultMs: number;
  /** For the log: what the copies are ("calendar", "address book"). */
  what: string;
  copies(): Promise<SafetyNetCopy[]>;
  pull(share: IncomingShare): Promise<void>;
  remove(copy: SafetyNetCopy): Promise<void>;
}

/** The interval a setting asks for: its default when unset; a ConfigError when it is not a whole number ≥ 1000. */
export function intervalSetting(ctx: PluginContext, name: string, defaultMs: number): number {
  const raw = ctx.config.variables[name];
  if (raw === undefined || raw.trim() === '') return defaultMs;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1000)
    throw new ConfigError(name, `must be a whole number of ms >= 1000, got "${raw}"`);
  return n;
}

/** Starts the safety net (checked every interval, at most every minute); returns what stops it. */
export function startSafetyNet(ctx: PluginContext, opts: SafetyNetOptions): () => void {
  const interval = intervalSetting(ctx, opts.setting, opts.defaultMs);
  let running = false;
  const pass = async (): Promise<void> => {
    for (const copy of await opts.copies()) {
      const share = await ctx.shares.getIncoming(copy.shareId);
      if (share?.state !== 'accepted') {
        ctx.logger.warn({ shareId: copy.shareId }, `removing the synced copy of an ended ${opts.what} share`);
        await opts.remove(copy);
      } else if ((copy.syncedAt ?? 0) <= Date.now() - interval) await opts.pull(share);
    }
  };
  const timer = setInterval(
    () => {
      if (running) return; // a slow pass (many copies, slow owners) is not run twice at once
      running = true;
      pass()
        .catch((err) => ctx.logger.warn({ err }, `periodic ${opts.what} sync failed`))
        .finally(() => (running = false));
    },
    Math.min(interval, 60_000),
  );
  timer.unref();
  return () => clearInterval(timer);
}
