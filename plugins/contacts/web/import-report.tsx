import { ModalDialog } from '#web-sdk';
import type { ImportSummary } from './contacts-api.ts';

/** What an import took and what it left out, with the reason for each. */
export function ImportReport(props: { summary: ImportSummary; onClose: () => void }) {
  const { imported, skipped } = props.summary;
  return (
    <ModalDialog open title="Import finished" onClose={props.onClose}>
      <p>
        Imported {imported} contact{imported === 1 ? '' : 's'}. {skipped.length} could not be imported:
      </p>
      <ul class="import-skipped">
        {skipped.slice(0, 50).map((s, i) => (
          <li key={i}>
            <strong>{s.name}</strong>: {s.reason}.
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
