/**
 * Hand-made OCM wire bodies that must be valid under both the official OpenAPI schema and ours,
 * keyed by our schema name. Shapes follow what real peers send (Nextcloud legacy form, multi-protocol, ...).
 */
import type { OcmSchemaName } from '../../core/ocm-schema/schemas.ts';

const share = {
  shareWith: 'bob@receiver.example.org',
  name: 'report.txt',
  providerId: 'p-1',
  owner: 'alice@sender.example.org',
  sender: 'alice@sender.example.org',
  shareType: 'user',
  resourceType: 'file',
};

/** Valid bodies per schema; the first one of each list is the base for negative variants. */
export const SAMPLE_BODIES: Record<OcmSchemaName, Record<string, unknown>[]> = {
  NewShare: [
    { ...share, protocol: { name: 'webdav', webdav: { uri: 'p-1', sharedSecret: 's3cr3t', permissions: ['read'] } } },
    {
      ...share,
      shareWith: 'nomen.nescio@example.org@localhost:4002',
      owner: 'a@b@localhost:4001',
      sender: 'carol@localhost:4001',
      ownerDisplayName: 'A B',
      senderDisplayName: 'Carol',
      sharedBy: 'carol@localhost:4001',
      sharedByDisplayName: 'Carol',
      description: '',
      resourceType: 'folder',
      expiration: 1900000000,
      protocol: {
        name: 'multi',
        webdav: {
          uri: 'https://sender.example.org/dav/ocm/p-1',
          sharedSecret: 's',
          permissions: ['read', 'write', 'share'],
          requirements: ['must-exchange-token'],
          accessTypes: ['remote'],
        },
      },
    },
    {
      ...share,
      protocol: {
        name: 'webdav',
        options: { sharedSecret: 's', permissions: '{http://open-cloud-mesh.org/ns}share-permissions' },
      },
    },
    {
      ...share,
      shareType: 'group',
      protocol: {
        name: 'multi',
        webdav: {
          uri: 'p-1',
          sharedSecret: 's',
          permissions: ['read'],
          requirements: ['must-exchange-token', 'must-use-mfa'],
        },
        webapp: {
          uri: 'https://apps.example.org/p-1',
          sharedSecret: 's',
          targets: ['blank', 'iframe'],
          permissions: ['view'],
          requirements: ['must-exchange-token'],
          appName: 'Editor',
          appIconHint: 'text/plain',
          mediaTypes: ['text/plain'],
        },
        ssh: { uri: 'u@sender.example.org:22/p-1', accessTypes: ['datatx'] },
      },
    },
  ],
  NewNotification: [
    {
      notificationType: 'SHARE_ACCEPTED',
      resourceType: 'file',
      providerId: 'p-1',
      notification: { sharedSecret: 's', message: 'ok' },
    },
    {
      notificationType: 'SHARE_UNSHARED',
      resourceType: 'folder',
      providerId: 'p-2',
      notification: { grantee: 'bob@receiver.example.org' },
    },
    { notificationType: 'USER_REMOVED', resourceType: 'user', providerId: 'alice' },
    {
      notificationType: 'REQUEST_RESHARE',
      resourceType: 'file',
      providerId: 'p-1',
      notification: { sharedSecret: 's', shareWith: 'dave@third.example.org', senderId: 'x', shareType: 'user' },
    },
  ],
  AcceptedInvite: [
    { recipientProvider: 'receiver.example.org', token: 'tok', userID: 'bob', email: 'bob@example.org', name: 'Bob' },
    { recipientProvider: 'localhost:4002', token: 'a55a966e', userID: 'b@c', email: '', name: '' },
  ],
  RequestShare: [
    { owner: 'alice@sender.example.org', shareWith: 'bob@receiver.example.org', share: 'p-1' },
    { owner: 'alice@localhost:4001', shareWith: 'bob@localhost:4002', share: 'https://sender.example.org/f/1' },
  ],
  TokenRequest: [
    { grant_type: 'authorization_code', client_id: 'receiver.example.org', code: 's3cr3t' },
    { grant_type: 'authorization_code', client_id: 'localhost:4002', code: 's', redirect_uri: 'https://x.example/cb' },
  ],
  ShareCreatedResponse: [
    { recipientDisplayName: 'Bob' },
    { recipientDisplayName: '', recipientPublicKeys: ['ssh-ed25519 AAAA'] },
  ],
  AcceptedInviteResponse: [{ userID: 'alice', email: 'alice@sender.example.org', name: 'Alice' }],
  TokenResponse: [
    { access_token: 'at', token_type: 'Bearer', expires_in: 300 },
    { access_token: 'at', token_type: 'Bearer' },
  ],
  Error: [
    { message: 'RESOURCE_NOT_FOUND' },
    { message: 'INVALID_BODY', validationErrors: [{ name: 'shareWith', message: 'REQUIRED' }] },
  ],
  Discovery: [
    {
      enabled: true,
      apiVersion: '1.4.0',
      endPoint: 'https://cloud.example.org/ocm',
      provider: 'Meshwork',
      resourceTypes: [
        {
          name: 'file',
          shareTypes: ['user', 'group'],
          protocols: { webdav: '/dav/ocm/', 'webdav-receive': { uri: 'relative' } },
        },
        {
          name: 'folder',
          shareTypes: ['user'],
          protocols: { webdav: '/dav/ocm/', webapp: {}, 'webapp-receive': { targets: ['blank'] } },
        },
      ],
      capabilities: ['exchange-token', 'http-sig', 'invites', 'notifications', 'protocol-object'],
      criteria: [],
      jwksUri: 'https://cloud.example.org/ocm/jwks',
      tokenEndPoint: 'https://cloud.example.org/ocm/token',
      inviteAcceptDialog: '/ocm/accept-invite',
    },
    { enabled: false, apiVersion: '1.1.0', endPoint: 'http://localhost:4001/ocm', resourceTypes: [{ name: 'file' }] },
  ],
};
