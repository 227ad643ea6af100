import assert from 'node:assert/strict';
import { InputError } from '../errors.ts';
import { KNOWN_REQUIREMENTS, collectRequirements, normalizeProtocol, unknownRequirements } from './protocol-object.ts';

// The three `NewShare.protocol` examples of the official OpenAPI 1.4.0 (singleProtocolLegacy, singleProtocolNew,
// multipleProtocols), reproduced as data for the test.
const SPEC_LEGACY = {
  name: 'webdav',
  options: { sharedSecret: 'hfiuhworzwnur98d3wjiwhr', permissions: 'some permissions scheme' },
};
const SPEC_SINGLE_NEW = {
  name: 'multi',
  webdav: {
    uri: '7c084226-d9a1-11e6-bf26-cec0c932ce01',
    sharedSecret: 'hfiuhworzwnur98d3wjiwhr',
    permissions: ['read', 'write'],
  },
};
const SPEC_MULTIPLE = {
  name: 'multi',
  webdav: {
    accessTypes: ['remote', 'datatx'],
    uri: 'https://cloud.example.org/remote/dav/ocm/7c084226-d9a1-11e6-bf26-cec0c932ce01',
    sharedSecret: 'hfiuhworzwnur98d3wjiwhr',
    permissions: ['read'],
    requirements: ['must-use-mfa', 'must-exchange-token'],
  },
  webapp: {
    uri: 'https://apps.example.org/hedgedoc/7c084226-d9a1-11e6-bf26-cec0c932ce01',
    sharedSecret: 'hfiuhworzwnur98d3wjiwhr',
    targets: ['blank'],
    permissions: ['read'],
    requirements: ['must-use-mfa', 'must-exchange-token'],
    appName: 'HedgeDoc',
  },
  ssh: { accessTypes: ['datatx'], uri: 'extuser@cloud.example.org:/7c084226-d9a1-11e6-bf26-cec0c932ce01' },
};

function assertInvalid(protocol: unknown, field?: string): void {
  assert.throws(
    () => normalizeProtocol(protocol),
    (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.code, 'INVALID_PROTOCOL');
      if (field !== undefined) assert.equal(err.validationErrors?.[0]?.name, field);
      return true;
    },
  );
}

describe('normalizeProtocol', () => {
  it('spec example singleProtocolLegacy: options become the webdav arm', () => {
    const n = normalizeProtocol(SPEC_LEGACY);
    assert.equal(n.legacy, true);
    assert.equal(n.name, 'webdav');
    assert.deepEqual(n.protocols, {
      webdav: {
        sharedSecret: 'hfiuhworzwnur98d3wjiwhr',
        permissions: [],
        legacyPermissions: 'some permissions scheme',
      },
    });
  });

  it('spec example singleProtocolNew: multi with one webdav object', () => {
    const n = normalizeProtocol(SPEC_SINGLE_NEW);
    assert.deepEqual(n, { name: 'multi', legacy: false, protocols: { webdav: SPEC_SINGLE_NEW.webdav } });
    assert.notEqual(n.protocols['webdav'], SPEC_SINGLE_NEW.webdav, 'arms are copied');
  });

  it('spec example multipleProtocols: every arm kept', () => {
    const n = normalizeProtocol(SPEC_MULTIPLE);
    assert.deepEqual(Object.keys(n.protocols), ['webdav', 'webapp', 'ssh']);
    assert.deepEqual(n.protocols['ssh'], SPEC_MULTIPLE.ssh);
    assert.deepEqual(collectRequirements(n), ['must-use-mfa', 'must-exchange-token']);
    assert.deepEqual(unknownRequirements(n), []);
  });

  it('single-protocol form {name: webdav, webdav: {...}}', () => {
    const webdav = { uri: 'u', sharedSecret: 's', permissions: ['read'] };
    assert.deepEqual(normalizeProtocol({ name: 'webdav', webdav }), {
      name: 'webdav',
      legacy: false,
      protocols: { webdav },
    });
  });

  it('legacy-compatible form with both options and the object: object wins, options fill gaps', () => {
    const n = normalizeProtocol({
      name: 'webdav',
      options: { sharedSecret: 'legacy', permissions: '{http://open-cloud-mesh.org/ns}share-permissions' },
      webdav: { uri: 'u', sharedSecret: 'new' },
    });
    assert.equal(n.legacy, false);
    assert.deepEqual(n.protocols['webdav'], {
      uri: 'u',
      sharedSecret: 'new',
      permissions: [],
      legacyPermissions: '{http://open-cloud-mesh.org/ns}share-permissions',
    });
  });

  it('converts legacy permission strings, arrays and ownCloud bitmasks to known values', () => {
    const perms = (p: unknown) =>
      normalizeProtocol({ name: 'webdav', options: { sharedSecret: 's', permissions: p } }).protocols['webdav'];
    assert.deepEqual(perms('read,write')?.['permissions'], ['read', 'write']);
    assert.deepEqual(perms(['share', 'READ', 'bogus'])?.['permissions'], ['read', 'share']);
    assert.deepEqual(perms(19)?.['permissions'], ['read', 'write', 'share']);
    assert.deepEqual(perms(1)?.['permissions'], ['read']);
    assert.equal(perms(1)?.['legacyPermissions'], 1);
    const noPerms = normalizeProtocol({ name: 'webdav', options: { sharedSecret: 's' } }).protocols['webdav'];
    assert.deepEqual(noPerms, { sharedSecret: 's', permissions: [] });
  });

  it('rejects several objects without name "multi"', () => {
    assertInvalid(
      { name: 'webdav', webdav: { uri: 'u', sharedSecret: 's' }, webapp: { uri: 'a', sharedSecret: 's' } },
      'protocol',
    );
  });

  it('rejects a name that does not match the only object', () => {
    assertInvalid({ name: 'webdav', ssh: { uri: 'x' } }, 'protocol.name');
  });

  it('treats unknown keys as protocol arms, which must be objects', () => {
    const n = normalizeProtocol({ name: 'multi', talk: { room: 'r' } });
    assert.deepEqual(n.protocols, { talk: { room: 'r' } });
    assertInvalid({ name: 'multi', webdav: 'string' }, 'protocol.webdav');
  });

  it('rejects empty and malformed protocol fields', () => {
    assertInvalid(undefined, 'protocol');
    assertInvalid('webdav', 'protocol');
    assertInvalid([], 'protocol');
    assertInvalid({ options: { sharedSecret: 's' } }, 'protocol.name');
    assertInvalid({ name: 'multi' }, 'protocol');
    assertInvalid({ name: 'webdav' }, 'protocol');
    assertInvalid({ name: 'webdav', options: 'secret' }, 'protocol.options');
  });
});

describe('requirements', () => {
  it('KNOWN_REQUIREMENTS lists the two 1.4 values', () => {
    assert.deepEqual([...KNOWN_REQUIREMENTS], ['must-exchange-token', 'must-use-mfa']);
  });

  it('collects across arms without duplicates and finds unknown ones', () => {
    const n = normalizeProtocol({
      name: 'multi',
      webdav: { uri: 'u', sharedSecret: 's', requirements: ['must-exchange-token', 'use-carrier-pigeon'] },
      webapp: { uri: 'a', sharedSecret: 's', requirements: ['must-exchange-token'] },
      ssh: { uri: 'x' },
    });
    assert.deepEqual(collectRequirements(n), ['must-exchange-token', 'use-carrier-pigeon']);
    assert.deepEqual(unknownRequirements(n), ['use-carrier-pigeon']);
    assert.deepEqual(collectRequirements(normalizeProtocol(SPEC_LEGACY)), []);
  });
});
