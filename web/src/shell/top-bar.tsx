import type { Me } from '../api/types.ts';
import { BrandMark } from '../components/brand-mark.tsx';
import { AddressBadge } from './address-badge.tsx';

/** The top bar: brand, live-connection state, the user's address, change password and log out. */
export function TopBar(props: { user: Me; connected: boolean; onLogout: () => void; onChangePassword: () => void }) {
  return (
    <header class="topbar">
      <a class="brand" href="#/shares" aria-label="Meshwork">
        <BrandMark />
        <span class="wide-only">Meshwork</span>
      </a>
      <span class="server-name" title="This server">
        {props.user.server}
      </span>
      <div class="topbar-right">
        <span
          class={`live ${props.connected ? 'live-on' : 'live-off'}`}
          role="status"
          title={props.connected ? 'Live updates are on' : 'Reconnecting for live updates'}
        >
          <span class="live-dot" aria-hidden="true" />
          {props.connected ? 'Live' : 'Offline'}
        </span>
        <AddressBadge user={props.user} />
        <button type="button" class="btn btn-small" aria-label="Change password" onClick={props.onChangePassword}>
          <span class="wide-only">Change password</span>
          <span class="narrow-only">Password</span>
        </button>
        <button type="button" class="btn btn-small" onClick={props.onLogout}>
          Log out
        </button>
      </div>
    </header>
  );
}
