// The plugin conformance suite (#sdk/testing) for the files plugin's `file` resource type.
import { runConformance } from '#sdk/testing';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';

let n = 0;
runConformance(() => [filesPlugin()], {
  resourceType: 'file',
  protocol: 'webdav',
  async createResource(server, userId) {
    const name = `conformance-${++n}.txt`;
    const res = await davClient(server.origin, basicFor(userId)).send('PUT', `/dav/files/${userId}/${name}`, {
      body: 'conformance',
    });
    if (res.status !== 201) throw new Error(`PUT ${name}: ${res.status}`);
    return `/${name}`;
  },
  async access({ owner, incoming }) {
    const arm = incoming.protocol.protocols.webdav ?? {};
    const dav = davClient(owner.origin, `Bearer ${String(arm.sharedSecret)}`);
    return (await dav.send('PROPFIND', `/dav/ocm/${incoming.providerId}`, { headers: { depth: '0' } })).status;
  },
});
