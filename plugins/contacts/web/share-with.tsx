import { useEffect, useState } from 'preact/hooks';
import { ModalDialog, useApi, useShareTargets, type ShareTarget } from '#web-sdk';
import { ContactsApi } from './contacts-api.ts';

/** The targets that can reach a person: all of this server's for its own users; for others, what their server lists. */
function reaching(targets: ShareTarget[], peer: { local: boolean; resourceTypes: string[] | null } | null) {
  if (!peer || peer.local || peer.resourceTypes === null) return targets;
  const listed = new Set(peer.resourceTypes);
  return targets.filter((t) => t.assumable || (t.resourceTypes ?? []).some((r) => listed.has(r)));
}

/**
 * "Share with…" on a contact's cloud address: offers what this server's plugins can share and the person's server
 * can receive (a folder or file, a calendar, an address book, a chat room), then that plugin's dialog with the
 * person filled in.
 */
export function ShareWith(props: { address: string; name: string }) {
  const api = useApi();
  const targets = useShareTargets();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState<ShareTarget | null>(null);
  // Asked when the dialog opens: undefined while asking; null when the address's server could not be asked.
  const [peer, setPeer] = useState<{ local: boolean; resourceTypes: string[] | null } | null | undefined>(undefined);
  useEffect(() => {
    if (!open) return;
    let live = true;
    setPeer(undefined);
    new ContactsApi(api).shareTypes(props.address).then(
      (p) => live && setPeer(p),
      () => live && setPeer(null),
    );
    return () => void (live = false);
  }, [open, api, props.address]);
  if (targets.length === 0) return null;
  const close = () => (setOpen(false), setTarget(null));
  const offered = peer === undefined ? [] : reaching(targets, peer);
  return (
    <>
      <button type="button" class="btn btn-small" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Share with…
      </button>
      {open && !target && (
        <ModalDialog open title={`Share with ${props.name}`} onClose={close}>
          {peer === undefined ? (
            <p class="hint" role="status">
              Asking {props.address.split('@').pop()} what it can receive…
            </p>
          ) : offered.length === 0 ? (
            <p class="hint">
              {props.address}’s server accepts none of what you can share from here (it lists no files, calendars,
              address books or chat rooms).
            </p>
          ) : (
            <>
              <p class="hint">What do you want to share with {props.address}?</p>
              <ul class="share-with-targets">
                {offered.map((t) => (
                  <li key={t.label}>
                    <button type="button" class="btn" onClick={() => setTarget(t)}>
                      {t.label}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </ModalDialog>
      )}
      {target && <target.Dialog recipient={props.address} onClose={close} />}
    </>
  );
}
