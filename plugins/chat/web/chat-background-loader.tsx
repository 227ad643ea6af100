import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { WebPluginContext } from '#web-sdk';

/** Loads chat's background part (badges, notifications) in its own chunk after start-up, keeping the first load small. */
export function ChatBackground(ctx: WebPluginContext) {
  const [Impl, setImpl] = useState<ComponentType<WebPluginContext> | null>(null);
  useEffect(() => {
    let live = true;
    import('./chat-background.tsx').then(
      (m) => live && setImpl(() => m.ChatBackgroundImpl),
      () => undefined,
    );
    return () => void (live = false);
  }, []);
  return Impl ? <Impl {...ctx} /> : null;
}
