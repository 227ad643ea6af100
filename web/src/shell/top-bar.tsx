import type { Me } from '../api/types.ts';
import { BrandMark } from '../components/brand-mark.tsx';
import { ICONS, Icon } from '../components/icons.tsx';
import { AddressBadge } from './address-badge.tsx';

/** The top bar: brand, live-connection state, the user's address (with copy) and log out. */
export function TopBar(props: { user: Me; connected: boolean; onLogout: () => void }) {
  return (
    <header class="topbar">
      <a class="brand" href="#/shares" aria-label="Meshwork, go to your shares">
        <BrandMark />
        <span class="brand-name">Meshwork</span>
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
          <span class="live-text">{props.connected ? 'Live' : 'Offline'}</span>
        </span>
        <AddressBadge user={props.user} />
        <button type="button" class="btn btn-small logout" onClick={props.onLogout} title="Log out">
          <Icon path={ICONS.logout} size={16} />
          <span class="logout-text">Log out</span>
        </button>
      </div>
    </header>
  );
}
