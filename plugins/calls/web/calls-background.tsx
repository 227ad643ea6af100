import { useEffect, useState } from 'preact/hooks';
import { hashHref, useHashRoute, type WebPluginContext } from '#web-sdk';
import type { CallsClientToServer, CallsServerToClient } from '../shared.ts';
import { callsStore, inCall, useCalls, type Ringing } from './calls-store.ts';
import { Icon } from './icons.tsx';
import type { CallsSocket } from './rtc/call-state.ts';
import { hue, initials } from './video-tile.tsx';

/**
 * Always mounted while logged in: holds the /calls socket, rings for one-to-one calls wherever the user is
 * (accept, decline), and shows a "return to call" bar while a call goes on and the user reads another page.
 */
export function CallsBackground(ctx: WebPluginContext) {
  const snap = useCalls();
  const route = useHashRoute();
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    const socket = ctx.pluginSocket<CallsServerToClient, CallsClientToServer>('calls') as CallsSocket;
    const ring = (r: Ringing) => callsStore.ring(r);
    const stop = (r: { callId: string }) => callsStore.stopRinging(r.callId);
    socket.on('ring', ring);
    socket.on('ringStop', stop);
    callsStore.setSocket(socket, ctx.user.address);
    return () => {
      socket.off('ring', ring);
      socket.off('ringStop', stop);
      callsStore.setSocket(null, ctx.user.address);
      socket.disconnect();
    };
  }, []);

  const onCallPage = route.segments[0] === 'calls' && route.segments[1] === snap.call?.roomId;
  const accept = async (r: Ringing, video: boolean) => {
    setBusy(r.callId);
    callsStore.dismiss();
    ctx.navigate(hashHref('calls', r.roomId));
    try {
      await callsStore.join(r.roomId, r.callId, { audio: true, video }, r.fromName);
    } catch {
      ctx.toast.error('The call could not be joined; it may have ended.');
    } finally {
      setBusy(null);
    }
  };
  const decline = (r: Ringing) => {
    callsStore.stopRinging(r.callId);
    void snap.socket
      ?.timeout(8000)
      .emitWithAck('decline', { roomId: r.roomId, callId: r.callId })
      .catch(() => undefined);
  };

  return (
    <>
      {snap.ringing.length > 0 && (
        <div class="call-rings">
          {snap.ringing.map((r) => (
            <div
              key={r.callId}
              class="call-ring"
              role="alertdialog"
              aria-label={`${r.fromName} is calling`}
              data-testid="incoming-call"
            >
              <span class="call-ring-avatar" style={{ '--hue': String(hue(r.from)) }} aria-hidden="true">
                {initials(r.fromName)}
              </span>
              <div class="call-ring-text">
                <strong>{r.fromName}</strong>
                <span>is calling you{r.video ? ' (video)' : ''}</span>
              </div>
              <div class="call-ring-actions">
                <button
                  type="button"
                  class="call-ring-btn call-ring-decline"
                  aria-label="Decline"
                  onClick={() => decline(r)}
                >
                  <Icon name="hangup" size={20} />
                </button>
                <button
                  type="button"
                  class="call-ring-btn call-ring-accept"
                  aria-label="Accept"
                  disabled={busy === r.callId}
                  onClick={() => void accept(r, true)}
                >
                  <Icon name="video" size={20} />
                </button>
              </div>
            </div>
          ))}
        </div>
      )}
      {snap.call && inCall(snap.call) && !onCallPage && (
        <div class="call-pill" role="region" aria-label="Call in progress" data-testid="call-pill">
          <span class="call-live-dot" aria-hidden="true" />
          <span class="call-pill-text">In a call · {snap.title}</span>
          <a class="btn btn-small btn-primary" href={hashHref('calls', snap.call.roomId ?? '')}>
            Return to call
          </a>
          <button type="button" class="btn btn-small btn-danger" onClick={() => void snap.client?.leave()}>
            Leave
          </button>
        </div>
      )}
    </>
  );
}
