import { useEffect, useState } from 'preact/hooks';
import { ConfirmDialog } from '#web-sdk';
import { DeviceDialog } from './device-dialog.tsx';
import { Icon } from './icons.tsx';
import { ParticipantList, type PersonRow } from './participant-list.tsx';
import type { CallClient } from './rtc/call-client.ts';
import type { CallClientState } from './rtc/call-state.ts';
import { VideoTile, type TileProps } from './video-tile.tsx';

function hostOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(s % 60).padStart(2, '0')}`;
}

/** A toggle in the control bar. */
function Control(p: {
  label: string;
  icon: Parameters<typeof Icon>[0]['name'];
  on?: boolean;
  danger?: boolean;
  onClick: () => void;
  pressed?: boolean;
}) {
  return (
    <button
      type="button"
      class={`call-control${p.on === false ? ' call-control-off' : ''}${p.danger ? ' call-control-danger' : ''}`}
      aria-label={p.label}
      title={p.label}
      aria-pressed={p.pressed}
      onClick={p.onClick}
    >
      <Icon name={p.icon} size={22} />
      <span class="call-control-label">{p.label}</span>
    </button>
  );
}

/**
 * The call: a grid of everyone (or the speaker large with the others in a strip), the participant list, and the
 * controls (microphone, camera, screen, devices, leave, end for everyone).
 */
export function CallScreen(props: {
  client: CallClient;
  state: CallClientState;
  title: string;
  myServer: string;
  canEnd: boolean;
  onLeft: () => void;
}) {
  const { client, state } = props;
  const [layout, setLayout] = useState<'grid' | 'speaker'>('grid');
  const [people, setPeople] = useState(() => window.matchMedia?.('(min-width: 900px)').matches ?? true);
  const [devices, setDevices] = useState(false);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [now, setNow] = useState(Date.now());
  const [focus, setFocus] = useState<string | null>(null);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  // The speaker view follows whoever spoke last (or presents), unless someone was picked.
  const lastSpeaker = state.remotes.find((r) => r.screen) ?? state.remotes.find((r) => r.speaking);
  useEffect(() => {
    if (lastSpeaker) setFocus(lastSpeaker.address);
  }, [lastSpeaker?.address]);

  const me = state.me;
  const tiles: TileProps[] = [
    {
      address: me.address,
      name: 'You',
      stream: me.stream,
      me: true,
      remoteServer: null,
      audio: me.audio,
      video: me.video,
      screen: me.screen,
      speaking: me.speaking,
      state: 'connected',
    },
    ...state.remotes.map((r) => ({
      address: r.address,
      name: r.displayName,
      stream: r.stream,
      me: false,
      remoteServer: hostOf(r.address) === props.myServer ? null : hostOf(r.address),
      audio: r.audio,
      video: r.video,
      screen: r.screen,
      speaking: r.speaking,
      state: r.state,
    })),
  ];
  tiles[0] = {
    ...tiles[0],
    name: state.call?.participants.find((p) => p.address === me.address)?.displayName ?? 'You',
  } as TileProps;
  const rows: PersonRow[] = tiles.map((t) => ({
    address: t.address,
    name: t.name,
    me: t.me,
    local: hostOf(t.address) === props.myServer,
    server: hostOf(t.address),
    audio: t.audio,
    video: t.video,
    screen: t.screen,
    speaking: t.speaking,
  }));
  const big = tiles.find((t) => t.address === focus && !t.me) ?? tiles[1] ?? tiles[0];
  const started = state.call?.startedAt ?? now;
  const count = tiles.length;

  return (
    <section
      class={`call call-layout-${layout}`}
      data-testid="call-screen"
      data-phase={state.phase}
      data-mode={state.mode}
      aria-label={`Call in ${props.title}`}
    >
      <header class="call-head">
        <div class="call-head-text">
          <h1>{props.title}</h1>
          <p class="call-meta">
            <span data-testid="call-clock">{clock(now - started)}</span> · {count} {count === 1 ? 'person' : 'people'} ·{' '}
            {state.mode === 'sfu' ? 'through media servers' : 'peer-to-peer'}
          </p>
        </div>
        <div class="call-head-actions" role="group" aria-label="Layout">
          <button
            type="button"
            class="btn btn-small"
            aria-label="Grid"
            aria-pressed={layout === 'grid'}
            onClick={() => setLayout('grid')}
          >
            <Icon name="grid" size={16} /> <span class="call-btn-text">Grid</span>
          </button>
          <button
            type="button"
            class="btn btn-small"
            aria-label="Speaker"
            aria-pressed={layout === 'speaker'}
            onClick={() => setLayout('speaker')}
          >
            <Icon name="speaker" size={16} /> <span class="call-btn-text">Speaker</span>
          </button>
          <button
            type="button"
            class="btn btn-small"
            aria-label={`People (${count})`}
            aria-pressed={people}
            onClick={() => setPeople(!people)}
          >
            <Icon name="people" size={16} /> <span class="call-btn-text">People</span> {count}
          </button>
        </div>
      </header>
      {state.phase === 'reconnecting' && (
        <p class="call-banner" role="status">
          Connection lost. Reconnecting… (media keeps flowing where it can)
        </p>
      )}
      {state.message && state.phase === 'connected' && <p class="call-banner call-banner-soft">{state.message}</p>}
      <div class="call-body">
        {layout === 'grid' ? (
          <div class="call-stage call-grid" data-count={Math.min(count, 9)}>
            {tiles.map((t) => (
              <VideoTile key={t.address} {...t} />
            ))}
          </div>
        ) : (
          <div class="call-stage call-speaker">
            {big && <VideoTile key={`big-${big.address}`} {...big} big />}
            <div class="call-strip">
              {tiles
                .filter((t) => t !== big)
                .map((t) => (
                  <button
                    type="button"
                    key={t.address}
                    class="call-strip-item"
                    onClick={() => setFocus(t.address)}
                    aria-label={`Show ${t.name} large`}
                  >
                    <VideoTile {...t} />
                  </button>
                ))}
            </div>
          </div>
        )}
        {people && <ParticipantList people={rows} onClose={() => setPeople(false)} />}
      </div>
      <footer class="call-controls" aria-label="Call controls">
        <Control
          label={me.audio ? 'Mute' : 'Unmute'}
          icon={me.audio ? 'mic' : 'micOff'}
          on={me.audio}
          pressed={!me.audio}
          onClick={() => void client.setAudio(!me.audio)}
        />
        <Control
          label={me.video ? 'Stop camera' : 'Start camera'}
          icon={me.video ? 'cam' : 'camOff'}
          on={me.video}
          pressed={!me.video}
          onClick={() => void client.setVideo(!me.video)}
        />
        <Control
          label={me.screen ? 'Stop sharing' : 'Share screen'}
          icon="screen"
          pressed={me.screen}
          onClick={() => void client.toggleScreen().catch(() => undefined)}
        />
        <Control label="Devices" icon="settings" onClick={() => setDevices(true)} />
        <Control
          label="Leave"
          icon="hangup"
          danger
          onClick={() => {
            void client.leave();
            props.onLeft();
          }}
        />
        {props.canEnd && (
          <button type="button" class="btn btn-small call-end-all" onClick={() => setConfirmEnd(true)}>
            End for everyone
          </button>
        )}
      </footer>
      <DeviceDialog
        open={devices}
        media={client.media}
        onSwitch={(k, id) => client.switchDevice(k, id)}
        onClose={() => setDevices(false)}
      />
      <ConfirmDialog
        open={confirmEnd}
        title="End the call for everyone?"
        confirmLabel="End call"
        danger
        onCancel={() => setConfirmEnd(false)}
        onConfirm={() => {
          setConfirmEnd(false);
          void client.end();
        }}
      >
        <p>Everyone in the call is disconnected, on every server.</p>
      </ConfirmDialog>
    </section>
  );
}
