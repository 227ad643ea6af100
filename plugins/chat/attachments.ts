/**
 * Attachments: a member uploads a file into a room. It is stored in the sender's own files
 * (`/Chat attachments/<room>/<file>`, through the files plugin's public API), that folder is shared read-only with
 * each joined member (once per member), and a message carrying the attachment's reference is posted. Recipients open
 * it through their own server (`Shared with me/<folder>/<name>`); the owner's server enforces the share.
 */
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import {
  InputError,
  MeshworkError,
  NotImplementedError,
  type IncomingShare,
  type Logger,
  type ShareRegistry,
} from '#core';
import type { FilesApi } from '../files/public-api.ts';
import type { ChatService } from './chat-service.ts';
import { CHAT_ERRORS } from './error-codes.ts';
import type { ChatMemberRef } from './public-api.ts';
import { getRoom, splitAddress, type RoomRow } from './room-store.ts';
import { CHAT_LIMITS, type ChatAttachment } from './shared.ts';
import type { ChatTables } from './tables.ts';

export const ATTACHMENTS_ROOT = 'Chat attachments';

// Slashes and control characters have no place in a file or folder name.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const NOT_IN_NAMES = /[/\\\u0000-\u001f\u007f]/g;

/** The text of a message that is just a file (the web app shows the file's chip instead). */
export function attachmentText(name: string): string {
  return `📎 ${name}`;
}

/** A folder name from a room's name and the host's id of it, safe in a file tree. */
function folderName(room: RoomRow): string {
  const clean = (room.name || '')
    .replace(NOT_IN_NAMES, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 80);
  // The host's id of the room: the same on every member server, so recipients can tell the folder's room.
  const tag = (room.remote_id ?? room.id).slice(0, 8);
  return clean ? `${clean} (${tag})` : `Room ${tag}`;
}

/** Reads the request body, at most `max` bytes (413 beyond). */
async function readBody(req: Request, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  const tooLarge = () =>
    new MeshworkError(
      CHAT_ERRORS.ATTACHMENT_TOO_LARGE,
      `the file is larger than ${Math.floor(max / (1024 * 1024))} MB, the most chat takes`,
    );
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > max) throw tooLarge();
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

export class Attachments {
  readonly #files: FilesApi | null;
  readonly #chat: ChatService;
  readonly #members: (roomId: string) => Promise<ChatMemberRef[]>;
  readonly #shares: ShareRegistry | null;
  readonly #roomIdsOf: (userId: string) => Promise<string[]>;
  readonly #db: Kysely<ChatTables> | null;
  readonly #selfHost: () => string;
  readonly #log: Logger;
  readonly #max: number;

  constructor(d: {
    files: FilesApi | null;
    chat: ChatService;
    members: (roomId: string) => Promise<ChatMemberRef[]>;
    shares?: ShareRegistry;
    roomIdsOf: (userId: string) => Promise<string[]>;
    db?: Kysely<ChatTables>;
    selfHost?: () => string;
    log: Logger;
    maxBytes?: number;
  }) {
    this.#files = d.files;
    this.#chat = d.chat;
    this.#members = d.members;
    this.#shares = d.shares ?? null;
    this.#roomIdsOf = d.roomIdsOf;
    this.#db = d.db ?? null;
    this.#selfHost = d.selfHost ?? (() => '');
    this.#log = d.log;
    this.#max = d.maxBytes ?? CHAT_LIMITS.attachmentBytes;
  }

