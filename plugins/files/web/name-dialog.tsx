import { useEffect, useRef, useState } from 'preact/hooks';
import { ModalDialog } from '#web-sdk';
import { nameProblem } from './files-paths.ts';

interface NameDialogProps {
  open: boolean;
  title: string;
  label: string;
  submitLabel: string;
  initial: string;
  onSubmit: (name: string) => Promise<string | null>;
  onClose: () => void;
}

/** Asks for a file or folder name (new folder, rename), checking it before calling `onSubmit`. */
export function NameDialog(props: NameDialogProps) {
  return (
    <ModalDialog open={props.open} title={props.title} onClose={props.onClose}>
      <NameForm {...props} />
    </ModalDialog>
  );
}

/**
 * The form lives inside the dialog's content, which is mounted each time the dialog opens, so the field
 * starts with `initial` in its first render. (Resetting it from an effect after opening raced with typing:
 * a name typed before the effect ran was overwritten by the initial one.)
 */
function NameForm(props: NameDialogProps) {
  const [name, setName] = useState(props.initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Once, on opening: select the name without its extension, as file managers do.
    const t = window.setTimeout(() => {
      const el = input.current;
      if (!el) return;
      el.focus();
      const dot = el.value.lastIndexOf('.');
      el.setSelectionRange(0, dot > 0 ? dot : el.value.length);
    });
    return () => window.clearTimeout(t);
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    // What the field shows is what is submitted, even if a render after the last keystroke has not run yet.
    const value = input.current?.value ?? name;
    const problem = nameProblem(value);
    if (problem) return setError(problem);
    setBusy(true);
    const err = await props.onSubmit(value.trim());
    setBusy(false);
    if (err) setError(err);
  };
  return (
    <form onSubmit={submit}>
      <label for="name-dialog-input">{props.label}</label>
      <input
        ref={input}
        id="name-dialog-input"
        value={name}
        autoFocus
        autocomplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby="name-dialog-error"
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <p id="name-dialog-error" class="form-error" role="alert">
        {error}
      </p>
      <div class="modal-actions">
        <button type="button" class="btn" onClick={props.onClose}>
          Cancel
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
