/** The chat plugin's tables (created in schema.ts), by name: `ctx.db` is a `Kysely<ChatTables>`. */
import type { Generated } from 'kysely';
import type { EventRow, MemberRow, RoomRow } from './room-store.ts';

export interface ChatTables {
  chat_rooms: RoomRow;
  chat_members: MemberRow;
  chat_events: EventRow;
  /** Messages as they read now (edits and deletions applied); `mentions` is a JSON list, `deleted` 0 or 1. */
  chat_messages: {
    room_id: string;
    event_id: string;
    seq: number;
    sender: string;
    text: string;
    reply_to: string | null;
    mentions: string;
    ts: number;
    edited_at: number | null;
    deleted: number;
  };
  chat_reactions: { room_id: string; event_id: string; address: string; key: string };
  chat_reads: { room_id: string; address: string; seq: number };
  /** Host: what each member server acknowledged; `active` 0 or 1. */
  chat_peers: { room_id: string; server: string; acked_seq: number; active: number; until_seq: number | null };
  chat_seen_actions: { room_id: string; actor: string; action_id: string; ts: number };
  /** Mirror: local users' actions waiting for the host (`action` is JSON). */
  chat_outbound: {
    id: Generated<number>;
    host: string;
    room_id: string;
    actor: string;
    action_id: string;
    action: string;
    created_at: number;
  };
  chat_calls: { room_id: string; call_id: string; state: string };
  chat_mutes: { room_id: string; address: string };
}
