/**
 * Contract: the wire bodies older peers send and expect, as recorded from Nextcloud's code and traffic
 * (shared/research/nextcloud.md §1.2, §2.1; next-capabilities.md §2.2-2.3), against what we read and send.
 */
import assert from 'node:assert/strict';
import { normaliseDiscovery } from '../../core/discovery/discovery-client.ts';
import { normalizeLegacyShare } from '../../core/ocm-schema/legacy-share.ts';
import { normalizeProtocol } from '../../core/ocm-schema/protocol-object.ts';
import { checkBody } from '../../core/ocm-schema/validate.ts';
import { adaptNotificationToReceiver, adaptShareToReceiver } from '../../core/outbox/outbox-delivery.ts';

const policy = { allowInsecure: true };
const PEM = '-----BEGIN PUBLIC KEY-----\nMIIBIjANBg...\n-----END PUBLIC KEY-----\n';

/** Nextcloud 31's discovery (apiVersion kept at 1.0-proposal1 for compatibility, cavage key, no http-sig). */
const NC31_DISCOVERY = {
  enabled: true,
  apiVersion: '1.0-proposal1',
  version: '1.1.0',
  endPoint: 'https://nc.example/ocm',
  provider: 'Nextcloud',
  resourceTypes: [{ name: 'file', shareTypes: ['user', 'group'], protocols: { webdav: '/public.php/webdav/' } }],
  capabilities: ['invite-accepted', 'notifications', 'shares'],
  publicKey: { keyId: 'https://nc.example/ocm#signature', publicKeyPem: PEM },
};

/** Nextcloud's file share envelope (CloudFederationShare), as Nextcloud 35 sends it: scheme in shareWith, no sender. */
const NC_FILE_SHARE = {
  shareWith: 'bob@https://meshwork.example',
  name: 'report.txt',
  description: '',
  providerId: '42',
  owner: 'alice@nc.example',
  ownerDisplayName: 'Alice',
  sharedBy: 'alice@nc.example',
  sharedByDisplayName: 'Alice',
  shareType: 'user',
  resourceType: 'file',
  protocol: {
    name: 'webdav',
    options: { sharedSecret: 'nc-token', permissions: '{http://open-cloud-mesh.org/ns}share-permissions' },
  },
};

/** Talk's room invite (BackendNotifier::sendRemoteShare): Talk's fields at the top of protocol. */
const NC_TALK_SHARE = {
  ...NC_FILE_SHARE,
  shareWith: 'bob@meshwork.example',
  name: 'roomtoken1',
  providerId: '17',
  resourceType: 'talk-room',
  protocol: {
    name: 'nctalk',
    options: { sharedSecret: 'a'.repeat(64), permissions: '{http://open-cloud-mesh.org/ns}share-permissions' },
    invitedCloudId: 'bob@meshwork.example',
    roomName: 'Lunch',
    roomType: 2,
    roomDefaultPermissions: 0,
  },
};

/** Calendar federation (FederationSharingService::shareWith): constant providerId, v1 fields beside options. */
const NC_CALENDAR_SHARE = {
  ...NC_FILE_SHARE,
  shareWith: 'bob@meshwork.example',
  name: 'work',
  description: 'Work',
  providerId: 'calendar',
  resourceType: 'calendar',
  protocol: {
    name: 'webdav',
    options: { sharedSecret: 'c'.repeat(32), permissions: '{http://open-cloud-mesh.org/ns}share-permissions' },
    version: 'v1',
    url: 'https://nc.example/remote.php/dav/remote-calendars/Ym9i/work_shared_by_alice',
    displayName: 'Work',
    color: null,
    access: 3,
    components: 'VEVENT,VTODO',
  },
};

