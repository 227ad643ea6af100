/**
 * `#web-sdk`: the one entry a plugin's web part imports from the Meshwork shell (lint refuses any other path into
 * `web/`). Everything here is public and documented; anything else in `web/src` may change without notice.
 * SDK version 1: additions keep working code working; a removal or an incompatible change raises the version.
 *
 * @example
 * import { type WebPlugin, lazyPage } from '#web-sdk';
 * export const notesWebPlugin: WebPlugin = {
 *   id: 'notes', title: 'Notes', route: 'notes',
 *   Page: lazyPage(() => import('./notes-page.tsx').then((m) => m.NotesPage)),
 * };
 */

/** The SDK's version; a plugin built for another major version may not work. */
export const WEB_SDK_VERSION = 1;

// ---- The plugin contract
export type {
  /** A plugin's web part: id, navigation title, route, page, inbox renderers, resource labels. */
  WebPlugin,
  /** What the shell gives every plugin component: api, socket, pluginSocket, user, navigate, toast. */
  WebPluginContext,
  /** Props of a plugin's page: the context plus the route's `path` segments and `query`. */
  PluginPageProps,
  /** Props of an inbox renderer for an incoming share of the plugin's resource type. */
  IncomingShareRendererProps,
  /** Props of an inbox renderer for an outgoing share of the plugin's resource type. */
  OutgoingShareRendererProps,
  /** The toasts: `info`, `success`, `error` with a plain-words text. */
  Toaster,
  /** Inbox wording for a resource type where "Can view" / "Unshare" would be wrong ("Invitation to join"). */
  ShareWording,
  /** What "Share with…" on a person offers from a plugin: a label ("A calendar") and the dialog that shares one. */
  ShareTarget,
  /** A file picked through a plugin's file picker: name, path, size, type, and how to fetch it. */
  PickedFile,
  /** Props of a plugin's file picker dialog (`WebPlugin.filePicker`). */
  FilePickerProps,
} from '../src/plugin-host.ts';
/** A page loaded on demand (its own chunk): `Page: lazyPage(() => import('./x-page.tsx').then((m) => m.XPage))`. */
export { lazyPage } from '../src/shell/lazy-page.tsx';
/** A component (a dialog) loaded on first render, in its own chunk; draws nothing while it loads. */
export { lazyComponent } from '../src/shell/lazy-page.tsx';
import { lazyComponent } from '../src/shell/lazy-page.tsx';
import type { PickAndShareProps, ShareDialogProps } from '../src/components/share/share-types.ts';
/** Hands a blob (a downloaded export, an attachment) to the browser as a file download named `name`. */
export { saveBlob } from '../src/shell/save-blob.ts';
/** A count on a plugin's navigation entry (by route), also summed into the tab's title; null or 0 clears it. */
export { setNavBadge, type NavBadge } from '../src/shell/nav-badges.ts';
/** The shell's context below any page; and hooks for its parts. */
export { useShell, useApi, useToast, useUser, usePluginSocket, useConnected } from '../src/shell/shell-context.ts';

// ---- Talking to the server
/** The typed `/api/v1` client (`request` for a plugin's own routes, `authHeaders` for other protocols). */
export type { ApiClient } from '../src/api/api-client.ts';
/** A failed API call with the server's stable `code`, HTTP `status` and a message fit to show. */
export { ApiError, describeAck, describeCode, describeError } from '../src/api/api-error.ts';
/** The main socket (share and contact events) and the bound of plugin event maps. */
export type { MeshworkSocket, EventMap } from '../src/api/socket-client.ts';
/** A REST-loaded list kept live by socket events (load, reload after reconnect, race-safe upsert, sort). */
export { useLiveList, type LiveList, type LiveListOptions } from '../src/api/use-live-list.ts';
/** Wire types of the client API (shares, contacts, the user, settings, socket events). */
export type {
  Contact,
  Person,
  CreateShareInput,
  IncomingShareState,
  IncomingShareView,
  Me,
  OutgoingShare,
  OutgoingShareState,
  ServerToClientEvents,
} from '../src/api/types.ts';

