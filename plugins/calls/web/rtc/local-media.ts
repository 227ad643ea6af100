/** Sending quality: `standard` 640×360 at 24 fps, `low` 320×180 at 15 fps (saves bandwidth and CPU). */
export type VideoQuality = 'standard' | 'low';

const QUALITY_KEY = 'meshwork.calls.quality';
const DEVICE_KEY = 'meshwork.calls.devices';

/** The user's sending quality (remembered in this browser). */
export function videoQuality(): VideoQuality {
  try {
    return localStorage.getItem(QUALITY_KEY) === 'low' ? 'low' : 'standard';
  } catch {
    return 'standard';
  }
}

/** Remembers the sending quality. */
export function setVideoQuality(q: VideoQuality): void {
  try {
    localStorage.setItem(QUALITY_KEY, q);
  } catch {
    // private mode: not remembered
  }
}

/** The devices the user picked last time (by id), if any. */
export function preferredDevices(): { audio?: string; video?: string } {
  try {
    return JSON.parse(localStorage.getItem(DEVICE_KEY) ?? '{}') as { audio?: string; video?: string };
  } catch {
    return {};
  }
}

function rememberDevice(kind: 'audio' | 'video', id: string): void {
  try {
    localStorage.setItem(DEVICE_KEY, JSON.stringify({ ...preferredDevices(), [kind]: id }));
  } catch {
    // not remembered
  }
}

function videoConstraints(deviceId?: string): MediaTrackConstraints {
  const low = videoQuality() === 'low';
  return {
    width: { ideal: low ? 320 : 640 },
    height: { ideal: low ? 180 : 360 },
    frameRate: { ideal: low ? 15 : 24 },
    ...(deviceId ? { deviceId: { ideal: deviceId } } : {}),
  };
}

function audioConstraints(deviceId?: string): MediaTrackConstraints {
  return { echoCancellation: true, noiseSuppression: true, ...(deviceId ? { deviceId: { ideal: deviceId } } : {}) };
}

/**
 * The user's microphone, camera and screen: one stream whose tracks every connection sends. Turning the camera
 * or microphone off disables the track (connections keep their senders, so nothing is renegotiated); a screen
 * share replaces the camera track on every sender and puts it back when the share ends.
 */
export class LocalMedia {
  stream: MediaStream | null = null;
  camera: MediaStreamTrack | null = null;
  screen: MediaStreamTrack | null = null;
  /** Why a device is missing (plain words), if one is. */
  problem: string | null = null;

  /** Opens microphone and camera (each optional: a call works with either, or neither). */
  async open(): Promise<MediaStream> {
    if (this.stream) return this.stream;
    const pref = preferredDevices();
    const tracks: MediaStreamTrack[] = [];
    const problems: string[] = [];
    for (const kind of ['audio', 'video'] as const) {
      try {
        const s = await navigator.mediaDevices.getUserMedia(
          kind === 'audio' ? { audio: audioConstraints(pref.audio) } : { video: videoConstraints(pref.video) },
        );
        tracks.push(...s.getTracks());
      } catch (err) {
        problems.push(kind === 'audio' ? 'no microphone' : 'no camera');
        void err;
      }
    }
    this.problem = problems.length ? `Joined with ${problems.join(' and ')} (not found or not allowed).` : null;
    this.stream = new MediaStream(tracks);
    this.camera = this.stream.getVideoTracks()[0] ?? null;
    return this.stream;
  }

  track(kind: 'audio' | 'video'): MediaStreamTrack | null {
    return this.stream?.getTracks().find((t) => t.kind === kind) ?? null;
  }

  /** Mutes or unmutes a kind; false when there is no such device. */
  enable(kind: 'audio' | 'video', on: boolean): boolean {
    const t = kind === 'video' ? (this.screen ?? this.camera) : this.track('audio');
    if (!t) return false;
    t.enabled = on;
    if (kind === 'video' && this.camera && this.screen) this.camera.enabled = on;
    return true;
  }

  /** The input devices, for the settings dialog. */
  async devices(): Promise<{ audio: MediaDeviceInfo[]; video: MediaDeviceInfo[] }> {
    const all = await navigator.mediaDevices.enumerateDevices();
    return { audio: all.filter((d) => d.kind === 'audioinput'), video: all.filter((d) => d.kind === 'videoinput') };
  }

  /** Switches to another microphone or camera; returns the new track (the caller replaces it on senders). */
  async switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack | null> {
    const s = await navigator.mediaDevices.getUserMedia(
      kind === 'audio' ? { audio: audioConstraints(deviceId) } : { video: videoConstraints(deviceId) },
    );
    const track = s.getTracks()[0] ?? null;
    if (!track || !this.stream) return null;
    const old = kind === 'video' ? this.camera : this.track('audio');
    if (old) {
      track.enabled = old.enabled;
      this.stream.removeTrack(old);
      old.stop();
    }
    rememberDevice(kind, deviceId);
    if (kind === 'video') {
      this.camera = track;
      if (this.screen) return null; // the screen keeps being sent; the camera comes back after
    }
    this.stream.addTrack(track);
    return track;
  }

  /** Starts sharing the screen; returns the track to send instead of the camera. */
  async startScreen(onEnded: () => void): Promise<MediaStreamTrack | null> {
    const s = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    const track = s.getVideoTracks()[0] ?? null;
    if (!track || !this.stream) return null;
    this.screen = track;
    track.onended = onEnded;
    if (this.camera) this.stream.removeTrack(this.camera);
    this.stream.addTrack(track);
    return track;
  }

  /** Stops the screen share; returns the camera track to send again. */
  stopScreen(): MediaStreamTrack | null {
    if (!this.screen || !this.stream) return this.camera;
    this.stream.removeTrack(this.screen);
    this.screen.stop();
    this.screen = null;
    if (this.camera) this.stream.addTrack(this.camera);
    return this.camera;
  }

  /** Releases the devices. */
  close(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.camera?.stop();
    this.stream = null;
    this.camera = null;
    this.screen = null;
  }
}
