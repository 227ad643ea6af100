import type { ApiClient } from '#web-sdk';
import { newClientId } from '../client/client-id.ts';
import type { ActResult, ChatAction, RoomDetail, RoomSummary, TimelinePage } from '../shared.ts';

const seg = encodeURIComponent;

/** The chat REST API (`/api/v1/chat`) over the shell's authenticated client. */
export class ChatApi {
  readonly #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** The user's rooms with unread counts. */
  rooms(): Promise<RoomSummary[]> {
    return this.#api.request('GET', '/chat/rooms');
  }

  /** One room with its members. */
  room(id: string): Promise<RoomDetail> {
    return this.#api.request('GET', `/chat/rooms/${seg(id)}`);
  }

  /** Creates a group room or a one-to-one conversation. */
  create(input: {
    kind: 'group' | 'direct';
    name?: string;
    topic?: string;
    members: string[];
  }): Promise<{ room: RoomSummary; failed: Array<{ address: string; message: string }> }> {
    return this.#api.request('POST', '/chat/rooms', input);
  }

  /** A page of history before a seq (or the latest page). */
  history(id: string, before: number | null, limit = 40): Promise<TimelinePage> {
    return this.#api.request(
      'GET',
      `/chat/rooms/${seg(id)}/history?limit=${limit}${before === null ? '' : `&before=${before}`}`,
    );
  }

  /** Messages containing a text, newest first. */
  search(id: string, q: string): Promise<TimelinePage> {
    return this.#api.request('GET', `/chat/rooms/${seg(id)}/search?q=${seg(q)}&limit=50`);
  }

  /** Any action (member changes, rename); messages go over the socket. */
  act(id: string, action: ChatAction): Promise<ActResult> {
    return this.#api.request('POST', `/chat/rooms/${seg(id)}/actions`, { clientMsgId: newClientId(), action });
  }

  /** Mutes or unmutes the room's desktop notifications for the user. */
  mute(id: string, muted: boolean): Promise<RoomSummary> {
    return this.#api.request('PUT', `/chat/rooms/${seg(id)}/mute`, { muted });
  }

  /** The room an accepted room invitation (incoming share) leads to, by its id on this server. */
  async roomForShare(shareId: string): Promise<string> {
    return (await this.#api.request<{ roomId: string }>('GET', `/chat/rooms/for-share/${seg(shareId)}`)).roomId;
  }

  /** Uploads a file into a room: stored in the user's files, shared with the members, posted as a message. */
  async attach(id: string, file: File): Promise<void> {
    const q = `name=${seg(file.name)}&clientMsgId=${seg(newClientId())}`;
    const res = await fetch(`/api/v1/chat/rooms/${seg(id)}/attachments?${q}`, {
      method: 'POST',
      // Never JSON: the API's JSON parser would take the body.
      headers: { ...this.#api.authHeaders(), 'content-type': 'application/octet-stream' },
      body: file,
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      throw new Error(body.message ?? `the file could not be sent (${res.status})`);
    }
  }
}
