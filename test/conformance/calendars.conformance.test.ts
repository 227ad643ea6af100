// The plugin conformance suite (#sdk/testing) for the calendars plugin's `calendar` resource type (Nextcloud's
// legacy `webdav` v1 protocol block, served to the recipient's server at /dav/remote-calendars/<providerId>/).
import { runConformance } from '#sdk/testing';
import { calendarsPlugin } from '../../plugins/calendars/index.ts';

let n = 0;
runConformance(() => [calendarsPlugin()], {
  resourceType: 'calendar',
  protocol: 'webdav',
  // Sent as Nextcloud does: the legacy `{ name: 'webdav', options }` block (the core folds its fields into the arm).
  wireProtocol: (arm) => ({ name: 'webdav', options: arm }),
  async createResource(server, userId) {
    const res = await server.api(userId, 'POST', '/api/v1/calendars', { name: `Conformance ${++n}` });
    if (res.status !== 201) throw new Error(`calendar: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  },
  // The recipient's server pulls the calendar over CalDAV with the share's secret (Basic or Bearer, as Nextcloud).
  async access({ incoming }) {
    const arm = incoming.protocol.protocols.webdav ?? {};
    const options = (arm.options ?? {}) as Record<string, unknown>;
    const secret = String(arm.sharedSecret ?? options.sharedSecret);
    const res = await fetch(String(arm.url), {
      method: 'PROPFIND',
      headers: { authorization: `Bearer ${secret}`, depth: '0' },
    });
    await res.arrayBuffer();
    return res.status;
  },
});
