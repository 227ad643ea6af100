import { useEffect, useRef, useState } from 'preact/hooks';
import type { CallState } from '../shared.ts';
import { Icon } from './icons.tsx';
import { LocalMedia } from './rtc/local-media.ts';
import { hue, initials } from './video-tile.tsx';

/**
 * Before joining: a preview of one's own camera, microphone and camera switches, who is already in the call, and
 * the button that starts or joins it.
 */
export function Lobby(props: {
  title: string;
  myName: string;
  myAddress: string;
  call: CallState | null;
  busy: boolean;
  error: string | null;
  onJoin: (opts: { audio: boolean; video: boolean }) => void;
  onBack: () => void;
}) {
  const [audio, setAudio] = useState(true);
  const [video, setVideo] = useState(true);
  const [preview, setPreview] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const media = new LocalMedia();
    let live = true;
    media.open().then(
      (s) => {
        if (!live) return media.close();
        setPreview(s);
        setProblem(media.problem);
      },
      () => setProblem('Your camera and microphone could not be opened.'),
    );
    return () => {
      live = false;
      media.close();
    };
  }, []);
  useEffect(() => {
    if (ref.current && preview) {
      ref.current.srcObject = preview;
      void ref.current.play().catch(() => undefined);
    }
    for (const t of preview?.getVideoTracks() ?? []) t.enabled = video;
    for (const t of preview?.getAudioTracks() ?? []) t.enabled = audio;
  }, [preview, video, audio]);

  const names = props.call?.participants.map((p) => p.displayName) ?? [];
  return (
    <section class="call-lobby" data-testid="call-lobby" aria-label={`Join the call in ${props.title}`}>
      <div class="call-preview">
        <video
          ref={ref}
          autoPlay
          playsInline
          muted
          class={`call-mirror${video && preview ? '' : ' call-video-hidden'}`}
        />
        {!(video && preview) && (
          <div class="call-avatar" style={{ '--hue': String(hue(props.myAddress)) }} aria-hidden="true">
            {initials(props.myName)}
          </div>
        )}
        <div class="call-preview-controls">
          <button
            type="button"
            class={`call-control${audio ? '' : ' call-control-off'}`}
            aria-pressed={!audio}
            aria-label={audio ? 'Join muted' : 'Join with microphone'}
            onClick={() => setAudio(!audio)}
          >
            <Icon name={audio ? 'mic' : 'micOff'} size={22} />
          </button>
          <button
            type="button"
            class={`call-control${video ? '' : ' call-control-off'}`}
            aria-pressed={!video}
            aria-label={video ? 'Join without camera' : 'Join with camera'}
            onClick={() => setVideo(!video)}
          >
            <Icon name={video ? 'cam' : 'camOff'} size={22} />
          </button>
        </div>
      </div>
      <div class="call-lobby-side">
        <p class="call-lobby-kicker">
          <Icon name="phone" size={16} /> {props.call ? 'Call in progress' : 'New call'}
        </p>
        <h1>{props.title}</h1>
        <p class="call-lobby-who" data-testid="lobby-who">
          {props.call
            ? `${names.length === 1 ? names[0] + ' is' : names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more are` : ' are')} in the call.`
            : 'Nobody is in a call here yet. Everyone in the room can join once you start.'}
        </p>
        {problem && <p class="call-note">{problem}</p>}
        {props.error && (
          <p class="form-error" role="alert">
            {props.error}
          </p>
        )}
        <div class="call-lobby-actions">
          <button
            type="button"
            class="btn btn-primary call-join"
            disabled={props.busy}
            onClick={() => props.onJoin({ audio, video })}
          >
            {props.busy ? 'Joining…' : props.call ? 'Join call' : 'Start call'}
          </button>
          <button type="button" class="btn" onClick={props.onBack}>
            Back to the room
          </button>
        </div>
      </div>
    </section>
  );
}
