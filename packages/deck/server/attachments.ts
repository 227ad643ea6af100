/**
 * Card attachments. A user attaches a file they picked in their Files (their own, or one shared with them): the web
 * app reads it and sends it here, and it is stored as a copy in the user's own tree
 * (`/Deck attachments/<board> (<tag>)/<name>`, through the files plugin's public API). That folder is shared
 * read-only with everyone on the board (once each), and a host-ordered `card.attach` event names the file. Members
 * open it through their own server (`Shared with me/<folder>/<name>`); its owner's server enforces the share, and
 * when the host announces new members (`board.members`), every attacher's server shares with the new ones and ends
 * the shares of those who left, so a removed member loses the board's files at once.
 */
import { randomUUID } from 'node:crypto';
import type { DeckDb } from './tables.ts';
import {
  InputError,
  MeshworkError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  type IncomingShare,
  type Logger,
  type ShareRegistry,
} from '#sdk';
import { getBoard, membersOf, type BoardRow } from './board-store.ts';
import type { DeckService } from './deck-service.ts';
import { DECK_ERRORS } from './error-codes.ts';
import { DECK_LIMITS, type ActResult } from './shared.ts';

/**
 * The part of the files plugin's published API (`ctx.use('files')`, its `public-api.ts`) Deck uses. Declared here
 * because a plugin package imports nothing of Meshwork but the SDK; the shapes are the files plugin's.
 */
export interface FilesApi {
  ensureFolder(userId: string, folderPath: string): Promise<string>;
  putFile(
    userId: string,
    folderPath: string,
    name: string,
    body: Buffer,
  ): Promise<{ path: string; name: string; size: number; mime: string }>;
  shareFolderReadOnly(userId: string, folderPath: string, shareWith: string, name?: string): Promise<string>;
  unshareFolderExcept(userId: string, folderPath: string, keep: readonly string[]): Promise<number>;
}

export const ATTACHMENTS_ROOT = 'Deck attachments';
/** Largest attachment (bytes). */
export const ATTACHMENT_BYTES = 25 * 1024 * 1024;

// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const NOT_IN_NAMES = /[/\\\u0000-\u001f\u007f]/g;
/** `Deck files – <board> (<tag>) from <user id>`: the share's name, what members see under `Shared with me/`. */
const SHARE_NAME = /^Deck files – .* \(([A-Za-z0-9_-]{8})\) from ([^@\s/]+)$/;

/** The attachment folder's name in the attacher's tree: the board's title and the first 8 characters of its id. */
function folderName(board: BoardRow): string {
  const clean = board.title.replace(NOT_IN_NAMES, ' ').replace(/\s+/g, ' ').trim().replace(/^\.+/, '').slice(0, 80);
  const tag = board.id.slice(0, 8);
  return clean ? `${clean} (${tag})` : `Board (${tag})`;
}

function splitAddress(a: string): { id: string; host: string } {
  const at = a.lastIndexOf('@');
  return { id: a.slice(0, at), host: a.slice(at + 1).toLowerCase() };
}

export class DeckAttachments {
  constructor(
    private readonly d: {
      db: DeckDb;
      files: FilesApi | null;
      shares: ShareRegistry;
      deck: DeckService;
      selfHost: () => string;
      log: Logger;
      maxBytes?: number;
    },
  ) {}

  get enabled(): boolean {
    return this.d.files !== null;
  }

