/**
 * The contract between the shell and each plugin's web part. A plugin exports one `WebPlugin`
 * (listed explicitly in plugins.ts); the shell gives it a navigation entry, a page under
 * `#/<route>/...`, and a place in the shares inbox for its resource types.
 */
import type { ComponentType } from 'preact';
import type { Socket } from 'socket.io-client';
import type { ApiClient } from './api/api-client.ts';
import type { EventMap, MeshworkSocket } from './api/socket-client.ts';
import type { IncomingShareView, Me, OutgoingShare } from './api/types.ts';
import type { Toaster } from './shell/toast-store.ts';

export type { Toaster };

/** What every plugin component receives from the shell (as props, and from `useShell()` anywhere below a page). */
export interface WebPluginContext {
  /** The typed client API (its `authHeaders()` also authenticates the plugin's own protocols). */
  api: ApiClient;
  /** The authenticated main socket (share and contact events). */
  socket: MeshworkSocket;
  /**
   * Opens a plugin's own authenticated socket.io namespace (`/<pluginId>`), typed by its shared.ts event maps.
   * The caller owns it: `disconnect()` it when the component unmounts.
   */
  pluginSocket: <S2C extends EventMap, C2S extends EventMap = Record<never, never>>(
    pluginId: string,
  ) => Socket<S2C, C2S>;
  /** The logged-in user. */
  user: Me;
  /** Goes to a hash route, e.g. `hashHref('files', 'Projects')`. */
  navigate: (to: string) => void;
  /** Shows a notification. */
  toast: Toaster;
}

/** Props of a plugin's page. */
export interface PluginPageProps extends WebPluginContext {
  /** Decoded route segments after the plugin's own: `#/files/Projects/2024` → `['Projects', '2024']`. */
  path: string[];
  /** The route's query string. */
  query: URLSearchParams;
}

/** Props of a plugin's renderer for one incoming share in the inbox. */
export interface IncomingShareRendererProps extends WebPluginContext {
  share: IncomingShareView;
}

/** Props of a plugin's renderer for one outgoing share in the inbox. */
export interface OutgoingShareRendererProps extends WebPluginContext {
  share: OutgoingShare;
}

/** How the inbox words a share of a plugin's resource type, where "Can view" or "Unshare" would be wrong. */
export interface ShareWording {
  /** Replaces "Can view" / "Can edit", e.g. "Invitation to join" for a room. */
  access?: (share: IncomingShareView | OutgoingShare, direction: 'incoming' | 'outgoing') => string;
  /** Replaces "Unshare" on the owner's side, e.g. "Withdraw invitation". */
  unshare?: (share: OutgoingShare) => string;
}

/**
 * Something a plugin lets the user share with a given person, offered by "Share with…" on a contact: its dialog
 * picks one of the plugin's items (a folder, a calendar, a room) and shares it with `recipient`.
 */
export interface ShareTarget {
  /** What is shared, as a choice: "A folder or file", "A calendar". */
  label: string;
  /** Picks the item and shares it with `recipient` (typically through the SDK's `ShareDialog`); lazily loaded. */
  Dialog: ComponentType<{ recipient: string; onClose: () => void }>;
  /** The OCM resource types it shares (default: those its plugin labels in `resourceLabels`). */
  resourceTypes?: string[];
  /**
   * Offered to people whose server lists none of `resourceTypes` in its discovery, because such peers may be assumed
   * to accept them (the server's `assumable` resource types; OCM lets a sender assume `file`).
   */
  assumable?: boolean;
}

/** A file the user picked from their files (their own or shared with them). */
export interface PickedFile {
  name: string;
  /** Its path in the user's tree: `/Projects/report.pdf`, `/Shared with me/Team/notes.txt`. */
  path: string;
  size: number | null;
  mime: string | null;
  /** True when a folder was picked (pickers that allow it). */
  isFolder?: boolean;
  /** Fetches its bytes (through the user's own server). */
  download: () => Promise<Blob>;
}

/** Props of a plugin's file picker dialog. */
export interface FilePickerProps {
  /** The dialog's title: "Attach from Files". */
  title: string;
  /** Files larger than this cannot be picked (said so in the list). */
  maxBytes?: number;
  onPick: (file: PickedFile) => void;
  onClose: () => void;
}

