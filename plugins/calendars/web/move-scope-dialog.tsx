import { ModalDialog } from '#web-sdk';

/** Asks whether a dragged instance of a series moves alone or with the whole series. */
export function MoveScopeDialog(props: {
  title: string;
  onChoose: (scope: 'instance' | 'all') => void;
  onCancel: () => void;
}) {
  return (
    <ModalDialog open title={`Move “${props.title}”`} onClose={props.onCancel}>
      <p>This event repeats. Move only this event, or every event in the series by the same amount?</p>
      <div class="modal-actions">
        <button type="button" class="btn" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" class="btn" onClick={() => props.onChoose('all')}>
          All events
        </button>
        <button type="button" class="btn btn-primary" onClick={() => props.onChoose('instance')} autoFocus>
          This event only
        </button>
      </div>
    </ModalDialog>
  );
}