  /** Stores the upload, shares its folder with the room's members and posts the message. */
  async upload(userId: string, roomId: string, req: Request) {
    const files = this.#files;
    if (!files)
      throw new NotImplementedError('this server does not offer attachments', CHAT_ERRORS.ATTACHMENTS_UNAVAILABLE);
    const { room } = await this.#chat.access(userId, roomId);
    const name = typeof req.query.name === 'string' ? req.query.name.trim() : '';
    if (
      !name ||
      name.length > 255 ||
      /[/\\]/.test(name) ||
      name.replace(NOT_IN_NAMES, '') !== name ||
      name === '.' ||
      name === '..'
    )
      throw new InputError('give the file a name (no slashes)', [{ name: 'name', message: 'INVALID' }]);
    const body = await readBody(req, this.#max);
    const folder = folderName(room);
    const dir = await files.ensureFolder(userId, `/${ATTACHMENTS_ROOT}/${folder}`);
    const stored = await files.putFile(userId, dir, name, body);
    await this.shareWithMembers(userId, room, dir, folder);
    const attachment: ChatAttachment = {
      name: stored.name,
      size: stored.size,
      mime: stored.mime,
      owner: this.#chat.address(userId),
      path: stored.path,
      folder,
    };
    // Without a caption the text names the file, so room lists, notifications and search show something.
    const given = typeof req.query.text === 'string' ? req.query.text.trim() : '';
    const caption = given || attachmentText(stored.name);
    return { attachment, caption };
  }

  /** Shares the user's attachment folder of a room with every other joined member (once each). */
  async shareWithMembers(userId: string, room: RoomRow, dir: string, folder: string): Promise<void> {
    const files = this.#files;
    if (!files) return;
    const me = this.#chat.address(userId).toLowerCase();
    for (const m of await this.#members(room.id)) {
      if (m.address.toLowerCase() === me) continue;
      // The full address for local members too: a share goes to an address (a bare id is refused as one).
      const shareWith = m.address;
      try {
        await files.shareFolderReadOnly(userId, dir, shareWith, folder);
      } catch (err) {
        this.#log.warn({ err, room: room.id }, 'sharing a chat attachment folder with a member failed');
      }
    }
  }

  /**
   * Accepts, for its recipient, a folder share that is a co-member's attachment folder: read-only, named as the
   * folder of a room the recipient has joined, and owned by a joined member of that same room who is a user of the
   * sending server. Anything else (strangers, other folders, writable shares) waits in the inbox as usual.
   */
  async autoAccept(share: IncomingShare): Promise<void> {
    if (!this.#files || !this.#shares) return;
    if (share.resourceType !== 'folder' || share.state !== 'pending') return;
    if (share.permissions.length !== 1 || share.permissions[0] !== 'read') return;
    const owner = share.owner.toLowerCase();
    if (!owner.endsWith(`@${share.senderHost.toLowerCase()}`)) return;
    for (const roomId of await this.#roomIdsOf(share.recipientId)) {
      const { room } = await this.#chat.access(share.recipientId, roomId).catch(() => ({ room: null }));
      if (!room || folderName(room) !== share.name) continue;
      const members = await this.#members(room.id);
      if (!members.some((m) => m.address.toLowerCase() === owner)) continue;
      await this.#shares.acceptIncoming(share.recipientId, share.id);
      return;
    }
  }

  /**
   * The room's members changed: every user of this server who attached files in it shares their attachment folder
   * with each joined member (existing shares are kept, so this is safe to repeat) and ends the folder's shares with
   * anyone who is no longer a member (left, removed), so a former member loses the room's files at once.
   */
  async membersChanged(roomId: string): Promise<void> {
    if (!this.#files || !this.#db) return;
    const room = await getRoom(this.#db, roomId);
    if (!room) return;
    const senders = await this.#db
      .selectFrom('chat_events')
      .select('sender')
      .distinct()
      .where('room_id', '=', room.id)
      .where('type', '=', 'message.posted')
      .where('data', 'like', '%"attachment":%')
      .execute();
    const folder = folderName(room);
    const members = await this.#members(room.id);
    const keep = members.flatMap((m) => (m.local ? [m.address, splitAddress(m.address).id] : [m.address]));
    for (const { sender } of senders) {
      const { id, host } = splitAddress(String(sender));
      if (host !== this.#selfHost()) continue;
      const dir = await this.#files.ensureFolder(id, `/${ATTACHMENTS_ROOT}/${folder}`);
      await this.shareWithMembers(id, room, dir, folder);
      await this.#files.unshareFolderExcept(id, dir, keep);
    }
  }
}
