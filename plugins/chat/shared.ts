/**
 * Wire types of the chat plugin, shared by the server, the tests, the benchmark and the web UI.
 * Browser-safe: no Node imports, types and tiny constants only.
 */

import { CALL_EVENT_TYPES, type CallAction, type CallEventData, type CallState } from './call-types.ts';

export type * from './call-types.ts';

/** Who may do what in a room. */
export type Role = 'owner' | 'moderator' | 'member';
/** A group room with a name, or a one-to-one conversation. */
export type RoomKind = 'group' | 'direct';
/** A member's standing; only `joined` members read and post. */
export type MemberState = 'invited' | 'joined' | 'left' | 'removed' | 'declined';

/**
 * A file attached to a message. It stays in the sender's own files (`path` in `owner`'s tree); the sender's server
 * shares its folder read-only with every room member under the name `folder`, so members open it as
 * `Shared with me/<folder>/<name>` through their own server, and the owner's server checks the share.
 */
export interface ChatAttachment {
  name: string;
  size: number;
  mime: string;
  /** The sender's address (the file's owner). */
  owner: string;
  /** The file's path in the owner's tree. */
  path: string;
  /** The name of the shared folder (the share's name, as recipients see it). */
  folder: string;
}

/** The payload of each sequenced event type (call events: see call-types.ts). */
export interface ChatEventData extends CallEventData {
  'room.created': { name: string; topic: string; kind: RoomKind };
  'room.updated': { name?: string; topic?: string };
  'member.invited': { address: string; displayName: string; role: Role };
  'member.joined': { address: string; displayName: string; role: Role };
  'member.left': { address: string };
  'member.removed': { address: string };
  'member.declined': { address: string };
  'member.role': { address: string; role: Role };
  'message.posted': {
    text: string;
    replyTo: string | null;
    mentions: string[];
    redacted?: boolean;
    attachment?: ChatAttachment;
  };
  'message.edited': { target: string; text: string; mentions: string[]; redacted?: boolean };
  'message.deleted': { target: string };
  'reaction.added': { target: string; key: string };
  'reaction.removed': { target: string; key: string };
  'read.marker': { upTo: number };
}

/** Every sequenced event type. */
export type ChatEventType = keyof ChatEventData;

/** Event types that appear as lines of history; edits, deletes, reactions and reads fold into messages. */
export const TIMELINE_TYPES: readonly ChatEventType[] = [
  'room.created',
  'room.updated',
  'member.invited',
  'member.joined',
  'member.left',
  'member.removed',
  'member.declined',
  'member.role',
  'message.posted',
  'call.started',
  'call.ended',
];

/** The event types, for validation: the lines of history and the events that fold into them. */
export const CHAT_EVENT_TYPES: readonly ChatEventType[] = [
  ...new Set<ChatEventType>([
    ...TIMELINE_TYPES,
    'message.edited',
    'message.deleted',
    'reaction.added',
    'reaction.removed',
    'read.marker',
    ...CALL_EVENT_TYPES,
  ]),
];

/**
 * One event of a room's log, ordered by the host's per-room `seq`. `roomId` is the id the reader knows the
 * room by: the local room id for browsers, the host's room id between servers.
 */
export type ChatEvent = {
  [K in ChatEventType]: {
    roomId: string;
    seq: number;
    eventId: string;
    type: K;
    sender: string;
    clientMsgId: string | null;
    ts: number;
    data: ChatEventData[K];
  };
}[ChatEventType];

/** What a member asks the room's host to do; every action carries a client id so retries never double it. */
export type ChatAction =
  | { type: 'post'; text: string; replyTo?: string | null; attachment?: ChatAttachment }
  | { type: 'edit'; target: string; text: string }
  | { type: 'delete'; target: string }
  | { type: 'react'; target: string; key: string; on: boolean }
  | { type: 'read'; upTo: number }
  | { type: 'update'; name?: string; topic?: string }
  | { type: 'addMember'; address: string; role?: Role }
  | { type: 'removeMember'; address: string }
  | { type: 'setRole'; address: string; role: Role }
  | { type: 'leave' }
  /** Call actions come from the calls plugin (its own API and routes), never from a browser's chat action. */
  | { type: 'call'; call: CallAction };

