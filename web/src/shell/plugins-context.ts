import { createContext, type ComponentType } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { FilePickerProps, ShareTarget, WebPlugin } from '../plugin-host.ts';

/** The plugin web parts of this session, for what plugins offer each other (share targets, a file picker). */
export const PluginsContext = createContext<readonly WebPlugin[]>([]);

let ownTypes: Promise<Set<string> | null> | null = null;

/** The resource types this server lists in its OCM discovery (its enabled plugins'); null when it cannot be read. */
function serverResourceTypes(): Promise<Set<string> | null> {
  ownTypes ??= fetch('/.well-known/ocm', { headers: { accept: 'application/json' } })
    .then((r) => (r.ok ? (r.json() as Promise<{ resourceTypes?: Array<{ name?: unknown }> }>) : null))
    .then((d) => (d?.resourceTypes ? new Set(d.resourceTypes.map((t) => String(t.name))) : null))
    .catch(() => null);
  return ownTypes;
}

/**
 * The share targets ("A folder or file", "A calendar", …) of the plugins this server runs (its discovery lists
 * their resource types), in navigation order, each with its `resourceTypes`; empty until the server has answered.
 */
export function useShareTargets(): ShareTarget[] {
  const plugins = useContext(PluginsContext);
  const [types, setTypes] = useState<Set<string> | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void serverResourceTypes().then((t) => live && setTypes(t));
    return () => void (live = false);
  }, []);
  if (types === undefined) return [];
  return plugins.flatMap((p) =>
    (p.shareTargets ?? []).flatMap((t) => {
      const resourceTypes = t.resourceTypes ?? Object.keys(p.resourceLabels ?? {});
      // OCM lets a sender assume `file` on any peer.
      const assumable = t.assumable ?? resourceTypes.includes('file');
      if (types && resourceTypes.length > 0 && !resourceTypes.some((r) => types.has(r))) return [];
      return [{ ...t, resourceTypes, assumable }];
    }),
  );
}

/** The file picker an enabled plugin offers (the files plugin's), or null when none does. */
export function useFilePicker(): ComponentType<FilePickerProps> | null {
  return useContext(PluginsContext).find((p) => p.filePicker)?.filePicker ?? null;
}

/** The plugin that is the place for people (contacts, invites), if one is enabled. */
export function peoplePlugin(plugins: readonly WebPlugin[]): WebPlugin | null {
  return plugins.find((p) => p.people) ?? null;
}
