import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { InputError } from '#core';
import { clientId, parseAction } from './action-input.ts';
import type { Attachments } from './attachments.ts';
import type { ChatService } from './chat-service.ts';
import { CHAT_LIMITS, type ChatAction } from './shared.ts';

function uid(req: Request): string {
  return (req.user as { id: string }).id;
}

function param(req: Request, name: string): string {
  return String(req.params[name] ?? '');
}

function int(v: unknown, def: number | null, max = Number.MAX_SAFE_INTEGER): number | null {
  if (v === undefined || v === '') return def;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? Math.min(n, max) : def;
}

function body(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

/** The client id of a REST action: the caller's, or a fresh one (plain REST callers need not retry). */
function actionId(req: Request): string {
  const given = body(req).clientMsgId;
  return given === undefined ? randomUUID() : clientId(given);
}

/** 201 with the ordered event for rooms hosted here; 202 when the action is on its way to the remote host. */
function acted(res: Response, r: { queued: boolean }): void {
  res.status(r.queued ? 202 : 201).json(r);
}

/** The client REST API under `/api/v1/chat` (the socket namespace offers the same actions with acks). */
export function mountApiRoutes(
  api: Router,
  chat: ChatService,
  roomForShare: (userId: string, shareId: string) => Promise<string>,
  attachments: Attachments,
): void {
  const act = (req: Request, res: Response, action: ChatAction) =>
    chat.act(uid(req), param(req, 'id'), actionId(req), action).then((r) => acted(res, r));

  api.get('/rooms', async (req, res) => {
    res.json(await chat.listRooms(uid(req)));
  });
  api.post('/rooms', async (req, res) => {
    const user = req.user as { id: string; displayName: string; email: string | null };
    res.status(201).json(await chat.create(user, body(req)));
  });
  // Where an accepted room invitation (an incoming share) leads: the inbox's "Open" goes to the room.
  api.get('/rooms/for-share/:shareId', async (req, res) => {
    const roomId = await roomForShare(uid(req), param(req, 'shareId'));
    await chat.access(uid(req), roomId);
    res.json({ roomId });
  });
  api.get('/rooms/:id', async (req, res) => {
    res.json(await chat.detail(uid(req), param(req, 'id')));
  });
  api.put('/rooms/:id/mute', async (req, res) => {
    const muted = body(req).muted;
    if (typeof muted !== 'boolean')
      throw new InputError('muted must be true or false', [{ name: 'muted', message: 'INVALID' }]);
    res.json(await chat.setMuted(uid(req), param(req, 'id'), muted));
  });
  api.patch('/rooms/:id', (req, res) => act(req, res, parseAction({ ...body(req), type: 'update' })));
  api.post('/rooms/:id/members', (req, res) => act(req, res, parseAction({ ...body(req), type: 'addMember' })));
  api.delete('/rooms/:id/members/:address', (req, res) =>
    act(req, res, parseAction({ type: 'removeMember', address: param(req, 'address') })),
  );
  api.put('/rooms/:id/members/:address/role', (req, res) =>
    act(req, res, parseAction({ ...body(req), type: 'setRole', address: param(req, 'address') })),
  );
  api.post('/rooms/:id/leave', (req, res) => act(req, res, { type: 'leave' }));
  api.post('/rooms/:id/actions', (req, res) => act(req, res, parseAction(body(req).action)));
  api.post('/rooms/:id/messages', (req, res) => act(req, res, parseAction({ ...body(req), type: 'post' })));
  // The body is the file itself (any content type but JSON); `name` and an optional caption `text` in the query.
  api.post('/rooms/:id/attachments', async (req, res) => {
    const msgId = req.query.clientMsgId === undefined ? randomUUID() : clientId(req.query.clientMsgId);
    const { attachment, caption } = await attachments.upload(uid(req), param(req, 'id'), req);
    const action = parseAction({ type: 'post', text: caption, attachment });
    const r = await chat.act(uid(req), param(req, 'id'), msgId, action);
    res.status(r.queued ? 202 : 201).json({ ...r, attachment });
  });
  api.patch('/rooms/:id/messages/:eventId', (req, res) =>
    act(req, res, parseAction({ ...body(req), type: 'edit', target: param(req, 'eventId') })),
  );
  api.delete('/rooms/:id/messages/:eventId', (req, res) =>
    act(req, res, parseAction({ type: 'delete', target: param(req, 'eventId') })),
  );
  api.post('/rooms/:id/messages/:eventId/reactions', (req, res) =>
    act(req, res, parseAction({ ...body(req), type: 'react', target: param(req, 'eventId') })),
  );
  api.post('/rooms/:id/read', (req, res) => act(req, res, parseAction({ ...body(req), type: 'read' })));

  api.get('/rooms/:id/history', async (req, res) => {
    res.json(
      await chat.history(
        uid(req),
        param(req, 'id'),
        int(req.query.before, null),
        int(req.query.limit, 50, CHAT_LIMITS.pageSize) as number,
      ),
    );
  });
  api.get('/rooms/:id/search', async (req, res) => {
    res.json(
      await chat.search(
        uid(req),
        param(req, 'id'),
        String(req.query.q ?? ''),
        int(req.query.before, null),
        int(req.query.limit, 20, CHAT_LIMITS.pageSize) as number,
      ),
    );
  });
  api.get('/rooms/:id/events', async (req, res) => {
    res.json(
      await chat.catchUp(
        uid(req),
        param(req, 'id'),
        int(req.query.after, 0) as number,
        int(req.query.limit, 500, 1000) as number,
      ),
    );
  });
}
