import { useCallback, useMemo, useRef, useState, useEffect } from 'preact/hooks';
import { HttpApiClient } from '../api/api-client.ts';
import { loadToken, saveToken } from '../api/session-store.ts';
import type { Me } from '../api/types.ts';
import type { WebPlugin } from '../plugin-host.ts';
import { LoginPage } from './login-page.tsx';
import { ToastStore } from './toast-store.ts';
import { Toasts } from './toasts.tsx';
import { Workspace } from './workspace.tsx';

/** The whole app: restores or asks for a session, then shows the workspace. */
export function App(props: { plugins: readonly WebPlugin[] }) {
  const [session, setSession] = useState<{ token: string; user: Me } | null>(null);
  const [checking, setChecking] = useState(() => loadToken() !== null);
  const [notice, setNotice] = useState<string | null>(null);
  const token = useRef<string | null>(loadToken());
  const toasts = useMemo(() => new ToastStore(), []);

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
          plugins={props.plugins}
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
