import { useState } from 'preact/hooks';
import { ModalDialog, useShareTargets, type ShareTarget } from '#web-sdk';

/**
 * "Share with…" on a contact's cloud address: offers what the enabled plugins can share (a folder or file, a
 * calendar, an address book, a chat room), then that plugin's dialog with the person filled in.
 */
export function ShareWith(props: { address: string; name: string }) {
  const targets = useShareTargets();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState<ShareTarget | null>(null);
  if (targets.length === 0) return null;
  const close = () => (setOpen(false), setTarget(null));
  return (
    <>
      <button type="button" class="btn btn-small" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Share with…
      </button>
      {open && !target && (
        <ModalDialog open title={`Share with ${props.name}`} onClose={close}>
          <p class="hint">What do you want to share with {props.address}?</p>
          <ul class="share-with-targets">
            {targets.map((t) => (
              <li key={t.label}>
                <button type="button" class="btn" onClick={() => setTarget(t)}>
                  {t.label}
                </button>
              </li>
            ))}
          </ul>
        </ModalDialog>
      )}
      {target && <target.Dialog recipient={props.address} onClose={close} />}
    </>
  );
}
