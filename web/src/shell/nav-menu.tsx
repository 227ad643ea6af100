import type { WebPlugin } from '../plugin-host.ts';
import { hashHref } from './hash-route.ts';

/** The main navigation: shares (with the count of pending ones), contacts, then each plugin's page. */
export function NavMenu(props: { current: string; plugins: readonly WebPlugin[]; pending: number }) {
  const items = [
    { route: 'shares', title: 'Shares', badge: props.pending },
    { route: 'contacts', title: 'Contacts', badge: 0 },
    ...props.plugins.map((p) => ({ route: p.route, title: p.title, badge: 0 })),
  ];
  return (
    <nav class="nav" aria-label="Main">
      <ul>
        {items.map((i) => (
          <li key={i.route}>
            <a href={hashHref(i.route)} aria-current={props.current === i.route ? 'page' : undefined}>
              <span>{i.title}</span>
              {i.badge > 0 && (
                <span class="badge" aria-label={`${i.badge} waiting`}>
                  {i.badge}
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
