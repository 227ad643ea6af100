import { useEffect, useRef, useState } from 'preact/hooks';
import { ModalDialog } from '#web-sdk';
import { nameProblem } from './files-paths.ts';

/** Asks for a file or folder name (new folder, rename), checking it before calling `onSubmit`. */
export function NameDialog(props: {
  open: boolean;
  title: string;
  label: string;
  submitLabel: string;
  initial: string;
  onSubmit: (name: string) => Promise<string | null>;
  onClose: () => void;
}) {
  const [name, setName] = useState(props.initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!props.open) return;
    setName(props.initial);
    setError(null);
    // Once, on opening: select the name without its extension, as file managers do.
    const t = window.setTimeout(() => {
      const el = input.current;
      if (!el) return;
      el.focus();
      const dot = el.value.lastIndexOf('.');
      el.setSelectionRange(0, dot > 0 ? dot : el.value.length);
    });
    return () => window.clearTimeout(t);
  }, [props.open, props.initial]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const problem = nameProblem(name);
    if (problem) return setError(problem);
    setBusy(true);
    const err = await props.onSubmit(name.trim());
    setBusy(false);
    if (err) setError(err);
  };
  return (
    <ModalDialog open={props.open} title={props.title} onClose={props.onClose}>
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
    </ModalDialog>
  );
}