// ---- Routing (hash routes: `#/<plugin route>/<segments>?<query>`)
/** `hashHref('files', 'My docs')` → `#/files/My%20docs`; `navigate(href)` goes there; `useHashRoute()` follows it. */
export { hashHref, navigate, parseHash, useHashRoute, type HashRoute } from '../src/shell/hash-route.ts';

// ---- Components and formatters (styled by the shell's tokens, light and dark)
/** A modal on the native `<dialog>` (focus trapped, Escape closes), titled, full-width on phones. */
export { ModalDialog } from '../src/components/modal-dialog.tsx';
/** Asks to confirm an action (`danger` for destructive ones: Cancel is focused first). */
export { ConfirmDialog } from '../src/components/confirm-dialog.tsx';
/** What an import took and what it skipped, with a reason for each ("Imported 3 events. 1 could not be imported: …"). */
export { ImportReport, type SkippedItem } from '../src/components/import-report.tsx';
/** A button that copies a text and says so ("Copied"), with an accessible name saying what it copies. */
export { CopyButton } from '../src/components/copy-button.tsx';
/** The recipient field of share dialogs: an address, or people suggested by name, e-mail or address as one types. */
export { RecipientInput } from '../src/components/recipient-input.tsx';
/**
 * The share dialog of every resource type: recipient (address or people search), the caller's permission choices,
 * who has access with change-permission and Unshare. Its code (and CSS) load on first use, not at start-up.
 */
export const ShareDialog = lazyComponent<ShareDialogProps>(() =>
  // eslint-disable-next-line import-x/no-cycle -- a lazy chunk that imports #web-sdk, as plugin chunks do
  import('../src/components/share/share-dialog.tsx').then((m) => m.ShareDialog),
);
/** Picks one of a plugin's items (a calendar, an address book), then shares it with a given person; loaded on use. */
export const PickAndShare = lazyComponent<PickAndShareProps>(() =>
  // eslint-disable-next-line import-x/no-cycle -- a lazy chunk that imports #web-sdk, as plugin chunks do
  import('../src/components/share/pick-and-share.tsx').then((m) => m.PickAndShare),
);
/**
 * Adding people on other servers (add by address, invite with the open invites, accept an invite, prefilled by
 * `invite`), for the plugin page that is the place for people (`WebPlugin.people`). Loaded on first use.
 */
export const PeopleTools = lazyComponent<{ invite?: string; onAdded?: () => void }>(() =>
  import('../src/shell/people-tools.tsx').then((m) => m.PeopleTools),
);
/** What plugins offer each other: share targets for "Share with…" on a person, a file picker (or null). */
export { useShareTargets, useFilePicker } from '../src/shell/plugins-context.ts';
/** The share dialog's props, a permission choice, a listed share; `VIEW_EDIT` is "Can view" / "Can edit". */
export {
  VIEW_EDIT,
  type PermissionChoice,
  type PickAndShareProps,
  type ShareDialogProps,
  type ShareRow,
} from '../src/components/share/share-types.ts';
/** A small coloured state label (`pending`, `accepted`, `failed`, …). */
export { StatePill } from '../src/components/state-pill.tsx';
/** Line icons (24×24 path data, current colour) and the component that draws one, decorative. */
export { Icon, ICONS } from '../src/components/icons.tsx';
/** A list rendering only the rows in view (fixed row height), for thousands of rows; labelled and focusable. */
export { VirtualList } from '../src/components/virtual-list.tsx';
/** Whether a media query matches (live); `PHONE_QUERY` is the shell's phone breakpoint. */
export { useMediaQuery, PHONE_QUERY } from '../src/components/use-media-query.ts';
/** "Can edit" / "Can view" for a permission list; "Name (address)" for a party. */
export { permissionLabel, partyLabel } from '../src/components/permission-label.ts';
/** "3 minutes ago" for an epoch-milliseconds time. */
export { timeAgo } from '../src/components/time-ago.ts';