  #files(): FilesApi {
    if (!this.d.files)
      throw new NotImplementedError('this server offers no attachments', DECK_ERRORS.CARD_ATTACHMENTS_UNAVAILABLE);
    return this.d.files;
  }

  /** Stores the body as a file of the user's, shares its folder with the board's members and attaches it to the card. */
  async upload(userId: string, boardId: string, cardId: string, rawName: unknown, body: AsyncIterable<Buffer>) {
    const files = this.#files();
    const { board, role } = await this.d.deck.access(userId, boardId);
    if (role === 'read') throw new NotAllowedError('the board is shared with you read-only', DECK_ERRORS.READ_ONLY);
    const card = await this.d.db
      .selectFrom('deck_cards')
      .select('id')
      .where('board_id', '=', board.id)
      .where('id', '=', typeof cardId === 'string' ? cardId : '')
      .executeTakeFirst();
    if (!card) throw new NotFoundError('no such card on this board', DECK_ERRORS.CARD_NOT_FOUND);
    const name = typeof rawName === 'string' ? rawName.trim() : '';
    if (!name || name.length > DECK_LIMITS.fileName || name.replace(NOT_IN_NAMES, '') !== name || /^\.\.?$/.test(name))
      throw new InputError('give the file a name (no slashes)', [{ name: 'name', message: 'INVALID' }]);
    const bytes = await readBody(body, this.d.maxBytes ?? ATTACHMENT_BYTES);
    const folder = folderName(board);
    const dir = await files.ensureFolder(userId, `/${ATTACHMENTS_ROOT}/${folder}`);
    const stored = await files.putFile(userId, dir, name, bytes);
    const attachment = {
      name: stored.name,
      size: stored.size,
      mime: stored.mime,
      owner: this.d.deck.address(userId),
      path: stored.path,
      folder: `Deck files – ${folder} from ${userId}`,
    };
    await this.#shareFolder(userId, board, dir, attachment.folder);
    const attachmentId = randomUUID();
    const result: ActResult = await this.d.deck.act(userId, board.id, undefined, {
      type: 'card.attach',
      attachmentId,
      cardId: card.id,
      attachment,
    });
    return { ...result, attachmentId, attachment };
  }

  /** Shares one attachment folder of a local user with everyone on the board but them (existing shares are kept). */
  async #shareFolder(userId: string, board: BoardRow, dir: string, shareName: string): Promise<void> {
    const files = this.#files();
    const me = this.d.deck.address(userId).toLowerCase();
    for (const m of membersOf(board)) {
      if (m.toLowerCase() === me) continue;
      try {
        // Always the full address: the share API wants one, also for a user of this server.
        await files.shareFolderReadOnly(userId, dir, m, shareName);
      } catch (err) {
        this.d.log.warn({ err, board: board.id }, 'deck: sharing an attachment folder with a member failed');
      }
    }
  }

  /**
   * The board's members changed (a `board.members` event was applied here): every local user with attachments on
   * it shares their folders with the members and ends the shares of everyone else; local members accept the
   * attachment folders that were waiting for them.
   */
  async membersChanged(boardId: string): Promise<void> {
    if (!this.d.files) return;
    const board = await getBoard(this.d.db, boardId);
    if (!board) return;
    const self = this.d.selfHost();
    const members = membersOf(board);
    const keep = members.flatMap((m) => (splitAddress(m).host === self ? [m, splitAddress(m).id] : [m]));
    const folders = await this.d.db
      .selectFrom('deck_attachments')
      .select(['owner', 'path', 'folder'])
      .distinct()
      .where('board_id', '=', board.id)
      .execute();
    const done = new Set<string>();
    for (const f of folders) {
      const { id, host } = splitAddress(String(f.owner));
      const dir = String(f.path).slice(0, String(f.path).lastIndexOf('/'));
      if (host !== self || done.has(`${id}\n${dir}`)) continue;
      done.add(`${id}\n${dir}`);
      await this.#shareFolder(id, board, dir, String(f.folder));
      await this.d.files.unshareFolderExcept(id, dir, keep);
    }
    const locals = await this.d.db
      .selectFrom('deck_members')
      .select('user_id')
      .where('board_id', '=', board.id)
      .execute();
    for (const { user_id } of locals)
      for (const s of await this.d.shares.listIncoming(String(user_id), 'folder'))
        await this.autoAccept(s).catch((err) =>
          this.d.log.warn({ err }, 'deck: accepting an attachment folder failed'),
        );
  }

  /**
   * Accepts, for its recipient, a folder share that is a board member's attachment folder: read-only, named
   * `<board> (<tag>) from <owner's id>`, the tag being the start of a board the recipient is on, and owned by a
   * member of that board who is a user of the sending server. Anything else waits in the inbox as usual.
   */
  async autoAccept(share: IncomingShare): Promise<void> {
    if (!this.d.files || share.resourceType !== 'folder' || share.state !== 'pending') return;
    if (share.permissions.length !== 1 || share.permissions[0] !== 'read') return;
    const m = SHARE_NAME.exec(share.name);
    const owner = share.owner.toLowerCase();
    if (!m || owner !== `${m[2]}@${share.senderHost}`.toLowerCase()) return;
    const boards = await this.d.db
      .selectFrom('deck_members as m')
      .innerJoin('deck_boards as b', 'b.id', 'm.board_id')
      .selectAll('b')
      .where('m.user_id', '=', share.recipientId)
      .execute();
    for (const b of boards) {
      if (!b.id.startsWith(m[1] as string)) continue;
      if (!membersOf(b).some((x) => x.toLowerCase() === owner)) continue;
      await this.d.shares.acceptIncoming(share.recipientId, share.id);
      return;
    }
  }

  /** The attachment a user may remove (any editor of the board). */
  async detach(userId: string, boardId: string, cardId: string, attachmentId: string): Promise<ActResult> {
    return this.d.deck.act(userId, boardId, undefined, { type: 'card.detach', cardId, attachmentId });
  }
}

/** Reads a request body, at most `max` bytes (413 beyond). */
async function readBody(body: AsyncIterable<Buffer>, max: number): Promise<Buffer> {
  const tooLarge = () =>
    new MeshworkError(
      DECK_ERRORS.CARD_ATTACHMENT_TOO_LARGE,
      `the file is larger than ${Math.floor(max / (1024 * 1024))} MB, the most a card takes`,
    );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > max) throw tooLarge();
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
