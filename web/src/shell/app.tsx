import { useCallback, useMemo, useRef, useState, useEffect } from 'preact/hooks';
import { HttpApiClient } from '../api/api-client.ts';
import { loadToken, saveToken } from '../api/session-store.ts';
import type { Me } from '../api/types.ts';
import type { WebPlugin } from '../plugin-host.ts';
import { LoginPage } from './login-page.tsx';
import { ToastStore } from './toast-store.ts';
import { Toasts } from './toasts.tsx';
import { Workspace } from './workspace.tsx';

/**
 * The built-in web parts the session's server runs (its `plugins` in `GET /me`; all of them for a server that does
 * not say), then the rest (parts of plugins enabled by configuration, which the server lists only when they run).
 */
function runningPlugins(plugins: readonly WebPlugin[], builtIn: ReadonlySet<string>, user: Me): WebPlugin[] {
  const running = user.plugins ? new Set(user.plugins) : null;
  return plugins.filter((p) => !running || running.has(p.id) || !builtIn.has(p.id));
}

/** The whole app: restores or asks for a session, then shows the workspace. */
export function App(props: { plugins: readonly WebPlugin[]; builtIn?: ReadonlySet<string> }) {
  const [session, setSession] = useState<{ token: string; user: Me } | null>(null);
  const [checking, setChecking] = useState(() => loadToken() !== null);
  const [notice, setNotice] = useState<string | null>(null);
  const token = useRef<string | null>(loadToken());
  const toasts = useMemo(() => new ToastStore(), []);
  const { plugins, builtIn } = props;
  const shown = useMemo(
    () => (session ? runningPlugins(plugins, builtIn ?? new Set(), session.user) : plugins),
    [plugins, builtIn, session],
  );

  const endSession = useCallback((message: string | null) => {
    token.current = null;
    saveToken(null);
    setSession(null);
    setNotice(message);
  }, []);
  const api = useMemo(
    () =>
      new HttpApiClient({
        token: () => token.current,
        expired: () => endSession('Your session has ended. Please log in again.'),
      }),
    [endSession],
  );

  useEffect(() => {
    if (!token.current) return;
    const t = token.current;
    api
      .me()
      .then(
        (user) => setSession({ token: t, user }),
        () => undefined,
      )
      .finally(() => setChecking(false));
  }, [api]);

  const onLogin = useCallback((t: string, user: Me) => {
    token.current = t;
    saveToken(t);
    setNotice(null);
    setSession({ token: t, user });
  }, []);
  const onUnauthorized = useCallback(() => endSession('Your session has ended. Please log in again.'), [endSession]);
  const onLogout = useCallback(async () => {
    await api.logout().catch(() => undefined);
    endSession('You are logged out.');
  }, [api, endSession]);

  if (checking)
    return (
      <p class="splash" role="status">
        Loading Meshwork…
      </p>
    );
  return (
    <>
      {session ? (
        <Workspace
          key={session.token}
          api={api}
          token={session.token}
          user={session.user}
          plugins={shown}
          toasts={toasts}
          onLogout={onLogout}
          onUnauthorized={onUnauthorized}
        />
      ) : (
        <LoginPage api={api} notice={notice} onLogin={onLogin} />
      )}
      <Toasts store={toasts} />
    </>
  );
}