describe('legacy wire bodies (recorded from Nextcloud)', () => {
  describe('what we receive', () => {
    it('reads a Nextcloud file share: sharedBy as sender, no scheme in addresses, secret from options', () => {
      const body = normalizeLegacyShare(NC_FILE_SHARE) as Record<string, any>;
      assert.deepEqual(checkBody('NewShare', body), []);
      assert.equal(body.sender, 'alice@nc.example');
      assert.equal(body.senderDisplayName, 'Alice');
      assert.equal(body.shareWith, 'bob@meshwork.example');
      const p = normalizeProtocol(body.protocol);
      assert.equal(p.legacy, true);
      assert.equal(p.protocols.webdav?.sharedSecret, 'nc-token');
      assert.deepEqual(p.protocols.webdav?.permissions, []);
    });

    it('reads a Talk invite, keeping its room fields in the protocol arm', () => {
      const body = normalizeLegacyShare(NC_TALK_SHARE) as Record<string, any>;
      assert.deepEqual(checkBody('NewShare', body), []);
      const arm = normalizeProtocol(body.protocol).protocols.nctalk!;
      assert.equal(arm.sharedSecret, 'a'.repeat(64));
      assert.equal(arm.roomName, 'Lunch');
      assert.equal(arm.roomType, 2);
    });

    it('reads a calendar share, keeping url, version, access and components in the webdav arm', () => {
      const body = normalizeLegacyShare(NC_CALENDAR_SHARE) as Record<string, any>;
      assert.deepEqual(checkBody('NewShare', body), []);
      const arm = normalizeProtocol(body.protocol).protocols.webdav!;
      assert.equal(arm.version, 'v1');
      assert.equal(arm.url, NC_CALENDAR_SHARE.protocol.url);
      assert.equal(arm.access, 3);
      assert.equal(arm.color, null);
      assert.equal(arm.sharedSecret, 'c'.repeat(32));
    });

    it('accepts SYNC_CALENDAR as a notification body', () => {
      const n = {
        notificationType: 'SYNC_CALENDAR',
        resourceType: 'calendar',
        providerId: 'calendar',
        notification: { sharedSecret: 'c'.repeat(32), shareWith: 'bob@meshwork.example', calendarUrl: 'https://x' },
      };
      assert.deepEqual(checkBody('NewNotification', n), []);
    });

    it('leaves a 1.4 body as it is', () => {
      const { sharedBy: _b, sharedByDisplayName: _n, ...rest } = NC_FILE_SHARE;
      const modern = {
        ...rest,
        shareWith: 'bob@meshwork.example',
        sender: 'carol@nc.example',
        senderDisplayName: 'Carol',
        protocol: { name: 'multi', webdav: { uri: 'u', sharedSecret: 's', permissions: ['read'] } },
      };
      assert.deepEqual(normalizeLegacyShare(modern), modern);
    });
  });

  describe('discovery', () => {
    it('a Nextcloud 31 document is legacy (apiVersion 1.0-proposal1) with a cavage key', () => {
      const d = normaliseDiscovery(NC31_DISCOVERY, 'https://nc.example', 'nc.example', policy);
      assert.equal(d.legacy, true);
      assert.deepEqual(d.legacyPublicKey, NC31_DISCOVERY.publicKey);
    });

    it('a 1.1+ document at /.well-known/ocm is not legacy; the same served only at /ocm-provider is', () => {
      const ocis = { ...NC31_DISCOVERY, apiVersion: '1.1.0' };
      delete (ocis as Record<string, unknown>).publicKey;
      assert.equal(normaliseDiscovery(ocis, 'https://nc.example', 'nc.example', policy).legacy, false);
      assert.equal(normaliseDiscovery(ocis, 'https://nc.example', 'nc.example', policy, '/ocm-provider').legacy, true);
    });

    it('reads a publicKey given as a bare PEM string', () => {
      const d = normaliseDiscovery({ ...NC31_DISCOVERY, publicKey: PEM }, 'https://nc.example', 'nc.example', policy);
      assert.deepEqual(d.legacyPublicKey, { publicKeyPem: PEM.trim() });
    });
  });

  describe('what we send', () => {
    const ours = {
      shareWith: 'bob@nc.example',
      name: 'report.txt',
      providerId: 'p-1',
      owner: 'alice@meshwork.example',
      sender: 'alice@meshwork.example',
      ownerDisplayName: 'Alice',
      senderDisplayName: 'Alice',
      shareType: 'user',
      resourceType: 'file',
      protocol: { name: 'multi', webdav: { uri: 'p-1', sharedSecret: 'sec', permissions: ['read', 'write'] } },
    };
    const nc31 = normaliseDiscovery(NC31_DISCOVERY, 'https://nc.example', 'nc.example', policy);

    it('gives a legacy peer every field Nextcloud’s addShare requires, beside the 1.4 protocol object', () => {
      const sent = adaptShareToReceiver(ours, nc31) as Record<string, any>;
      for (const f of ['shareWith', 'name', 'providerId', 'resourceType', 'shareType', 'owner', 'sharedBy'])
        assert.equal(typeof sent[f], 'string', f);
      assert.equal(sent.protocol.name, 'webdav');
      assert.equal(sent.protocol.options.sharedSecret, 'sec');
      assert.equal(sent.protocol.options.permissions, '{http://open-cloud-mesh.org/ns}share-permissions');
      assert.deepEqual(sent.protocol.webdav, ours.protocol.webdav);
      // and we can read our own legacy form back
      assert.equal(normalizeProtocol(sent.protocol).protocols.webdav?.sharedSecret, 'sec');
    });

    it('gives a 1.4 peer the body unchanged', () => {
      const modern = normaliseDiscovery(
        { ...NC31_DISCOVERY, apiVersion: '1.4.0', capabilities: ['http-sig'], jwksUri: 'https://nc.example/jwks' },
        'https://nc.example',
        'nc.example',
        policy,
      );
      assert.deepEqual(adaptShareToReceiver(ours, modern), ours);
    });

    it('adds the message OCM 1.0 requires to notifications for a legacy peer', () => {
      const n = {
        notificationType: 'NOTE_UPDATED',
        resourceType: 'note',
        providerId: 'p',
        notification: { title: 't' },
      };
      const sent = adaptNotificationToReceiver(n, nc31) as Record<string, any>;
      assert.deepEqual(sent.notification, { title: 't', message: 'NOTE_UPDATED' });
    });

    it('assumes a peer accepts a resource type only when its plugin declares it assumable', () => {
      const none = { ...nc31, resourceTypes: [] };
      const spec = { name: 'file', shareTypes: ['user'], protocols: {} };
      assert.throws(() => adaptShareToReceiver(ours, none, spec), { code: 'RECEIVER_UNSUPPORTED' });
      assert.doesNotThrow(() => adaptShareToReceiver(ours, none, { ...spec, assumable: true }));
    });
  });
});
