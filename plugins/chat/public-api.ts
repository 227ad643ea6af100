/**
 * What the chat plugin publishes (`ctx.provide`) for plugins that declare `dependsOn: ['chat']` and take it
 * with `ctx.use<ChatApi>('chat')`. The one file of this plugin other plugins may import; types only, so it is
 * browser-safe too.
 */
import type { CallAction, CallEventDraft, CallState, CallSystemAction } from './call-types.ts';
import type { ChatEvent, MemberState, Role, RoomKind } from './shared.ts';

export type * from './call-types.ts';
export type { ChatEvent, MemberState, MemberView, Role, RoomDetail, RoomKind, RoomSummary } from './shared.ts';

/** A room as another plugin sees it, on any member server. */
export interface ChatRoomRef {
  /** This server's id of the room (what its users and browsers use). */
  id: string;
  /** The server that hosts (orders) the room, `host[:port]`; this server's own host when hosted here. */
  host: string;
  /** The host's id of the room: the one id every member server shares. */
  hostRoomId: string;
  /** True when this server hosts the room. */
  hosted: boolean;
  kind: RoomKind;
  name: string;
}

/** A joined member of a room. */
export interface ChatMemberRef {
  address: string;
  displayName: string;
  role: Role;
  /** True when the member's account is on this server. */
  local: boolean;
}

/** What the calls plugin's planner is asked on the host, inside the transaction that orders the action. */
export interface CallPlanInput {
  room: { id: string; kind: RoomKind };
  /** Who acts (for system actions: the person concerned, or the call's starter). */
  actor: string;
  /** The actor's membership in the room, as the host knows it. */
  member: { state: MemberState; role: Role } | null;
  /** The room's current call (null: none). */
  call: CallState | null;
  action: CallAction | CallSystemAction;
  /** True for the host's own actions (`drop`, `close`); false for anything a user or a peer server asked. */
  system: boolean;
  now: number;
}

/** Decides what a call action does: the event to append, null for a no-op; throws a MeshworkError to refuse. */
export type CallPlanner = (input: CallPlanInput) => CallEventDraft | null;

/** The outcome of a call action: ordered here (`event`), or on its way to the room's remote host (`queued`). */
export interface CallActResult {
  queued: boolean;
  /** The event the host ordered (null for a no-op, or while queued). */
  event: ChatEvent | null;
}

/** A call action the room's remote host refused. */
export interface RefusedCallAction {
  roomId: string;
  actor: string;
  actionId: string;
  code: string;
  message: string;
}

/** The chat plugin's published API. */
export interface ChatApi {
  /** A room by this server's id (null: no such room here). */
  room(roomId: string): Promise<ChatRoomRef | null>;
  /** A room by its host and the host's id (a hosted room when `host` is this server), if this server has it. */
  roomOnHost(host: string, hostRoomId: string): Promise<ChatRoomRef | null>;
  /** The room's joined members, as this server knows them. */
  members(roomId: string): Promise<ChatMemberRef[]>;
  /** Whether an address is a joined member of the room now (host: authoritative; mirror: as last streamed). */
  isMember(roomId: string, address: string): Promise<boolean>;
  /** Ids of the rooms a local user has joined. */
  roomIdsOf(userId: string): Promise<string[]>;
  /** The call going on in a room (null: none). */
  activeCall(roomId: string): Promise<CallState | null>;
  /** Every room with a call going on, hosted here or mirrored. */
  activeCalls(): Promise<Array<{ room: ChatRoomRef; call: CallState }>>;
  /** Installs the planner the host consults for call actions (one per server). */
  setCallPlanner(planner: CallPlanner): void;
  /**
   * A local user's call action through the room's host-ordered stream: ordered at once in a room hosted here;
   * otherwise stored durably and sent to the host (signed, retried, deduplicated by `actionId`), whose answer
   * arrives as an event (`onEvents`) or a refusal (`onRefused`).
   */
  actCall(userId: string, roomId: string, actionId: string, action: CallAction): Promise<CallActResult>;
  /** The host's own call action in a room hosted here (no membership check: dropping, closing). */
  systemCall(roomId: string, actor: string, actionId: string, action: CallSystemAction): Promise<ChatEvent | null>;
  /**
   * Follows every room event stored on this server (hosted and mirrored rooms), per room in seq order, after it
   * is committed. Only `member.*` and `call.*` events are passed on. Returns the unsubscribe function.
   */
  onEvents(listener: (room: ChatRoomRef, events: ChatEvent[]) => void | Promise<void>): () => void;
  /**
   * A member is no longer in a room (left, removed, or their access ended), told once per server that sees it
   * (possibly more than once). Returns the unsubscribe function.
   */
  onMemberGone(listener: (room: ChatRoomRef, address: string) => void | Promise<void>): () => void;
  /** Call actions a remote host refused. Returns the unsubscribe function. */
  onRefused(listener: (f: RefusedCallAction) => void): () => void;
}
