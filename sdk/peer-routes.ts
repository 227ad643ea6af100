import express, { Router, type Request, type Response } from 'express';
import { peerRouteErrors, type PluginContext } from '#core';

/** A request on a signed server-to-server route: `peerHost` is the verified sender, `body` its parsed JSON. */
export type PeerRequest = Request & { peerHost: string };
export type PeerHandler = (req: PeerRequest, res: Response) => void | Promise<void>;

/** What `peerRoutes` returns: declare the routes under its base path. */
export interface PeerRoutes {
  post(path: string, handler: PeerHandler): PeerRoutes;
  get(path: string, handler: PeerHandler): PeerRoutes;
}

export interface PeerRoutesOptions {
  /** Largest body accepted (express/bytes syntax, default `1mb`); a larger one is answered 413. */
  limit?: string;
}

/**
 * Signed server-to-server routes for a plugin, mounted once under `base` (inside the plugin's `serverPrefixes`).
 * Every request's JSON body is parsed with its exact bytes kept (`req.rawBody`: the signature's digest covers them,
 * not the parsed JSON), the signature is verified and bound to a listed peer (`req.peerHost`; unsigned or unlisted
 * requests get 401/403 before any handler runs), and every error leaves as OCM-shaped JSON (`{ code, message }`)
 * through the one wire edge, logged without secrets. An unknown path or method gets 404/405 JSON, not the web app.
 *
 * @example
 * peerRoutes(ctx, '/plugins/deck/s2s').post('/events', async (req, res) => {
 *   const reply = await mirror.receive(req.peerHost, parseEvents(req.body));
 *   res.json(reply);
 * });
 */
export function peerRoutes(ctx: PluginContext, base: string, opts: PeerRoutesOptions = {}): PeerRoutes {
  const routes = Router();
  const methods = new Map<string, Set<string>>();
  const keepRaw = (req: Request, _res: unknown, buf: Buffer): void => void (req.rawBody = buf);
  const edge = Router();
  edge.use(express.json({ limit: opts.limit ?? '1mb', verify: keepRaw }), ctx.peerAuth, routes, (req, res) => {
    const allowed = methods.get(req.path);
    if (allowed) res.set('allow', [...allowed].join(', '));
    res.status(allowed ? 405 : 404).json({
      code: allowed ? 'METHOD_NOT_ALLOWED' : 'ROUTE_NOT_FOUND',
      message: allowed ? `use ${[...allowed].join(' or ')}` : `no route for ${req.method} ${req.path}`,
    });
  });
  edge.use(peerRouteErrors(ctx.logger, ctx.id));
  ctx.mount(base, edge);
  const add = (method: 'get' | 'post', path: string, handler: PeerHandler) => {
    methods.set(path, (methods.get(path) ?? new Set()).add(method.toUpperCase()));
    routes[method](path, (req, res) => handler(req as PeerRequest, res));
  };
  const api: PeerRoutes = {
    post: (path, handler) => (add('post', path, handler), api),
    get: (path, handler) => (add('get', path, handler), api),
  };
  return api;
}
