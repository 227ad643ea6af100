import { createContext, type ComponentType } from 'preact';
import { useContext } from 'preact/hooks';
import type { FilePickerProps, ShareTarget, WebPlugin } from '../plugin-host.ts';

/** The plugin web parts of this session, for what plugins offer each other (share targets, a file picker). */
export const PluginsContext = createContext<readonly WebPlugin[]>([]);

/** Every enabled plugin's share targets ("A folder or file", "A calendar", …), in navigation order. */
export function useShareTargets(): ShareTarget[] {
  return useContext(PluginsContext).flatMap((p) => p.shareTargets ?? []);
}

/** The file picker an enabled plugin offers (the files plugin's), or null when none does. */
export function useFilePicker(): ComponentType<FilePickerProps> | null {
  return useContext(PluginsContext).find((p) => p.filePicker)?.filePicker ?? null;
}

/** The plugin that is the place for people (contacts, invites), if one is enabled. */
export function peoplePlugin(plugins: readonly WebPlugin[]): WebPlugin | null {
  return plugins.find((p) => p.people) ?? null;
}
