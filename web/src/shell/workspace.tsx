import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { connectPluginSocket, connectSocket } from '../api/socket-client.ts';
import type { Me } from '../api/types.ts';
import { pluginForRoute, type WebPluginContext, type WebPlugin } from '../plugin-host.ts';
import { lazyPage } from './lazy-page.tsx';
import { navigate, useHashRoute } from './hash-route.ts';
import { useNavBadges } from './nav-badges.ts';
import { NavMenu } from './nav-menu.tsx';
import { PasswordDialog } from './password-dialog.tsx';
import { PluginsContext, peoplePlugin } from './plugins-context.ts';
import { SharesPage } from './shares-page.tsx';
import { ShellContext } from './shell-context.ts';
import type { ToastStore } from './toast-store.ts';
import { TopBar } from './top-bar.tsx';
import { useContacts } from './use-contacts.ts';
import { useInbox } from './use-inbox.ts';

// Contacts and invites: fetched on first visit (its own chunk), like plugin pages.
const ContactsPage = lazyPage(() => import('./contacts-page.tsx').then((m) => m.ContactsPage));

/** The logged-in layout: top bar, navigation, the routed page; owns the socket and the live inbox. */
export function Workspace(props: {
  api: ApiClient;
  token: string;
  user: Me;
  plugins: readonly WebPlugin[];
  toasts: ToastStore;
  onLogout: () => void;
  onUnauthorized: () => void;
}) {
  const { api, user, plugins, toasts } = props;
  const [socket] = useState(() => connectSocket(props.token, { onUnauthorized: props.onUnauthorized }));
  const [connected, setConnected] = useState(socket.connected);
  useEffect(() => {
    const up = () => setConnected(true);
    const down = () => setConnected(false);
    socket.on('connect', up);
    socket.on('disconnect', down);
    return () => {
      socket.off('connect', up);
      socket.off('disconnect', down);
      socket.disconnect();
    };
  }, [socket]);

  const [changingPassword, setChangingPassword] = useState(false);
  const inbox = useInbox(api, socket, toasts);
  // Kept here, not in the contacts page: "X is now one of your contacts" reaches the user on every page.
  const contacts = useContacts(api, socket, toasts);
  const route = useHashRoute();
  const [first = 'shares', ...rest] = route.segments;
  // One context object per session (not per render): plugins may keep it in effects' dependencies.
  const { token, onUnauthorized } = props;
  const ctx = useMemo<WebPluginContext>(
    () => ({
      api,
      socket,
      user,
      navigate,
      toast: toasts,
      pluginSocket: (id) => connectPluginSocket(id, token, { onUnauthorized }),
    }),
    [api, socket, user, toasts, token, onUnauthorized],
  );
  const plugin = pluginForRoute(plugins, first);
  // With a plugin that is the place for people (the address book) and runs on this server, #/contacts (invite
  // links) leads there and the shell's Contacts page leaves the navigation; null while that is being asked.
  const people = peoplePlugin(plugins)?.people ?? null;
  const [peopleOn, setPeopleOn] = useState<boolean | null>(people ? null : false);
  useEffect(() => {
    if (!people) return setPeopleOn(false);
    let live = true;
    people.available(api).then(
      (ok) => live && setPeopleOn(ok),
      () => live && setPeopleOn(false),
    );
    return () => void (live = false);
  }, [people, api]);
  const peopleHref = first === 'contacts' && people && peopleOn ? people.href(route.query) : null;
  useEffect(() => {
    if (!peopleHref) return;
    history.replaceState(null, '', peopleHref);
    dispatchEvent(new HashChangeEvent('hashchange'));
  }, [peopleHref]);
  const title = plugin?.title ?? (first === 'contacts' ? 'Contacts' : first === 'shares' ? 'Shares' : 'Not found');
  // Plugins' navigation badges (unread messages, …) also show in the tab's title, seen from other tabs.
  const badges = useNavBadges();
  const waiting = [...badges.values()].reduce((n, b) => n + b.count, 0);
  useEffect(() => {
    document.title = `${waiting ? `(${waiting}) ` : ''}${title} · Meshwork`;
  }, [title, waiting]);
  // Moving to another page puts focus at its start (screen readers then read the new page), not on the first load.
  const mainRef = useRef<HTMLElement>(null);
  const lastPage = useRef(first);
  useEffect(() => {
    if (lastPage.current === first) return;
    lastPage.current = first;
    mainRef.current?.focus({ preventScroll: false });
  }, [first]);

  let page;
  if (plugin) page = <plugin.Page {...ctx} path={rest} query={route.query} />;
  else if (first === 'shares') page = <SharesPage inbox={inbox} plugins={plugins} ctx={ctx} />;
  else if (first === 'contacts' && !peopleHref)
    page = <ContactsPage api={api} contacts={contacts} query={route.query} />;
  else if (peopleHref) page = null;
  else
    page = (
      <section class="page">
        <h1>Page not found</h1>
        <p class="empty">
          There is nothing at this address. <a href="#/shares">Go to your shares</a>.
        </p>
      </section>
    );

  const pending = inbox.incoming.filter((s) => s.state === 'pending').length;
  return (
    <ShellContext.Provider value={ctx}>
      <PluginsContext.Provider value={plugins}>
        <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), mainRef.current?.focus())}>
          Skip to content
        </a>
        <div class="layout">
          <TopBar
            user={user}
            connected={connected}
            onLogout={props.onLogout}
            onChangePassword={() => setChangingPassword(true)}
          />
          <PasswordDialog
            api={api}
            open={changingPassword}
            onClose={() => setChangingPassword(false)}
            onChanged={() => toasts.success('Your password is changed. Your other devices were logged out.')}
          />
          <div class="layout-body">
            <NavMenu current={first} plugins={plugins} pending={pending} contacts={peopleOn === false} />
            <main id="main" class="content" tabIndex={-1} ref={mainRef}>
              {page}
            </main>
          </div>
          {plugins.map((p) => (p.Background ? <p.Background key={p.id} {...ctx} /> : null))}
        </div>
      </PluginsContext.Provider>
    </ShellContext.Provider>
  );
}
