import { InputError, type PluginContext } from '#sdk';
import type { DeckAttachments } from './attachments.ts';
import type { DeckService } from './deck-service.ts';
import { DECK_LIMITS } from './shared.ts';

/** The browser's REST API under `/api/v1/deck` (bearer session; `req.user` is set). */
export function mountApiRoutes(api: PluginContext['api'], deck: DeckService, attachments: DeckAttachments): void {
  api.get('/boards', async (req, res) => {
    res.json(await deck.list(req.user!.id));
  });
  api.post('/boards', async (req, res) => {
    const title = (req.body as { title?: unknown } | undefined)?.title;
    if (typeof title !== 'string' || !title.trim() || title.length > DECK_LIMITS.title)
      throw new InputError('a board needs a title (at most 200 characters)', [{ name: 'title', message: 'INVALID' }]);
    const id = await deck.create(req.user!.id, title.trim());
    res.status(201).json(await deck.view(req.user!.id, id));
  });
  api.get('/boards/:id', async (req, res) => {
    res.json(await deck.view(req.user!.id, req.params.id));
  });
  api.post('/boards/:id/actions', async (req, res) => {
    const b = (req.body ?? {}) as { actionId?: unknown; action?: unknown };
    const result = await deck.act(req.user!.id, req.params.id, b.actionId, b.action);
    res.status(result.queued ? 202 : 201).json(result);
  });
  // The file's bytes as the body (never JSON), its name in `?name=`: stored in the user's files, then attached.
  api.post('/boards/:id/cards/:cardId/attachments', async (req, res) => {
    const r = await attachments.upload(req.user!.id, req.params.id, req.params.cardId, req.query.name, req);
    res.status(r.queued ? 202 : 201).json(r);
  });
  api.delete('/boards/:id/cards/:cardId/attachments/:attachmentId', async (req, res) => {
    const r = await attachments.detach(req.user!.id, req.params.id, req.params.cardId, req.params.attachmentId);
    res.status(r.queued ? 202 : 200).json(r);
  });
}
