// Types for the parts of janode (ESM, no bundled types) the Janus adapter uses.
declare module 'janode' {
  import type { EventEmitter } from 'node:events';

  export interface Jsep {
    type: 'offer' | 'answer';
    sdp: string;
  }
  export interface VideoRoomHandle extends EventEmitter {
    create(p: Record<string, unknown>): Promise<unknown>;
    destroy(p: { room: number; secret?: string }): Promise<unknown>;
    joinConfigurePublisher(p: Record<string, unknown>): Promise<{ feed?: number; jsep?: Jsep }>;
    joinSubscriber(p: Record<string, unknown>): Promise<{ jsep?: Jsep }>;
    start(p: { jsep: Jsep }): Promise<unknown>;
    trickle(c: unknown): Promise<unknown>;
    trickleComplete(): Promise<unknown>;
    detach(): Promise<unknown>;
  }
  export interface JanodeSession extends EventEmitter {
    attach(plugin: unknown): Promise<VideoRoomHandle>;
    destroy(): Promise<unknown>;
  }
  export interface JanodeConnection extends EventEmitter {
    create(keepAliveSecs?: number): Promise<JanodeSession>;
    close(): Promise<unknown>;
  }
  const Janode: {
    connect(config: {
      address: { url: string; apisecret?: string } | Array<{ url: string; apisecret?: string }>;
      retry_time_secs?: number;
      max_retries?: number;
    }): Promise<JanodeConnection>;
    EVENT: { CONNECTION_CLOSED: string; CONNECTION_ERROR: string; HANDLE_HANGUP: string; HANDLE_WEBRTCUP: string };
    Logger: { setLevel(level: string): string };
  };
  export default Janode;
}

declare module 'janode/plugins/videoroom' {
  const VideoRoomPlugin: { Handle: unknown; EVENT: Record<string, string>; id: string };
  export default VideoRoomPlugin;
}
