import { useEffect, useState } from 'preact/hooks';
import { copyText } from './copy-text.ts';
import { ICONS, Icon } from './icons.tsx';

/**
 * A button that copies `text` and says what it copies: its visible label ("Copy address"), plus `what` for screen
 * readers when the label alone is ambiguous ("Copy" + "invite link"). It confirms with "Copied" (announced).
 */
export function CopyButton(props: { text: string; label?: string; what?: string; class?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(t);
  }, [state]);
  const label = props.label ?? 'Copy';
  const onClick = async () => setState((await copyText(props.text)) ? 'copied' : 'failed');
  return (
    <button
      type="button"
      class={`btn btn-small copy-button ${props.class ?? ''}`}
      onClick={onClick}
      aria-label={props.what ? `${label} ${props.what}` : undefined}
    >
      <Icon path={ICONS.copy} size={15} />
      <span class="copy-label">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}</span>
      <span class="visually-hidden" aria-live="polite">
        {state === 'copied' ? 'Copied to clipboard' : state === 'failed' ? 'Could not copy' : ''}
      </span>
    </button>
  );
}
