import { CopyButton } from '../components/copy-button.tsx';
import type { Me } from '../api/types.ts';

/** The user's name and OCM address (what others type to share with them), with a button that copies it. */
export function AddressBadge(props: { user: Me }) {
  return (
    <div class="address-badge">
      <span class="avatar" aria-hidden="true">
        {props.user.displayName.slice(0, 1).toUpperCase()}
      </span>
      <span class="address-text">
        <span class="address-name">{props.user.displayName}</span>
        <span
          class="address-value"
          data-testid="my-address"
          title="Your address: others share with you and invite you using it"
        >
          {props.user.address}
        </span>
      </span>
      <CopyButton text={props.user.address} label="Copy address" class="address-copy" />
      {/* Phones: no room for both, so the address itself is the copy button. */}
      <CopyButton
        text={props.user.address}
        label={props.user.address}
        what="(copy your address)"
        class="address-copy-phone"
      />
    </div>
  );
}
