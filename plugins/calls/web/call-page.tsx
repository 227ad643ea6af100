import { useEffect, useState } from 'preact/hooks';
import { describeCode, describeError, hashHref, type PluginPageProps } from '#web-sdk';
import type { RoomDetail, RoomSummary } from '../../chat/public-api.ts';
import type { CallState, CallView } from '../shared.ts';
import { CallScreen } from './call-screen.tsx';
import { callsStore, inCall, useCalls } from './calls-store.ts';
import { Icon } from './icons.tsx';
import { Lobby } from './lobby.tsx';

/** A room's title: its name, or the other person for a one-to-one conversation. */
export function roomTitle(room: Pick<RoomDetail, 'kind' | 'name' | 'peer' | 'members'>, me: string): string {
  if (room.kind !== 'direct') return room.name;
  const other = room.members.find((m) => m.address !== me);
  return other?.displayName ?? room.peer ?? 'Conversation';
}

/** `#/calls`: the calls going on in the user's rooms. `#/calls/<roomId>`: that room's call (lobby, then call). */
export function CallPage(props: PluginPageProps) {
  const roomId = props.path[0] ?? null;
  return roomId ? <RoomCall key={roomId} {...props} roomId={roomId} /> : <CallList {...props} />;
}

function RoomCall(props: PluginPageProps & { roomId: string }) {
  const { api, user, roomId } = props;
  const snap = useCalls();
  const [room, setRoom] = useState<RoomDetail | null>(null);
  const [call, setCall] = useState<CallState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.request<RoomDetail>('GET', `/chat/rooms/${encodeURIComponent(roomId)}`).then(
      (r) => {
        setRoom(r);
        setCall(r.call);
      },
      (err) => setError(describeError(err)),
    );
  }, [roomId]);
  useEffect(() => {
    const s = snap.socket;
    if (!s) return;
    const on = (v: CallView) => v.roomId === roomId && setCall(v.call);
    s.on('call', on);
    return () => void s.off('call', on);
  }, [snap.socket, roomId]);

  const mine = snap.client && snap.call?.roomId === roomId ? snap.call : null;
  const back = () => props.navigate(hashHref('chat', roomId));
  if (!room)
    return (
      <section class="call-loading">
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : (
          <p class="empty">Loading…</p>
        )}
      </section>
    );
  const title = roomTitle(room, user.address);
  if (mine && snap.client && inCall(mine) && mine.phase !== 'joining')
    return (
      <CallScreen
        client={snap.client}
        state={mine}
        title={title}
        myServer={user.server}
        canEnd={room.kind === 'direct' || room.myRole !== 'member' || mine.call?.startedBy === user.address}
        onLeft={back}
      />
    );
  const ended = mine && (mine.phase === 'ended' || mine.phase === 'failed') ? mine.message : null;
  return (
    <Lobby
      title={title}
      myName={user.displayName}
      myAddress={user.address}
      call={call}
      busy={busy || mine?.phase === 'joining'}
      error={error ?? ended}
      onBack={back}
      onJoin={(opts) => {
        setBusy(true);
        setError(null);
        callsStore.dismiss();
        callsStore
          .join(roomId, call?.callId ?? null, opts, title)
          .catch((err: Error & { code?: string }) =>
            setError(err.code ? describeCode(err.code, err.message) : err.message || 'The call could not be joined.'),
          )
          .finally(() => setBusy(false));
      }}
    />
  );
}

function CallList(props: PluginPageProps) {
  const [rooms, setRooms] = useState<RoomSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const snap = useCalls();
  const load = () =>
    props.api.request<RoomSummary[]>('GET', '/chat/rooms').then(setRooms, (err) => setError(describeError(err)));
  useEffect(() => void load(), []);
  useEffect(() => {
    const s = snap.socket;
    if (!s) return;
    const on = (v: CallView) => setRooms((l) => l?.map((r) => (r.id === v.roomId ? { ...r, call: v.call } : r)) ?? l);
    s.on('call', on);
    return () => void s.off('call', on);
  }, [snap.socket]);
  const live = (rooms ?? []).filter((r) => r.call);
  return (
    <section class="call-list-page">
      <h1>Calls</h1>
      <p class="muted">
        Calls happen in chat rooms. Open a room in Chat and press <strong>Call</strong>, or join a call going on below.
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {rooms && live.length === 0 && <p class="empty">No calls going on in your rooms right now.</p>}
      <ul class="call-list">
        {live.map((r) => (
          <li key={r.id} class="panel call-list-item" data-testid="ongoing-call">
            <span class="call-live-dot" aria-hidden="true" />
            <span class="call-list-text">
              <strong>{r.kind === 'direct' ? (r.peer ?? 'Conversation') : `# ${r.name}`}</strong>
              <span class="muted">
                {r.call?.participants.length} in the call · {r.call?.mode === 'sfu' ? 'media servers' : 'peer-to-peer'}
              </span>
            </span>
            <a class="btn btn-primary btn-small" href={hashHref('calls', r.id)}>
              <Icon name="video" size={16} /> {snap.call?.roomId === r.id && inCall(snap.call) ? 'Return' : 'Join'}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
