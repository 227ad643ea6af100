import type { SchemaMigration } from '#core';

/**
 * Chat tables. One model serves both roles: a room hosted here (`host` null) and a mirror of a room
 * hosted elsewhere (`host`, `remote_id`) share the event log and the tables derived from it, so reads
 * (history, search, unread counts) are always local. Host-only: `chat_peers`, `chat_seen_actions`.
 * Mirror-only: `chat_outbound` (actions waiting to reach the host).
 */
export const chatMigrations: SchemaMigration[] = [
  {
    name: '0001-chat',
    async up({ db, autoId }) {
      await db.schema
        .createTable('chat_rooms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('host', 'text')
        .addColumn('remote_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // Host: last allocated seq. Mirror: last applied seq (always contiguous from 1).
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        // Mirror: the highest seq the host is known to have; above last_seq means a gap to pull.
        .addColumn('host_seq', 'bigint', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('chat_rooms_mirror')
        .on('chat_rooms')
        .columns(['host', 'remote_id'])
        .unique()
        .execute();

      await db.schema
        .createTable('chat_members')
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('server', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('share_id', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_members_pk', ['room_id', 'address'])
        .execute();
      await db.schema.createIndex('chat_members_user').on('chat_members').columns(['user_id', 'state']).execute();

      await db.schema
        .createTable('chat_events')
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('client_msg_id', 'text')
        .addColumn('target', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('ts', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_events_pk', ['room_id', 'seq'])
        .addUniqueConstraint('chat_events_event', ['room_id', 'event_id'])
        .addUniqueConstraint('chat_events_client', ['room_id', 'sender', 'client_msg_id'])
        .execute();
      await db.schema.createIndex('chat_events_target').on('chat_events').columns(['room_id', 'target']).execute();

      await db.schema
        .createTable('chat_messages')
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('reply_to', 'text')
        .addColumn('mentions', 'text', (c) => c.notNull())
        .addColumn('ts', 'bigint', (c) => c.notNull())
        .addColumn('edited_at', 'bigint')
        .addColumn('deleted', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_messages_pk', ['room_id', 'event_id'])
        .execute();
      await db.schema.createIndex('chat_messages_seq').on('chat_messages').columns(['room_id', 'seq']).execute();

      await db.schema
        .createTable('chat_reactions')
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_reactions_pk', ['room_id', 'event_id', 'address', 'key'])
        .execute();

      await db.schema
        .createTable('chat_reads')
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_reads_pk', ['room_id', 'address'])
        .execute();

      // Host: what each member server has acknowledged. `until_seq` ends the stream of a server whose
      // last member left: it still receives the event that removed it, and nothing after.
      await db.schema
        .createTable('chat_peers')
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('server', 'text', (c) => c.notNull())
        .addColumn('acked_seq', 'bigint', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('until_seq', 'bigint')
        .addPrimaryKeyConstraint('chat_peers_pk', ['room_id', 'server'])
        .execute();
      await db.schema.createIndex('chat_peers_server').on('chat_peers').column('server').execute();

      // Host: ids of actions that changed nothing (those that did are found by the event's client id), so a
      // replayed or retried action returns its first result instead of acting twice.
      await db.schema
        .createTable('chat_seen_actions')
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action_id', 'text', (c) => c.notNull())
        .addColumn('ts', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_seen_actions_pk', ['room_id', 'actor', 'action_id'])
        .execute();

      // Mirror: local users' actions waiting for the host, durable before the user gets an ack.
      await db.schema
        .createTable('chat_outbound')
        .addColumn('id', autoId, (c) => (autoId === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('chat_outbound_action', ['room_id', 'actor', 'action_id'])
        .execute();
      await db.schema.createIndex('chat_outbound_host').on('chat_outbound').columns(['host', 'id']).execute();
    },
  },
  {
    // The call going on in each room (derived from the room's call.* events, on the host and every mirror alike),
    // so room lists and the calls plugin read it without replaying the log. A room has at most one row.
    name: '0002-chat-calls',
    async up({ db }) {
      await db.schema
        .createTable('chat_calls')
        .addColumn('room_id', 'text', (c) => c.primaryKey())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();
    },
  },
  {
    // Rooms a user muted (no desktop notifications from them), per local user; kept while the mirror lives.
    name: '0003-chat-mutes',
    async up({ db }) {
      await db.schema
        .createTable('chat_mutes')
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_mutes_pk', ['room_id', 'address'])
        .execute();
    },
  },
];
