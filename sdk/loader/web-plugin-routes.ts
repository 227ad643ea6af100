import { Router, type RequestHandler } from 'express';
import type { WebBundle } from './plugin-packages.ts';

/** Where runtime-loaded web parts are served; the shell reads the list at start. */
export const WEB_PLUGINS_PATH = '/web-plugins';

/**
 * Serves the web parts of plugins enabled by `MESHWORK_PLUGINS`: `GET /web-plugins/index.json` lists
 * `{ id, url, css? }` (an empty list when there are none), `GET /web-plugins/<id>.js` is the bundle and
 * `GET /web-plugins/<id>.css` its stylesheet, when its modules import CSS. Public, like the
 * app's own scripts; same origin, so the app's Content-Security-Policy (`script-src 'self'`) allows them.
 */
export function runtimeWebPlugins(bundles: readonly WebBundle[]): RequestHandler {
  const router = Router();
  const byId = new Map(bundles.map((b) => [b.id, b]));
  router.get(`${WEB_PLUGINS_PATH}/index.json`, (_req, res) => {
    res.set('cache-control', 'no-cache');
    res.json({
      plugins: bundles.map((b) => ({
        id: b.id,
        url: `${WEB_PLUGINS_PATH}/${b.id}.js`,
        ...(b.css ? { css: `${WEB_PLUGINS_PATH}/${b.id}.css` } : {}),
      })),
    });
  });
  router.get(`${WEB_PLUGINS_PATH}/:file`, (req, res, next) => {
    const m = /^([a-z][a-z0-9-]*)\.(js|css)$/.exec(req.params.file);
    const bundle = m ? byId.get(m[1] as string) : undefined;
    if (!bundle || (m?.[2] === 'css' && !bundle.css)) return next();
    res.set({ 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    if (m?.[2] === 'css') res.type('text/css').send(bundle.css);
    else res.type('text/javascript').send(bundle.code);
  });
  return router;
}