/** A plugin's web part. */
export interface WebPlugin {
  /** Same id as the server plugin (kebab-case). */
  id: string;
  /** Navigation label. */
  title: string;
  /** Navigation icon: SVG path data in a 24×24 box, drawn as a 1.8-wide line in the text colour. */
  icon?: string;
  /** First hash segment of its pages: `files` → `#/files/...`. */
  route: string;
  /** The page shown under its route. */
  Page: ComponentType<PluginPageProps>;
  /** Extra content (open link, preview) for incoming shares of its resource types, keyed by resource type. */
  incomingShareRenderers?: Partial<Record<string, ComponentType<IncomingShareRendererProps>>>;
  /** Extra content for outgoing shares of its resource types, keyed by resource type. */
  outgoingShareRenderers?: Partial<Record<string, ComponentType<OutgoingShareRendererProps>>>;
  /** Human label of a resource type it owns (`folder` → `Folder`), for the inbox. */
  resourceLabels?: Partial<Record<string, string>>;
  /** Inbox wording for its resource types, keyed by resource type (default: "Can view"/"Can edit", "Unshare"). */
  shareWording?: Partial<Record<string, ShareWording>>;
  /**
   * A component kept mounted on every page while the user is logged in, for what must reach them anywhere
   * (an incoming call ringing, a call going on while they read another page). Render nothing most of the time.
   */
  Background?: ComponentType<WebPluginContext>;
  /** What "Share with…" on a contact offers from this plugin (its items to share with that person). */
  shareTargets?: ShareTarget[];
  /** A dialog picking a file from the user's files, for other plugins (chat attachments); lazily loaded. */
  filePicker?: ComponentType<FilePickerProps>;
  /**
   * This plugin's page is the place for people (contacts, invites). When `available` says this server runs the
   * plugin, the shell's own Contacts page leaves the navigation and `#/contacts?…` (invite links) goes to `href`.
   */
  people?: {
    href: (query: URLSearchParams) => string;
    /** Whether the server runs the plugin (its API answers); asked once per session. */
    available: (api: ApiClient) => Promise<boolean>;
  };
}

/** The plugin whose route is the first segment, or null. */
export function pluginForRoute(plugins: readonly WebPlugin[], segment: string | undefined): WebPlugin | null {
  return plugins.find((p) => p.route === segment) ?? null;
}

/** The renderer a plugin registered for an incoming share's resource type, or null. */
export function incomingRendererFor(
  plugins: readonly WebPlugin[],
  resourceType: string,
): ComponentType<IncomingShareRendererProps> | null {
  for (const p of plugins) {
    const r = p.incomingShareRenderers?.[resourceType];
    if (r) return r;
  }
  return null;
}

/** The renderer a plugin registered for an outgoing share's resource type, or null. */
export function outgoingRendererFor(
  plugins: readonly WebPlugin[],
  resourceType: string,
): ComponentType<OutgoingShareRendererProps> | null {
  for (const p of plugins) {
    const r = p.outgoingShareRenderers?.[resourceType];
    if (r) return r;
  }
  return null;
}

/** A readable label for a resource type: the owning plugin's, else the type itself capitalised. */
export function resourceLabel(plugins: readonly WebPlugin[], resourceType: string): string {
  for (const p of plugins) {
    const l = p.resourceLabels?.[resourceType];
    if (l) return l;
  }
  return resourceType.charAt(0).toUpperCase() + resourceType.slice(1).replace(/-/g, ' ');
}

function wordingFor(plugins: readonly WebPlugin[], resourceType: string): ShareWording | null {
  for (const p of plugins) {
    const w = p.shareWording?.[resourceType];
    if (w) return w;
  }
  return null;
}

/** What a share lets its recipient do, in the owning plugin's words ("Invitation to join") or "Can view"/"Can edit". */
export function accessLabel(
  plugins: readonly WebPlugin[],
  share: IncomingShareView | OutgoingShare,
  direction: 'incoming' | 'outgoing',
): string {
  return (
    wordingFor(plugins, share.resourceType)?.access?.(share, direction) ??
    (share.permissions.includes('write') ? 'Can edit' : 'Can view')
  );
}

/** The owner's button to end a share, in the owning plugin's words ("Withdraw invitation") or "Unshare". */
export function unshareLabel(plugins: readonly WebPlugin[], share: OutgoingShare): string {
  return wordingFor(plugins, share.resourceType)?.unshare?.(share) ?? 'Unshare';
}
