import { useState } from 'preact/hooks';
// eslint-disable-next-line import-x/no-cycle -- read like a plugin chunk; the SDK loads this file only by import()
import { StatePill, partyLabel } from '#web-sdk';
import { choiceIndex, type PermissionChoice, type ShareRow } from './share-types.ts';

const STATE_WORDS: Partial<Record<string, string>> = {
  sending: 'Waiting for their server',
  pending: 'Not yet accepted',
  accepted: 'Accepted',
  failed: 'Failed',
};

/** "Who has access": each share with its permission (a select when there is a choice), state and Unshare. */
export function CurrentShares(props: {
  shares: readonly ShareRow[];
  loading: boolean;
  choices: readonly PermissionChoice[];
  emptyText: string;
  onPermissions: (s: ShareRow, choice: number) => Promise<void>;
  onUnshare: (s: ShareRow) => void;
}) {
  const [changing, setChanging] = useState<string | null>(null);
  return (
    <section class="current-shares" aria-label="Who has access">
      <h3>Who has access</h3>
      {props.shares.length === 0 ? (
        <p class="hint">{props.loading ? 'Loading…' : props.emptyText}</p>
      ) : (
        <ul>
          {props.shares.map((s) => {
            const at = choiceIndex(props.choices, s.permissions);
            const words = STATE_WORDS[s.state] ?? s.state.charAt(0).toUpperCase() + s.state.slice(1);
            return (
              <li key={s.id} data-testid="share-recipient" data-share-with={s.shareWith}>
                <span class="current-share-who">
                  {partyLabel(s.recipientDisplayName, s.shareWith)}
                  {s.state === 'failed' && s.lastError && <span class="hint current-share-error">{s.lastError}</span>}
                </span>
                {s.state !== 'failed' && props.choices.length > 1 ? (
                  <select
                    aria-label={`Permission of ${s.shareWith}`}
                    value={at < 0 ? 'custom' : props.choices[at]!.permissions.join(',')}
                    disabled={changing === s.id}
                    onChange={(e) => {
                      setChanging(s.id);
                      void props
                        .onPermissions(s, e.currentTarget.selectedIndex - (at < 0 ? 1 : 0))
                        .finally(() => setChanging(null));
                    }}
                  >
                    {at < 0 && <option value="custom">Other</option>}
                    {props.choices.map((c) => (
                      <option key={c.label} value={c.permissions.join(',')}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  s.state !== 'failed' && <span class="hint">{props.choices[Math.max(at, 0)]?.label}</span>
                )}
                <StatePill state={s.state} label={words} />
                <button
                  type="button"
                  class="btn btn-small"
                  onClick={() => props.onUnshare(s)}
                  aria-label={`${s.state === 'failed' ? 'Remove the failed share with' : 'Unshare with'} ${s.shareWith}`}
                >
                  {s.state === 'failed' ? 'Remove' : 'Unshare'}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
