import assert from 'node:assert/strict';
import { InputError, type ValidationIssue } from '../errors.ts';
import { OCM_SCHEMAS, type OcmSchemaName } from './schemas.ts';
import { checkBody, validateBody } from './validate.ts';

const webdavShare = {
  shareWith: 'bob@receiver.example.org',
  name: 'resource.txt',
  providerId: '7c084226-d9a1-11e6-bf26-cec0c932ce01',
  owner: 'alice@sender.example.org',
  sender: 'alice@sender.example.org',
  shareType: 'user',
  resourceType: 'file',
  protocol: {
    name: 'webdav',
    webdav: { uri: '7c084226', sharedSecret: 'hfiuhworzwnur98d3wjiwhr', permissions: ['read'] },
  },
};

/** One valid body per schema; extras from real peers (sharedBy etc.) included where relevant. */
const VALID: Record<OcmSchemaName, Record<string, unknown>> = {
  NewShare: {
    ...webdavShare,
    sharedBy: 'alice@sender.example.org',
    senderDisplayName: 'Alice',
    expiration: 1900000000,
  },
  NewNotification: { notificationType: 'SHARE_ACCEPTED', resourceType: 'file', providerId: 'p1', notification: {} },
  AcceptedInvite: { recipientProvider: 'receiver.example.org', token: 't', userID: 'u1', email: '', name: 'Bob' },
  RequestShare: { owner: 'alice@sender.example.org', shareWith: 'bob@receiver.example.org', share: 'abc' },
  TokenRequest: { grant_type: 'authorization_code', client_id: 'receiver.example.org', code: 'secret' },
  ShareCreatedResponse: { recipientDisplayName: 'Bob' },
  AcceptedInviteResponse: { userID: 'alice', email: 'alice@example.org', name: 'Alice' },
  TokenResponse: { access_token: 'tok', token_type: 'Bearer', expires_in: 300 },
  Error: { message: 'INVALID_BODY', validationErrors: [{ name: 'shareWith', message: 'REQUIRED' }] },
  Discovery: {
    enabled: true,
    apiVersion: '1.4.0',
    endPoint: 'https://cloud.example.org/ocm',
    resourceTypes: [
      { name: 'file', shareTypes: ['user'], protocols: { webdav: '/dav/', 'webdav-receive': { uri: 'relative' } } },
    ],
    capabilities: ['exchange-token', 'some-future-capability'],
    tokenEndPoint: '/ocm/token',
  },
};

function issuesOf(name: OcmSchemaName, body: unknown): ValidationIssue[] {
  try {
    validateBody(name, body);
  } catch (err) {
    assert.ok(err instanceof InputError);
    assert.equal(err.code, 'INVALID_BODY');
    assert.equal(err.message, `invalid ${name}`);
    return err.validationErrors ?? [];
  }
  assert.fail(`expected ${name} to be rejected: ${JSON.stringify(body)}`);
}

function withProtocol(protocol: unknown): Record<string, unknown> {
  return { ...webdavShare, protocol };
}

