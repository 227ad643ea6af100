/** The statements the host runs for every action, compiled once (`PreparedQuery`, as in room-store.ts). */
import { sql } from 'kysely';
import { PreparedQuery } from '#core';
import type { EventRow } from './room-store.ts';

// Run for every action (compiled once, see room-store.ts): its first result, and the seq it gets.
export const EVENT_OF_ACTION = new PreparedQuery<EventRow>(
  3,
  (_db, roomId, actor, actionId) =>
    sql`select * from chat_events where room_id = ${roomId} and sender = ${actor} and client_msg_id = ${actionId}`,
);
// One UPDATE both allocates and returns the seq; on PostgreSQL it also row-locks the room until commit.
export const NEXT_SEQ = new PreparedQuery<{ last_seq: number }>(
  1,
  (_db, roomId) =>
    sql`update chat_rooms set last_seq = last_seq + 1, host_seq = last_seq + 1 where id = ${roomId} returning last_seq`,
);
