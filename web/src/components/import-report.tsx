import { ModalDialog } from './modal-dialog.tsx';

/** One item an import left out: what it was (a title or name) and why, in plain words. */
export interface SkippedItem {
  label: string;
  reason: string;
}

/**
 * What an import took and what it left out, with the reason for each (the first 50 listed). `noun` names one
 * imported item (`event`, `contact`); an `s` is added for more than one.
 */
export function ImportReport(props: { imported: number; skipped: SkippedItem[]; noun: string; onClose: () => void }) {
  const { imported, skipped, noun } = props;
  return (
    <ModalDialog open title="Import finished" onClose={props.onClose}>
      <p>
        Imported {imported} {noun}
        {imported === 1 ? '' : 's'}. {skipped.length} could not be imported:
      </p>
      <ul class="import-skipped">
        {skipped.slice(0, 50).map((s, i) => (
          <li key={i}>
            <strong>{s.label}</strong>: {s.reason}.
          </li>
        ))}
      </ul>
      {skipped.length > 50 && <p class="hint">…and {skipped.length - 50} more.</p>}
      <div class="modal-actions">
        <button type="button" class="btn btn-primary" onClick={props.onClose} autoFocus>
          OK
        </button>
      </div>
    </ModalDialog>
  );
}
