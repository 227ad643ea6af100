import type { OutgoingShare } from '../../api/types.ts';

/** One permission a share dialog offers: its words ("Can view", "View and edit events") and what it grants. */
export interface PermissionChoice {
  label: string;
  permissions: readonly string[];
}

/** The usual pair: view (`read`), edit (`read` + `write`). */
export const VIEW_EDIT: readonly PermissionChoice[] = [
  { label: 'Can view', permissions: ['read'] },
  { label: 'Can edit', permissions: ['read', 'write'] },
];

/** What a share dialog lists of one current share. */
export type ShareRow = Pick<OutgoingShare, 'id' | 'shareWith' | 'recipientDisplayName' | 'permissions' | 'state'> & {
  lastError?: string | null;
};

/** Props of `ShareDialog`. */
export interface ShareDialogProps {
  /** The resource, as `POST /api/v1/shares` takes it. */
  resourceType: string;
  resourceId: string;
  /** Its name, in the title ("Share “Projects”") and the messages. */
  name: string;
  /** The permissions offered, the first one preselected. */
  choices: readonly PermissionChoice[];
  /**
   * The current shares when the caller knows them better (files finds them by the item's current path); otherwise
   * the dialog lists the user's live outgoing shares of `resourceType` + `resourceId`, kept live.
   */
  shares?: readonly ShareRow[];
  /** Called after a share was made, changed or ended (e.g. to reload `shares`). */
  onChanged?: () => void;
  onClose: () => void;
  /** A recipient to start with (e.g. "Share with…" from a contact). */
  recipient?: string;
  /** A line under the recipient field (what the recipient gets). */
  hint?: string;
  /** Said when nobody has access yet (default "Only you."). */
  emptyText?: string;
}

/** The choice a share's permissions match (the one granting exactly them), or -1. */
export function choiceIndex(choices: readonly PermissionChoice[], permissions: readonly string[]): number {
  const key = (p: readonly string[]) => [...p].sort().join(',');
  return choices.findIndex((c) => key(c.permissions) === key(permissions));
}

/** Props of `PickAndShare`: the items to choose from, then what `ShareDialog` needs. */
export interface PickAndShareProps {
  /** The dialog's title: "Share a calendar with bob@cloud.example". */
  title: string;
  recipient: string;
  /** The user's items that can be shared (their own). */
  load: () => Promise<Array<{ id: string; name: string }>>;
  /** Said when there is none: "You have no calendar of your own yet." */
  empty: string;
  resourceType: string;
  choices: readonly PermissionChoice[];
  onClose: () => void;
}
