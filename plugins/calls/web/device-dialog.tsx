import { useEffect, useState } from 'preact/hooks';
import { ModalDialog } from '#web-sdk';
import { setVideoQuality, videoQuality, type LocalMedia, type VideoQuality } from './rtc/local-media.ts';

/** Microphone and camera choice and the sending quality. */
export function DeviceDialog(props: {
  open: boolean;
  media: LocalMedia;
  onSwitch: (kind: 'audio' | 'video', deviceId: string) => Promise<void>;
  onClose: () => void;
}) {
  const [devices, setDevices] = useState<{ audio: MediaDeviceInfo[]; video: MediaDeviceInfo[] }>({
    audio: [],
    video: [],
  });
  const [quality, setQuality] = useState<VideoQuality>(videoQuality());
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (props.open) props.media.devices().then(setDevices, () => setError('Your devices could not be listed.'));
  }, [props.open]);
  const current = (kind: 'audio' | 'video') =>
    (kind === 'audio' ? props.media.track('audio') : props.media.camera)?.getSettings().deviceId ?? '';
  const pick = (kind: 'audio' | 'video') => (e: Event) => {
    setError(null);
    props
      .onSwitch(kind, (e.target as HTMLSelectElement).value)
      .catch(() => setError('That device could not be opened.'));
  };
  return (
    <ModalDialog open={props.open} title="Audio and video" onClose={props.onClose}>
      <div class="call-devices">
        <label>
          Microphone
          <select onChange={pick('audio')} value={current('audio')}>
            {devices.audio.map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label || `Microphone ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Camera
          <select onChange={pick('video')} value={current('video')}>
            {devices.video.map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label || `Camera ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Video quality you send
          <select
            value={quality}
            onChange={(e) => {
              const q = (e.target as HTMLSelectElement).value as VideoQuality;
              setQuality(q);
              setVideoQuality(q);
            }}
          >
            <option value="standard">Standard (640×360)</option>
            <option value="low">Data saver (320×180), from the next call</option>
          </select>
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="modal-actions">
          <button type="button" class="btn btn-primary" onClick={props.onClose}>
            Done
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
