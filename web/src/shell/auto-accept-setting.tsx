import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { Toaster } from './toast-store.ts';

/** The "accept shares automatically" preference: from people on this server and contacts only, never strangers. */
export function AutoAcceptSetting(props: { api: ApiClient; toast: Toaster }) {
  const { api, toast } = props;
  const [on, setOn] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    api.settings().then(
      (s) => live && setOn(s.autoAcceptShares),
      () => live && setOn(false),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const change = async (next: boolean) => {
    setBusy(true);
    setOn(next);
    try {
      const s = await api.updateSettings({ autoAcceptShares: next });
      setOn(s.autoAcceptShares);
      toast.success(
        s.autoAcceptShares
          ? 'Shares from people on this server and from your contacts are now accepted automatically.'
          : 'Every share now waits here for your answer.',
      );
    } catch (err) {
      setOn(!next);
      toast.error(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="auto-accept" data-testid="auto-accept">
      <label class="inline-check">
        <input
          type="checkbox"
          checked={on === true}
          disabled={on === null || busy}
          onChange={(e) => void change(e.currentTarget.checked)}
          aria-describedby="auto-accept-hint"
        />{' '}
        Accept shares automatically from people on this server and from my contacts
      </label>
      <p id="auto-accept-hint" class="hint">
        Shares from anyone else still wait here for your answer.
      </p>
    </div>
  );
}
