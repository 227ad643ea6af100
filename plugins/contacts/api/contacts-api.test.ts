import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../../test/harness/test-server.ts';
import { contactsPlugin } from '../index.ts';

const V3 = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Grace Hopper',
  'N:Hopper;Grace;;;',
  'EMAIL;TYPE=INTERNET,WORK:grace@navy.example',
  'X-CUSTOM:keep me',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:4.0',
  'UID:urn:uuid:alan',
  'FN:Alan Turing',
  'TEL;TYPE=cell:+44 1',
  'CLOUD:alan@cloud.example',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:2.1',
  'FN:Old Card',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:4.0',
  'UID:nameless',
  'END:VCARD',
  '',
].join('\r\n');

describe('contacts: the JSON API of the Contacts page', function () {
  this.timeout(30_000);
  let s: TestServer;
  let ann: string;
  let ben: string;
  let book: string;
  const api = (token: string | null, method: string, path: string, body?: unknown) =>
    s.api(token, method, `/api/v1/contacts/books${path.replace(/^\/$/, '')}`, body);

  before(async () => {
    s = await startTestServer({ plugins: [contactsPlugin({ limits: { maxPhotoBytes: 1000 } })] });
    ann = await s.user('ann');
    ben = await s.user('ben');
  });
  after(async () => s?.destroy());

  it('lists the own book and the read-only Federated contacts, creates, renames and deletes books', async () => {
    assert.equal((await api(null, 'GET', '/')).status, 401);
    const first = await api(ann, 'GET', '/');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(
      first.body.books.map((b: any) => [b.name, b.readOnly]),
      [
        ['Contacts', false],
        ['federated-contacts', true],
      ].map(([n, r]) => [n === 'federated-contacts' ? first.body.books[1].name : n, r]),
    );
    book = first.body.books[0].id;
    const fed = first.body.books[1];
    assert.equal((await api(ann, 'POST', `/${fed.id}/cards`, { name: 'X' })).body.code, 'ADDRESSBOOK_READ_ONLY');
    const made = await api(ann, 'POST', '/', { name: 'Work friends' });
    assert.equal(made.status, 201);
    assert.equal(made.body.uri, 'work-friends');
    assert.equal((await api(ann, 'PATCH', `/${made.body.id}`, { name: 'Office' })).body.name, 'Office');
    assert.equal((await api(ann, 'POST', '/', { name: '  ' })).body.code, 'CONTACTS_INVALID_BOOK');
    assert.equal((await api(ben, 'GET', `/${made.body.id}/cards`)).body.code, 'CONTACTS_BOOK_NOT_FOUND');
    assert.equal((await api(ann, 'DELETE', `/${made.body.id}`)).status, 204);
    assert.equal((await api(ann, 'DELETE', `/${book}`)).body.code, 'CONTACTS_INVALID_BOOK');
  });

  it('creates a vCard 4.0, reads it as fields, edits it and deletes it; CardDAV sees the card', async () => {
    const r = await api(ann, 'POST', `/${book}/cards`, {
      givenName: 'Ada',
      familyName: 'Lovelace',
      org: 'Analytical Engines',
      emails: [{ type: 'work', value: 'ada@example.org' }],
      phones: [{ type: 'cell', value: '+44 1234' }],
      addresses: [{ type: 'home', street: '1 Main St', city: 'London', country: 'UK' }],
      birthday: '1815-12-10',
      note: 'line one\nline two, with: colon',
      cloud: 'ada@cloud.example',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const got = (await api(ann, 'GET', `/${book}/cards/${r.body.id}`)).body;
    assert.equal(got.version, '4.0');
    assert.equal(got.name, 'Ada Lovelace');
    assert.equal(got.org, 'Analytical Engines');
    assert.deepEqual(got.emails, [{ type: 'work', value: 'ada@example.org' }]);
    assert.equal(got.addresses[0].city, 'London');
    assert.equal(got.birthday, '1815-12-10');
    assert.equal(got.note, 'line one\nline two, with: colon');
    assert.equal(got.cloud, 'ada@cloud.example');
    const dav = await fetch(`${s.origin}/dav/addressbooks/ann/contacts/${r.body.id}`, {
      headers: { authorization: `Bearer ${ann}` },
    });
    assert.equal(dav.status, 200);
    assert.match(await dav.text(), /^FN:Ada Lovelace\r$/m);
    const edited = await api(ann, 'PUT', `/${book}/cards/${r.body.id}`, {
      ...got,
      org: 'Babbage & Co',
      etag: got.etag,
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal((await api(ann, 'PUT', `/${book}/cards/${r.body.id}`, { ...got, etag: got.etag })).status, 409);
    const again = (await api(ann, 'GET', `/${book}/cards/${r.body.id}`)).body;
    assert.deepEqual([again.org, again.birthday, again.note], ['Babbage & Co', '1815-12-10', got.note]);
    const list = (await api(ann, 'GET', `/${book}/cards`)).body.cards;
    assert.deepEqual(
      list.map((c: any) => [c.name, c.org, c.emails, c.cloud]),
      [['Ada Lovelace', 'Babbage & Co', ['ada@example.org'], 'ada@cloud.example']],
    );
    const bad = await api(ann, 'POST', `/${book}/cards`, { emails: [{ value: 'nope' }] });
    assert.equal(bad.body.code, 'CONTACTS_INVALID_CARD');
    const big = await api(ann, 'POST', `/${book}/cards`, {
      name: 'P',
      photo: `data:image/png;base64,${'A'.repeat(4000)}`,
    });
    assert.equal(big.body.code, 'CONTACTS_INVALID_CARD');
    assert.match(big.body.message ?? big.body.error ?? '', /larger than/);
    assert.equal((await api(ann, 'DELETE', `/${book}/cards/${r.body.id}`)).status, 204);
    assert.equal((await api(ann, 'DELETE', `/${book}/cards/${r.body.id}`)).body.code, 'CONTACTS_CARD_NOT_FOUND');
  });

  it('imports 3.0 and 4.0 cards with a summary of skipped ones, keeps unknown properties on edit, exports', async () => {
    const r = await s.api(ann, 'POST', `/api/v1/contacts/books/${book}/import`, { vcf: V3 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.imported, 2);
    assert.deepEqual(
      r.body.skipped.map((x: any) => x.name),
      ['Old Card', '(no name)'],
    );
    const again = await s.api(ann, 'POST', `/api/v1/contacts/books/${book}/import`, { vcf: V3 });
    assert.match(again.body.skipped[0].reason, /same UID/);
    assert.equal((await api(ann, 'POST', `/${book}/import`, { vcf: 'hello' })).body.code, 'CONTACTS_INVALID_IMPORT');
    const cards = (await api(ann, 'GET', `/${book}/cards`)).body.cards;
    const grace = cards.find((c: any) => c.name === 'Grace Hopper');
    assert.deepEqual(grace.emails, ['grace@navy.example']);
    const fields = (await api(ann, 'GET', `/${book}/cards/${grace.id}`)).body;
    assert.equal(fields.version, '3.0');
    assert.equal(
      (await api(ann, 'PUT', `/${book}/cards/${grace.id}`, { ...fields, title: 'Rear Admiral' })).status,
      200,
    );
    const exp = await fetch(`${s.origin}/api/v1/contacts/books/${book}/export`, {
      headers: { authorization: `Bearer ${ann}` },
    });
    assert.equal(exp.status, 200);
    assert.match(exp.headers.get('content-disposition') ?? '', /Contacts\.vcf/);
    const text = await exp.text();
    // The second import added Grace again (her card has no UID), Alan's was skipped.
    assert.equal(text.match(/BEGIN:VCARD/g)?.length, 3);
    assert.match(text, /X-CUSTOM:keep me/);
    assert.match(text, /TITLE:Rear Admiral/);
    assert.match(text, /^REV:\d{8}T\d{6}Z\r$/m);
    assert.match(text, /VERSION:3\.0/);
  });
});
