import { useEffect, useState } from 'preact/hooks';
import type { ToastStore } from './toast-store.ts';

/** The notification area: a polite live region for news, an assertive one for errors. */
export function Toasts(props: { store: ToastStore }) {
  const [toasts, setToasts] = useState(props.store.toasts);
  useEffect(() => props.store.subscribe(setToasts), [props.store]);
  const render = (kind: 'news' | 'errors') =>
    toasts
      .filter((t) => (kind === 'errors') === (t.kind === 'error'))
      .map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`}>
          <span class="toast-text">{t.text}</span>
          <button
            type="button"
            class="btn btn-icon toast-close"
            aria-label="Dismiss notification"
            onClick={() => props.store.dismiss(t.id)}
          >
            ×
          </button>
        </div>
      ));
  return (
    <div class="toasts">
      <div aria-live="polite" aria-relevant="additions" class="toast-region" data-testid="toasts">
        {render('news')}
      </div>
      <div aria-live="assertive" aria-relevant="additions" class="toast-region">
        {render('errors')}
      </div>
    </div>
  );
}
