import assert from 'node:assert/strict';
import type { IncomingShare } from '#core';
import { parseMultistatus, syncCollectionBody } from './multistatus.ts';
import { unquoteEtag } from './owner-request.ts';
import { shareCredential } from './owner-dav.ts';
import { readWebdavShare, sharedCopyUri, webdavIncomingPermissions, webdavShareProtocol } from './webdav-protocol.ts';

function incoming(webdav: Record<string, unknown>, senderHost = 'owner.example'): IncomingShare {
  return {
    id: 's1',
    senderHost,
    providerId: 'p1',
    recipientId: 'bob',
    resourceType: 'calendar',
    shareType: 'user',
    name: 'n',
    description: null,
    owner: `alice@${senderHost}`,
    sender: `alice@${senderHost}`,
    ownerDisplayName: null,
    senderDisplayName: null,
    protocol: { name: 'webdav', protocols: { webdav } },
    permissions: ['read'],
    state: 'accepted',
    expiration: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

const V1 = { version: 'v1', url: 'https://owner.example/dav/x/p1/', displayName: 'Team', access: 3, sharedSecret: 's' };

describe('dav-federation: the webdav v1 protocol block', () => {
  it("sends Nextcloud's legacy shape, or the fields in a webdav object with the requirement for strict receivers", () => {
    const input = { url: 'https://o/x/', sharedSecret: 's', displayName: 'D', write: true, fields: { color: null } };
    const legacy = webdavShareProtocol({ ...input, mustExchangeToken: false });
    assert.deepEqual(legacy, {
      name: 'webdav',
      options: { sharedSecret: 's', permissions: '{http://open-cloud-mesh.org/ns}share-permissions' },
      version: 'v1',
      url: 'https://o/x/',
      displayName: 'D',
      color: null,
      access: 2,
    });
    const strict = webdavShareProtocol({ ...input, write: false, mustExchangeToken: true });
    assert.deepEqual(strict, {
      name: 'webdav',
      webdav: {
        version: 'v1',
        url: 'https://o/x/',
        displayName: 'D',
        color: null,
        access: 3,
        uri: 'https://o/x/',
        sharedSecret: 's',
        permissions: ['read'],
        requirements: ['must-exchange-token'],
      },
    });
  });

  it("reads a received block with Nextcloud's rules", () => {
    const info = readWebdavShare(incoming({ ...V1, url: 'https://owner.example/dav/x/p1' }), 'calendar');
    assert.equal(info.url, 'https://owner.example/dav/x/p1');
    assert.equal(info.collectionUrl, 'https://owner.example/dav/x/p1/');
    assert.equal(info.access, 'read');
    assert.equal(info.mustExchangeToken, false);
    assert.equal(
      readWebdavShare(incoming({ ...V1, requirements: ['must-exchange-token'] }), 'x').mustExchangeToken,
      true,
    );
    // A permission change by the owner overrides `access`.
    assert.equal(readWebdavShare(incoming({ ...V1, permissions: ['read', 'write'] }), 'x').access, 'read-write');
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...V1, version: undefined }, /No protocol version/],
      [{ ...V1, version: 'v2' }, /Unknown protocol version/],
      [{ ...V1, access: '3' }, /Invalid protocol data/],
      [{ ...V1, displayName: '' }, /Incomplete protocol data/],
      [{ ...V1, access: 1 }, /Unsupported access value/],
      [{ ...V1, sharedSecret: undefined }, /no sharedSecret/],
      [{ ...V1, url: 'https://elsewhere.example/x/' }, /must be on the sharing server/],
      [{ ...V1, url: 'ftp://owner.example/x/' }, /must be on the sharing server/],
    ];
    for (const [arm, message] of refused)
      assert.throws(
        () => readWebdavShare(incoming(arm), 'calendar'),
        (err: any) => {
          assert.equal(err.code, 'INVALID_PROTOCOL');
          assert.match(err.message, message);
          return true;
        },
      );
    assert.throws(() => readWebdavShare(incoming(V1), 'calendar', () => false), /Invalid protocol data/);
  });

  it('maps access 2/3 to permissions and names copies by URL', () => {
    assert.deepEqual(webdavIncomingPermissions(incoming({ ...V1, access: 2 })), ['read', 'write']);
    assert.deepEqual(webdavIncomingPermissions(incoming(V1)), ['read']);
    assert.equal(webdavIncomingPermissions(incoming({ ...V1, access: undefined })), undefined);
    assert.match(sharedCopyUri('https://o/x/'), /^shared-[0-9a-f]{16}$/);
    assert.equal(sharedCopyUri('https://o/x/'), sharedCopyUri('https://o/x/'));
    assert.notEqual(sharedCopyUri('https://o/x/'), sharedCopyUri('https://o/y/'));
  });
});

describe('dav-federation: wire helpers', () => {
  it('reads members, the token and 507 "more" from a multistatus, skipping the collection itself', () => {
    const xml = `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
      <d:response><d:href>/dav/x/p1/</d:href><d:propstat><d:prop><d:getetag>"c"</d:getetag></d:prop>
        <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
      <d:response><d:href>/dav/x/p1/a%20b.ics</d:href><d:propstat><d:prop><d:getetag>W/"e1"</d:getetag>
        <c:calendar-data>BEGIN:VCALENDAR</c:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
      <d:response><d:href>https://owner.example/dav/x/p1/gone.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>
      <d:response><d:href>/dav/x/p1/</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status></d:response>
      <d:sync-token>http://sabre.io/ns/sync/7</d:sync-token></d:multistatus>`;
    const ms = parseMultistatus(xml, '/dav/x/p1/', { ns: 'urn:ietf:params:xml:ns:caldav', local: 'calendar-data' });
    assert.equal(ms.more, true);
    assert.equal(ms.token, 'http://sabre.io/ns/sync/7');
    assert.deepEqual(ms.members, [
      { name: 'a b.ics', present: true, etag: 'e1', data: 'BEGIN:VCALENDAR' },
      { name: 'gone.ics', present: false, etag: null },
    ]);
  });

  it('asks sync-collection with sync-level 1 and an escaped token', () => {
    const first = syncCollectionBody(null).toString();
    assert.match(first, /<d:sync-token\/>/);
    assert.match(first, /<d:sync-level>1<\/d:sync-level>/);
    assert.match(syncCollectionBody('a&b<c').toString(), /<d:sync-token>a&amp;b&lt;c<\/d:sync-token>/);
  });

  it('takes the share credential from Bearer or the Basic password (else the user), and unquotes ETags', () => {
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    assert.equal(shareCredential('Bearer tok'), 'tok');
    assert.equal(shareCredential(basic('Ym9i:secret')), 'secret');
    assert.equal(shareCredential(basic('secret:')), 'secret');
    assert.equal(shareCredential(basic('secret')), 'secret');
    assert.equal(shareCredential('Digest x'), null);
    assert.equal(shareCredential(undefined), null);
    assert.equal(unquoteEtag('W/"abc"'), 'abc');
    assert.equal(unquoteEtag(['"x"']), 'x');
    assert.equal(unquoteEtag(''), null);
  });
});
