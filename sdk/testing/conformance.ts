/**
 * The conformance suite every resource-type plugin runs (`runConformance(plugins, adapter)` inside a mocha file):
 * the share lifecycle between two servers, decline, a duplicate delivery, access refused after revocation, bad
 * protocol objects refused with 400, unsigned server-to-server calls refused, and discovery advertising exactly the
 * resource types the plugins handle. The adapter tells the suite how to make a resource and how to use a share.
 */
import assert from 'node:assert/strict';
import type { IncomingShare, MeshworkPlugin } from '#core';
import {
  accept,
  decline,
  revoke,
  share,
  signedPost,
  startFederation,
  storedIncoming,
  type Federation,
  type FederationServer,
  type SharePair,
} from './federation.ts';

/** What a resource-type plugin tells the suite. */
export interface ConformanceAdapter {
  /** The resource type under test (one of the plugins' `resourceTypes`). */
  resourceType: string;
  /** The protocol arm its shares carry (`webdav`, `chat`, …). */
  protocol: string;
  /** Creates a resource owned by `userId` on `server`; returns the id to share (`resourceId`). */
  createResource(server: FederationServer, userId: string): Promise<string>;
  /**
   * Uses the shared resource the way the recipient's server does (with the incoming share's credential, signed or
   * not); returns the owner server's HTTP status. 2xx means access was granted.
   */
  access(args: { owner: FederationServer; recipient: FederationServer; incoming: IncomingShare }): Promise<number>;
  /** Protocol arms the recipient must refuse with 400 (defaults: a string, an empty object, a list). */
  badProtocols?: unknown[];
  /**
   * The share's `protocol` object as the plugin's own sender puts it on the wire, rebuilt from the stored arm (for the
   * suite's re-deliveries). Default: the OCM 1.x `{ name: 'multi', <protocol>: arm }`; a plugin speaking a legacy
   * single-protocol shape (Nextcloud's calendar `{ name: 'webdav', options, version, url, … }`) rebuilds that.
   */
  wireProtocol?(arm: unknown): Record<string, unknown>;
  /** The plugin's own signed server-to-server routes (POST), which must refuse an unsigned call with 401. */
  signedRoutes?: string[];
}

const OWNER = 'alice';
const RECIPIENT = 'bob';

/** The OCM NewShare body the owner's server would send, rebuilt from what the recipient stored. */
function shareBody(recipient: FederationServer, s: IncomingShare, protocol: Record<string, unknown>) {
  return {
    shareWith: recipient.address(RECIPIENT),
    name: s.name,
    providerId: s.providerId,
    owner: s.owner,
    sender: s.sender,
    ownerDisplayName: s.ownerDisplayName ?? OWNER,
    senderDisplayName: s.senderDisplayName ?? OWNER,
    shareType: 'user',
    resourceType: s.resourceType,
    protocol,
  };
}

