import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { ApiError, describeError } from '../api/api-error.ts';
import { ModalDialog } from '../components/modal-dialog.tsx';

const MIN_LENGTH = 8;

/** What to tell the person, in plain words, for a failed change; null when the form itself is fine. */
function checkForm(current: string, next: string, again: string): string | null {
  if (!current) return 'Enter your current password.';
  if (next.length < MIN_LENGTH) return `Your new password must be at least ${MIN_LENGTH} characters long.`;
  if (next !== again) return 'The two new passwords are not the same. Type the new password twice.';
  if (next === current) return 'Your new password is the same as the current one. Choose a different one.';
  return null;
}

function explain(err: unknown): string {
  if (err instanceof ApiError && err.code === 'WRONG_PASSWORD')
    return 'Your current password is not correct. Nothing was changed.';
  return describeError(err);
}

/**
 * Changes the logged-in user's password: current password, the new one twice. On success every other session of
 * the user ends (other devices must log in again); this one stays.
 */
export function PasswordDialog(props: { api: ApiClient; open: boolean; onClose: () => void; onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const close = () => {
    setCurrent('');
    setNext('');
    setAgain('');
    setError(null);
    props.onClose();
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const problem = checkForm(current, next, again);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      await props.api.changePassword(current, next);
      close();
      props.onChanged();
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <ModalDialog open={props.open} title="Change your password" onClose={close}>
      <form onSubmit={submit} noValidate aria-describedby="password-error">
        <label for="password-current">Current password</label>
        <input
          id="password-current"
          type="password"
          autocomplete="current-password"
          value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
          autoFocus
        />
        <label for="password-new">New password</label>
        <input
          id="password-new"
          type="password"
          autocomplete="new-password"
          aria-describedby="password-rule"
          value={next}
          onInput={(e) => setNext(e.currentTarget.value)}
        />
        <label for="password-again">New password again</label>
        <input
          id="password-again"
          type="password"
          autocomplete="new-password"
          value={again}
          onInput={(e) => setAgain(e.currentTarget.value)}
        />
        <p id="password-rule" class="hint">
          At least {MIN_LENGTH} characters. Your other devices and browsers will be logged out; this one stays.
        </p>
        <p id="password-error" class="form-error" role="alert">
          {error ?? ''}
        </p>
        <div class="modal-actions">
          <button type="button" class="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
