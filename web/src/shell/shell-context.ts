import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import type { ApiClient } from '../api/api-client.ts';
import type { EventMap } from '../api/socket-client.ts';
import type { Me } from '../api/types.ts';
import type { Toaster, WebPluginContext } from '../plugin-host.ts';

/** The logged-in shell's context; the workspace provides it around every page. */
export const ShellContext = createContext<WebPluginContext | null>(null);

/** The shell's context (API, sockets, user, routing, toasts) from any component below a page. */
export function useShell(): WebPluginContext {
  const ctx = useContext(ShellContext);
  if (!ctx) throw new Error('useShell() is only available inside the Meshwork workspace');
  return ctx;
}

/** The typed API client of the logged-in user. */
export function useApi(): ApiClient {
  return useShell().api;
}

/** The toasts (info, success, error). */
export function useToast(): Toaster {
  return useShell().toast;
}

/** The logged-in user (id, display name, OCM address, server). */
export function useUser(): Me {
  return useShell().user;
}

/**
 * Opens the plugin's own authenticated socket.io namespace (`/<pluginId>`) for as long as the component is mounted,
 * typed by the plugin's event maps; it is disconnected on unmount.
 */
export function usePluginSocket<S2C extends EventMap, C2S extends EventMap = Record<never, never>>(
  pluginId: string,
): Socket<S2C, C2S> {
  const ctx = useShell();
  const [socket] = useState(() => ctx.pluginSocket<S2C, C2S>(pluginId));
  useEffect(() => () => void socket.disconnect(), [socket]);
  return socket;
}

/** Whether a socket is connected right now, re-rendering when it connects or drops. */
export function useConnected(socket: Pick<Socket, 'connected' | 'on' | 'off'>): boolean {
  const [connected, setConnected] = useState(socket.connected);
  useEffect(() => {
    const up = () => setConnected(true);
    const down = () => setConnected(false);
    socket.on('connect', up);
    socket.on('disconnect', down);
    setConnected(socket.connected);
    return () => {
      socket.off('connect', up);
      socket.off('disconnect', down);
    };
  }, [socket]);
  return connected;
}