/** Registers the suite (a mocha `describe`) for one resource type. */
export function runConformance(plugins: () => MeshworkPlugin[], adapter: ConformanceAdapter): void {
  describe(`conformance: resource type ${adapter.resourceType}`, function () {
    this.timeout(60_000);
    let fed: Federation;
    let a: FederationServer;
    let b: FederationServer;

    before(async () => {
      fed = await startFederation({ servers: 2, plugins, users: [OWNER, RECIPIENT] });
      [a, b] = fed.servers as [FederationServer, FederationServer];
    });
    after(async () => fed?.close());

    /** The protocol object a share with this arm has on the wire. */
    const wire = (arm: unknown): Record<string, unknown> =>
      adapter.wireProtocol ? adapter.wireProtocol(arm) : { name: 'multi', [adapter.protocol]: arm };

    async function shared(): Promise<SharePair> {
      const resourceId = await adapter.createResource(a, OWNER);
      return share(a, OWNER, { resourceType: adapter.resourceType, resourceId }, b, RECIPIENT);
    }

    it('lifecycle: share, accept, use with the share credential, revoke; access is refused afterwards', async () => {
      const pair = await shared();
      assert.equal(pair.incoming.state, 'pending');
      assert.equal(pair.incoming.resourceType, adapter.resourceType);
      await accept(pair, b, RECIPIENT, a, OWNER);
      const incoming = await storedIncoming(b, pair.incoming.id);
      assert.ok(incoming.protocol.protocols[adapter.protocol], `the share carries the ${adapter.protocol} protocol`);
      const before = await adapter.access({ owner: a, recipient: b, incoming });
      assert.ok(before >= 200 && before < 300, `access with the share's credential: ${before}`);
      await revoke(pair, a, OWNER, b, RECIPIENT);
      const after = await adapter.access({ owner: a, recipient: b, incoming });
      assert.ok(after >= 400 && after < 500, `revoked access must be refused with a 4xx, got ${after}`);
    });

    it('decline: the owner is told and the recipient gets no access', async () => {
      const pair = await shared();
      const incoming = await storedIncoming(b, pair.incoming.id);
      await decline(pair, b, RECIPIENT, a, OWNER);
      const status = await adapter.access({ owner: a, recipient: b, incoming });
      assert.ok(status >= 400 && status < 500, `a declined share must give no access, got ${status}`);
    });

    it('a duplicate delivery of the same share is stored once', async () => {
      const pair = await shared();
      const stored = await storedIncoming(b, pair.incoming.id);
      const body = shareBody(b, stored, wire(stored.protocol.protocols[adapter.protocol]));
      const again = await signedPost(a, b, '/ocm/shares', body);
      assert.ok(
        again.status >= 200 && again.status < 300,
        `a retried share is acknowledged: ${again.status} ${JSON.stringify(again.body)}`,
      );
      const same = (await b.server.engine.shares.listIncoming(RECIPIENT)).filter(
        (s) => s.providerId === stored.providerId && s.senderHost === a.host,
      );
      assert.equal(same.length, 1, 'one incoming share for one providerId');
    });

    it('bad protocol objects from a peer are refused with 400 and not stored', async () => {
      const pair = await shared();
      const stored = await storedIncoming(b, pair.incoming.id);
      const bad = adapter.badProtocols ?? ['not an object', {}, [1, 2]];
      for (const arm of bad) {
        const body = {
          ...shareBody(b, stored, wire(arm)),
          providerId: `bad-${Math.random().toString(36).slice(2)}`,
        };
        const res = await signedPost(a, b, '/ocm/shares', body);
        assert.equal(res.status, 400, `protocol ${JSON.stringify(arm)}: ${res.status} ${JSON.stringify(res.body)}`);
        const kept = (await b.server.engine.shares.listIncoming(RECIPIENT)).some(
          (s) => s.providerId === body.providerId,
        );
        assert.equal(kept, false, 'a refused share is not stored');
      }
    });

    it('unsigned server-to-server calls are refused', async () => {
      const pair = await shared();
      const stored = await storedIncoming(b, pair.incoming.id);
      const body = {
        ...shareBody(b, stored, wire(stored.protocol.protocols[adapter.protocol])),
        providerId: 'unsigned-1',
      };
      const res = await signedPost(null, b, '/ocm/shares', body);
      assert.equal(
        res.status,
        401,
        `an unsigned share claiming a signing server: ${res.status} ${JSON.stringify(res.body)}`,
      );
      for (const route of adapter.signedRoutes ?? []) {
        const r = await signedPost(null, a, route, {});
        assert.equal(r.status, 401, `unsigned POST ${route}: ${r.status}`);
      }
    });

    it('discovery advertises exactly the resource types the plugins handle', async () => {
      const doc = (await (await fetch(`${a.origin}/.well-known/ocm`)).json()) as {
        resourceTypes: Array<{ name: string; protocols: Record<string, unknown> }>;
      };
      const declared = plugins().flatMap((p) => p.resourceTypes);
      assert.deepEqual(doc.resourceTypes.map((r) => r.name).sort(), declared.map((r) => r.name).sort());
      const mine = doc.resourceTypes.find((r) => r.name === adapter.resourceType);
      assert.ok(
        mine?.protocols[adapter.protocol] !== undefined,
        `${adapter.resourceType} advertises ${adapter.protocol}`,
      );
      // A resource type nobody here handles is refused, not stored.
      const pair = await shared();
      const stored = await storedIncoming(b, pair.incoming.id);
      const body = {
        ...shareBody(b, stored, wire(stored.protocol.protocols[adapter.protocol])),
        providerId: 'unhandled-1',
        resourceType: 'no-such-type',
      };
      const res = await signedPost(a, b, '/ocm/shares', body);
      assert.equal(res.status, 501, `a share of an unadvertised type: ${res.status} ${JSON.stringify(res.body)}`);
    });
  });
}