describe('validateBody', () => {
  for (const name of Object.keys(OCM_SCHEMAS) as OcmSchemaName[]) {
    describe(name, () => {
      it('accepts a valid body and returns it', () => {
        assert.equal(validateBody(name, VALID[name]), VALID[name]);
      });

      for (const field of OCM_SCHEMAS[name].required) {
        it(`names missing "${field}" as REQUIRED`, () => {
          const body: Record<string, unknown> = { ...VALID[name] };
          delete body[field];
          assert.deepEqual(issuesOf(name, body), [{ name: field, message: 'REQUIRED' }]);
        });
      }

      it('rejects non-object bodies as body REQUIRED', () => {
        for (const body of [null, undefined, 'x', 42, [VALID[name]]]) {
          assert.deepEqual(issuesOf(name, body), [{ name: 'body', message: 'REQUIRED' }]);
        }
      });
    });
  }

  it('reports wrong types with INVALID_TYPE, several at once', () => {
    const issues = issuesOf('NewShare', { ...webdavShare, shareWith: 5, expiration: '2030', protocol: 'webdav' });
    assert.deepEqual(issues, [
      { name: 'shareWith', message: 'INVALID_TYPE' },
      { name: 'expiration', message: 'INVALID_TYPE' },
      { name: 'protocol', message: 'INVALID_TYPE' },
    ]);
    assert.deepEqual(issuesOf('NewShare', { ...webdavShare, expiration: 1.5 }), [
      { name: 'expiration', message: 'INVALID_TYPE' },
    ]);
    assert.deepEqual(issuesOf('NewNotification', { notificationType: 'X', providerId: 7, notification: 'x' }), [
      { name: 'providerId', message: 'INVALID_TYPE' },
      { name: 'notification', message: 'INVALID_TYPE' },
    ]);
  });

  it('reports empty required strings as EMPTY', () => {
    assert.deepEqual(issuesOf('NewShare', { ...webdavShare, name: '' }), [{ name: 'name', message: 'EMPTY' }]);
  });

  it('accepts the three protocol forms', () => {
    validateBody(
      'NewShare',
      withProtocol({ name: 'webdav', options: { sharedSecret: 's', permissions: 'some scheme' } }),
    );
    validateBody('NewShare', withProtocol({ name: 'webdav', webdav: { uri: 'u', sharedSecret: 's' } }));
    validateBody(
      'NewShare',
      withProtocol({
        name: 'multi',
        webdav: {
          uri: 'https://x/dav/u',
          sharedSecret: 's',
          permissions: ['read'],
          requirements: ['must-exchange-token'],
        },
        webapp: { uri: 'https://x/app', sharedSecret: 's', targets: ['blank'] },
        custom: { anything: 1 },
      }),
    );
  });

  it('uses dotted paths for nested protocol problems', () => {
    assert.deepEqual(issuesOf('NewShare', withProtocol({ name: 'webdav', webdav: { sharedSecret: 's' } })), [
      { name: 'protocol.webdav.uri', message: 'REQUIRED' },
    ]);
    assert.deepEqual(issuesOf('NewShare', withProtocol({ webdav: { uri: 'u', sharedSecret: 's' } })), [
      { name: 'protocol.name', message: 'REQUIRED' },
    ]);
    const bad = { name: 'multi', webdav: { uri: 'u', sharedSecret: 's', permissions: ['read', 3], requirements: [] } };
    assert.deepEqual(issuesOf('NewShare', withProtocol(bad)), [
      { name: 'protocol.webdav.permissions[1]', message: 'INVALID_TYPE' },
      { name: 'protocol.webdav.requirements', message: 'EMPTY' },
    ]);
    assert.deepEqual(issuesOf('NewShare', withProtocol({ name: 'multi', other: 'str' })), [
      { name: 'protocol.other', message: 'INVALID_TYPE' },
    ]);
  });

  it('checks enums and formats on response shapes', () => {
    assert.deepEqual(issuesOf('TokenResponse', { access_token: 'a', token_type: 'bearer' }), [
      { name: 'token_type', message: 'INVALID_VALUE' },
    ]);
    assert.deepEqual(issuesOf('Discovery', { ...VALID.Discovery, endPoint: 'not a uri' }), [
      { name: 'endPoint', message: 'INVALID_FORMAT' },
    ]);
    const rt = [{ name: 'file', protocols: { 'webdav-receive': { uri: 'sideways' }, x: 5 } }];
    assert.deepEqual(issuesOf('Discovery', { ...VALID.Discovery, resourceTypes: rt }), [
      { name: 'resourceTypes[0].protocols.x', message: 'INVALID_TYPE' },
      { name: 'resourceTypes[0].protocols.webdav-receive.uri', message: 'INVALID_VALUE' },
    ]);
    assert.deepEqual(issuesOf('Error', { message: 'X', validationErrors: [{ name: 'a' }] }), [
      { name: 'validationErrors[0].message', message: 'REQUIRED' },
    ]);
  });

  it('checkBody returns issues instead of throwing', () => {
    assert.deepEqual(checkBody('TokenRequest', VALID.TokenRequest), []);
    assert.deepEqual(checkBody('TokenRequest', { grant_type: 'authorization_code', client_id: 'r' }), [
      { name: 'code', message: 'REQUIRED' },
    ]);
  });

  it('throws a TypeError for an unknown schema name', () => {
    assert.throws(() => validateBody('Nope' as OcmSchemaName, {}), TypeError);
  });
});
