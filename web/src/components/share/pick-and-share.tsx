import { useEffect, useState } from 'preact/hooks';
// eslint-disable-next-line import-x/no-cycle -- read like a plugin chunk; the SDK loads this file only by import()
import { ModalDialog, ShareDialog, describeError } from '#web-sdk';
import type { PickAndShareProps } from './share-types.ts';

/** Picks one of a plugin's items (a calendar, an address book), then shares it with a given person. */
export function PickAndShare(props: PickAndShareProps) {
  const [items, setItems] = useState<Array<{ id: string; name: string }> | null>(null);
  const [error, setError] = useState('');
  const [picked, setPicked] = useState<{ id: string; name: string } | null>(null);
  useEffect(() => {
    let live = true;
    props.load().then(
      (list) => live && setItems(list),
      (err: unknown) => live && (setItems([]), setError(describeError(err))),
    );
    return () => void (live = false);
  }, []);
  if (picked)
    return (
      <ShareDialog
        resourceType={props.resourceType}
        resourceId={picked.id}
        name={picked.name}
        choices={props.choices}
        recipient={props.recipient}
        onClose={props.onClose}
      />
    );
  return (
    <ModalDialog open title={props.title} onClose={props.onClose} class="share-dialog">
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {items === null ? (
        <p class="hint" role="status">
          Loading…
        </p>
      ) : items.length === 0 && !error ? (
        <p class="hint">{props.empty}</p>
      ) : (
        <ul class="share-pick-list">
          {items.map((i) => (
            <li key={i.id}>
              <button type="button" class="btn share-pick-item" onClick={() => setPicked(i)}>
                {i.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="modal-actions">
        <button type="button" class="btn" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
