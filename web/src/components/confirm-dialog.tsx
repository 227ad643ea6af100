import type { ComponentChildren } from 'preact';
import { ModalDialog } from './modal-dialog.tsx';

/** Asks the user to confirm an action; the confirm button is focused first only when it is not destructive. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ComponentChildren;
}) {
  return (
    <ModalDialog open={props.open} title={props.title} onClose={props.onCancel}>
      <div class="modal-content">{props.children}</div>
      <div class="modal-actions">
        <button type="button" class="btn" onClick={props.onCancel} autoFocus={props.danger}>
          Cancel
        </button>
        <button
          type="button"
          class={`btn ${props.danger ? 'btn-danger' : 'btn-primary'}`}
          disabled={props.busy}
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </button>
      </div>
    </ModalDialog>
  );
}
