import { CopyButton } from '../components/copy-button.tsx';
import type { Me } from '../api/types.ts';

/** The user's name and OCM address (what others type to share with them), with a copy button. */
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
          title="Your federated address: others share with you using it"
        >
          {props.user.address}
        </span>
      </span>
      <CopyButton text={props.user.address} what="your address" />
    </div>
  );
}