/** A member as clients see it. */
export interface MemberView {
  address: string;
  displayName: string;
  role: Role;
  state: MemberState;
  /** True when the member's account lives on the server answering. */
  local: boolean;
  /** Server of the member's account (`host[:port]`). */
  server: string;
  online: boolean;
}

/** A room in a user's room list. */
export interface RoomSummary {
  id: string;
  kind: RoomKind;
  name: string;
  topic: string;
  /** The server that orders the room's events. */
  host: string;
  /** True when this server is the host. */
  hosted: boolean;
  lastSeq: number;
  unread: number;
  mentions: number;
  readUpTo: number;
  /** The newest message (`text` is empty once deleted); `eventId` lets live edits and deletes update it. */
  lastMessage: { eventId?: string; sender: string; text: string; ts: number } | null;
  /** For one-to-one rooms: the other person. */
  peer: string | null;
  myRole: Role;
  /** The call going on in the room, if any. */
  call: CallState | null;
  /** The user muted the room: no desktop notifications from it (unread counts still count). */
  muted: boolean;
}

/** A room with its members. */
export interface RoomDetail extends RoomSummary {
  members: MemberView[];
}

/** One line of a room's history: a message with its current state, or a room/member change. */
export interface TimelineItem {
  seq: number;
  eventId: string;
  type: ChatEventType;
  sender: string;
  ts: number;
  data: Record<string, unknown>;
  /** For messages: current text, edit time, deletion and aggregated reactions (key → addresses). */
  message?: {
    text: string;
    replyTo: string | null;
    mentions: string[];
    editedAt: number | null;
    deleted: boolean;
    reactions: Record<string, string[]>;
  };
}

/** A page of history, newest last; `more` says whether older items exist. */
export interface TimelinePage {
  items: TimelineItem[];
  more: boolean;
}

/** An acknowledgement: success with data, or a domain error. */
export type Ack<T = Record<never, never>> = ({ ok: true } & T) | { ok: false; code: string; message: string };

/** Result of an action: the event the host ordered, or `queued` when it waits to reach a remote host. */
export interface ActResult {
  queued: boolean;
  seq: number | null;
  eventId: string | null;
}

/** Events missed since a sequence number. */
export interface CatchUpResult {
  events: ChatEvent[];
  lastSeq: number;
  more: boolean;
}

/** A typing notice, relayed live and never stored. */
export interface TypingNotice {
  roomId: string;
  address: string;
  typing: boolean;
}

/** Handshake auth of the /chat namespace. */
export interface ChatHandshake {
  token: string;
  /** Last sequence number seen per room id; the server replays what came after. */
  lastSeq?: Record<string, number>;
}

/** Events browsers send on the /chat namespace. */
export interface ChatClientToServer {
  act: (req: { roomId: string; clientMsgId: string; action: ChatAction }, ack: (r: Ack<ActResult>) => void) => void;
  catchUp: (req: { roomId: string; after: number; limit?: number }, ack: (r: Ack<CatchUpResult>) => void) => void;
  rooms: (ack: (r: Ack<{ rooms: RoomSummary[] }>) => void) => void;
  /** Send it volatile (`socket.volatile.emit`): typing is never queued or retried. */
  typing: (req: { roomId: string; typing: boolean }, ack?: () => void) => void;
}

/** Events the server pushes on the /chat namespace. */
export interface ChatServerToClient {
  event: (e: ChatEvent) => void;
  typing: (t: TypingNotice) => void;
  /** A room appeared in the user's list or changed. */
  room: (r: RoomSummary) => void;
  /** The user lost access to a room. */
  roomRemoved: (r: { roomId: string }) => void;
  /** An action accepted as `queued` was later refused by the room's host. */
  actionFailed: (f: { roomId: string; clientMsgId: string; code: string; message: string }) => void;
  presence: (p: { address: string; online: boolean }) => void;
}

/** Limits enforced on input. */
export const CHAT_LIMITS = {
  text: 8000,
  name: 200,
  topic: 1000,
  reactionKey: 32,
  clientMsgId: 100,
  pageSize: 100,
  /** Largest attachment, in bytes. */
  attachmentBytes: 25 * 1024 * 1024,
} as const;

/** The socket.io namespace of the chat plugin. */
export const CHAT_NAMESPACE = '/chat';
