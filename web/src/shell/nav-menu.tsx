import { useState } from 'preact/hooks';
import { ICONS, Icon } from '../components/icons.tsx';
import { ModalDialog } from '../components/modal-dialog.tsx';
import { PHONE_QUERY, useMediaQuery } from '../components/use-media-query.ts';
import type { WebPlugin } from '../plugin-host.ts';
import { hashHref } from './hash-route.ts';
import { useNavBadges } from './nav-badges.ts';

interface NavItem {
  route: string;
  title: string;
  icon: string;
  badge: number;
  badgeLabel?: string;
  alert?: boolean;
}

/** How many entries the phone's bottom bar shows before the rest go behind "More". */
const BOTTOM_BAR_MAX = 5;

function NavLink(props: { item: NavItem; current: string; onClick?: () => void }) {
  const { item } = props;
  return (
    <a
      href={hashHref(item.route)}
      aria-current={props.current === item.route ? 'page' : undefined}
      onClick={props.onClick}
      data-route={item.route}
    >
      <Icon path={item.icon} class="nav-icon" />
      <span class="nav-label">{item.title}</span>
      {item.badge > 0 && (
        <span
          class={item.alert ? 'badge badge-alert' : 'badge'}
          aria-label={item.badgeLabel ?? `${item.badge} waiting`}
          data-testid="nav-badge"
        >
          {item.badge}
        </span>
      )}
    </a>
  );
}

/**
 * The main navigation: shares (with the count of pending ones), contacts, then each plugin's page. A side bar on
 * wide screens; on phones a bottom bar, whose overflow (more than five entries) opens as a sheet behind "More".
 */
export function NavMenu(props: {
  current: string;
  plugins: readonly WebPlugin[];
  pending: number;
  /** Whether the shell's Contacts page is listed (not when a plugin is the place for people). */
  contacts: boolean;
}) {
  const phone = useMediaQuery(PHONE_QUERY);
  const [moreOpen, setMoreOpen] = useState(false);
  const badges = useNavBadges();
  const items: NavItem[] = [
    { route: 'shares', title: 'Shares', icon: ICONS.shares, badge: props.pending },
    // One place for people: a plugin that is it (the address book) replaces the shell's Contacts page.
    ...(props.contacts ? [{ route: 'contacts', title: 'Contacts', icon: ICONS.contacts, badge: 0 }] : []),
    ...props.plugins.map((p) => {
      const b = badges.get(p.route);
      return {
        route: p.route,
        title: p.title,
        icon: p.icon ?? ICONS.folder,
        badge: b?.count ?? 0,
        ...(b?.label ? { badgeLabel: b.label } : {}),
        ...(b?.alert ? { alert: true } : {}),
      };
    }),
  ];
  const overflow = phone && items.length > BOTTOM_BAR_MAX;
  const shown = overflow ? items.slice(0, BOTTOM_BAR_MAX - 1) : items;
  const hidden = overflow ? items.slice(BOTTOM_BAR_MAX - 1) : [];
  const hiddenCurrent = hidden.some((i) => i.route === props.current);
  return (
    <nav class={phone ? 'nav nav-bottom' : 'nav'} aria-label="Main">
      <ul>
        {shown.map((i) => (
          <li key={i.route}>
            <NavLink item={i} current={props.current} />
          </li>
        ))}
        {overflow && (
          <li>
            <button
              type="button"
              class="nav-more"
              aria-haspopup="dialog"
              aria-current={hiddenCurrent ? 'page' : undefined}
              onClick={() => setMoreOpen(true)}
            >
              <Icon path={ICONS.more} class="nav-icon" />
              <span class="nav-label">More</span>
            </button>
          </li>
        )}
      </ul>
      {overflow && (
        <ModalDialog open={moreOpen} title="More" onClose={() => setMoreOpen(false)} class="nav-sheet">
          <ul class="nav-sheet-list">
            {hidden.map((i) => (
              <li key={i.route}>
                <NavLink item={i} current={props.current} onClick={() => setMoreOpen(false)} />
              </li>
            ))}
          </ul>
        </ModalDialog>
      )}
    </nav>
  );
}
