import { randomUUID } from 'node:crypto';
import type { DeckDb } from './tables.ts';
import { NotAllowedError, NotFoundError } from '#sdk';
import { parseAction, parseActionId } from './action-input.ts';
import { boardView, getBoard, listBoards, roleOf } from './board-store.ts';
import { DECK_ERRORS } from './error-codes.ts';
import type { HostService } from './host-service.ts';
import type { MirrorService } from './mirror-service.ts';
import type { ActResult, BoardSummary, BoardView } from './shared.ts';

/** What local users do, for boards hosted here and mirrored ones alike. */
export class DeckService {
  constructor(
    private readonly d: {
      db: DeckDb;
      selfHost: () => string;
      host: HostService;
      mirror: MirrorService;
      /** Whether this server offers attachments. */
      attachments: boolean;
    },
  ) {}

  address(userId: string): string {
    return `${userId}@${this.d.selfHost()}`;
  }

  list(userId: string): Promise<BoardSummary[]> {
    return listBoards(this.d.db, userId, this.d.selfHost());
  }

  create(userId: string, title: string): Promise<string> {
    return this.d.host.create(userId, this.address(userId), title);
  }

  /** The board and the user's role on it, or 404 (no difference between "none" and "not yours"). */
  async access(userId: string, boardId: string) {
    const board = typeof boardId === 'string' ? await getBoard(this.d.db, boardId) : undefined;
    const role = board ? await roleOf(this.d.db, board.id, userId) : null;
    if (!board || !role) throw new NotFoundError('no such board', DECK_ERRORS.BOARD_NOT_FOUND);
    return { board, role };
  }

  async view(userId: string, boardId: string): Promise<BoardView> {
    const { board, role } = await this.access(userId, boardId);
    return boardView(this.d.db, board, role, this.d.selfHost(), this.d.attachments);
  }

  /** One action of a local user: ordered here when the board is hosted here, else sent to its host. */
  async act(userId: string, boardId: string, rawActionId: unknown, rawAction: unknown): Promise<ActResult> {
    const { board, role } = await this.access(userId, boardId);
    const action = parseAction(rawAction);
    const actionId = rawActionId === undefined ? randomUUID() : parseActionId(rawActionId);
    if (role === 'read') throw new NotAllowedError('the board is shared with you read-only', DECK_ERRORS.READ_ONLY);
    if (board.host === '') {
      const e = await this.d.host.act(board.id, this.address(userId), actionId, action);
      return { queued: false, seq: e.seq };
    }
    await this.d.mirror.send(board.id, userId, actionId, action);
    return { queued: true, actionId };
  }
}
