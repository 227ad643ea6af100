import { useEffect, useRef } from 'preact/hooks';
import { Icon } from './icons.tsx';

/** Initials for a name ("Alice Liddell" → "AL"). */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase();
}

/** A stable hue per address, so a person's avatar keeps its colour. */
export function hue(address: string): number {
  let h = 0;
  for (const c of address) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

/** What a tile shows about one person. */
export interface TileProps {
  address: string;
  name: string;
  stream: MediaStream | null;
  me: boolean;
  /** The person's account is on another server than the viewer's. */
  remoteServer: string | null;
  audio: boolean;
  video: boolean;
  screen: boolean;
  speaking: boolean;
  state: 'connecting' | 'connected' | 'failed' | 'closed';
  big?: boolean;
}

/**
 * One participant: their video (or their initials when the camera is off), name, server, microphone state and a
 * ring while they speak. The video element always plays the stream, so the person's audio is heard even with
 * their camera off (muted for one's own tile).
 */
export function VideoTile(p: TileProps) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || el.srcObject === p.stream) return;
    el.srcObject = p.stream;
    if (p.stream) void el.play().catch(() => undefined);
  }, [p.stream]);
  const showVideo = p.stream !== null && (p.video || p.screen);
  const waiting = !p.me && p.state !== 'connected';
  return (
    <figure
      class={`call-tile${p.speaking ? ' call-tile-speaking' : ''}${p.big ? ' call-tile-big' : ''}${p.screen ? ' call-tile-screen' : ''}`}
      data-testid="call-tile"
      data-address={p.address}
      data-me={p.me}
      data-audio={p.audio}
      data-video={p.video}
      data-speaking={p.speaking}
      data-state={p.state}
    >
      <video
        ref={ref}
        autoPlay
        playsInline
        muted={p.me}
        class={`${showVideo ? '' : 'call-video-hidden'}${p.me && !p.screen ? ' call-mirror' : ''}`}
        data-testid={p.me ? 'local-video' : 'remote-video'}
        data-address={p.address}
      />
      {!showVideo && (
        <div class="call-avatar" style={{ '--hue': String(hue(p.address)) }} aria-hidden="true">
          {initials(p.name)}
        </div>
      )}
      {waiting && (
        <span class="call-tile-status" role="status">
          {p.state === 'failed' ? 'Reconnecting…' : 'Connecting…'}
        </span>
      )}
      <figcaption class="call-tile-name">
        {!p.audio && (
          <span class="call-muted" role="img" aria-label="microphone off" data-testid="muted">
            <Icon name="micOff" size={14} />
          </span>
        )}
        <span class="call-tile-label">
          {p.name}
          {p.me ? ' (you)' : ''}
        </span>
        {p.screen && <span class="call-tag">presenting</span>}
        {p.remoteServer && (
          <span class="call-tag call-tag-remote" title={`Account on ${p.remoteServer}`}>
            {p.remoteServer}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
