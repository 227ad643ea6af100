/**
 * `GET /api/v1/contacts/share-types?address=<OCM address>`: which resource types the person's server lists in its
 * OCM discovery, so "Share with…" offers only what can reach them. A person of this server answers `local: true`
 * (the page uses this server's own discovery); a server that cannot be asked answers `resourceTypes: null` (unknown:
 * every target stays, and a share that cannot be delivered says so in the inbox as before).
 */
import type { Router } from 'express';
import { parseAddress, type RemoteClient } from '#core';

/** The answer of the route. */
export interface ShareTypesView {
  host: string;
  local: boolean;
  resourceTypes: string[] | null;
}

/** Mounts the route on the plugin's API router. */
export function mountShareTypes(api: Router, deps: { selfHost: () => string; remote: RemoteClient }): void {
  api.get('/share-types', async (req, res) => {
    const { host } = parseAddress(typeof req.query.address === 'string' ? req.query.address : '');
    let view: ShareTypesView;
    if (host.toLowerCase() === deps.selfHost().toLowerCase()) view = { host, local: true, resourceTypes: null };
    else {
      const types = await deps.remote.discover(host).then(
        (d) => d.resourceTypes.map((r) => r.name),
        () => null,
      );
      view = { host, local: false, resourceTypes: types };
    }
    res.json(view);
  });
}
