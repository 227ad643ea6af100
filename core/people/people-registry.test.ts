import assert from 'node:assert/strict';
import type { Contact } from '../invites/contact-types.ts';
import { contactsProvider, PeopleRegistry, type PeopleProvider } from './people-registry.ts';
import type { Person } from './people-types.ts';

const contact = (address: string, displayName: string | null, email: string | null = null): Contact => ({
  id: address,
  userId: 'ann',
  address,
  host: address.split('@').pop() as string,
  displayName,
  email,
  source: 'manual',
  createdAt: 0,
});

const fixed = (id: string, people: Person[]): PeopleProvider => ({ id, search: async () => people });

describe('people search registry', () => {
  it("asks the core's contacts and every provider, one entry per address, prefix matches first", async () => {
    const reg = new PeopleRegistry();
    reg.register(
      contactsProvider(async () => [
        contact('bob@cloud.example.org', 'Bob Builder'),
        contact('rob@x.example', 'Jacob Ross'),
        contact('zed@y.example', 'Zed', 'zed@bob.example'),
      ]),
    );
    reg.register(
      fixed('books', [
        { displayName: 'Robert B.', address: 'BOB@cloud.example.org', email: null, source: 'books' },
        { displayName: 'Bobby', address: null, email: 'bobby@school.example', source: 'books' },
        { displayName: null, address: 'boris@z.example', email: null, source: 'books' },
      ]),
    );
    reg.register({ id: 'broken', search: async () => Promise.reject(new Error('down')) });
    const found = await reg.search('ann', '  bo ');
    assert.deepEqual(
      found.map((p) => p.address ?? p.email),
      ['bob@cloud.example.org', 'boris@z.example', 'zed@y.example', 'bobby@school.example'],
    );
    assert.equal(found[0]?.displayName, 'Bob Builder', "the core's name wins");
    assert.equal(found[0]?.source, 'contacts');
  });

  it('folds case and compatibility forms, and answers nothing for an empty query', async () => {
    const reg = new PeopleRegistry();
    reg.register(contactsProvider(async () => [contact('dan@x.example', 'Dan Dör'), contact('s@x.example', 'Strauß')]));
    assert.deepEqual(
      (await reg.search('ann', 'DÖR')).map((p) => p.address),
      ['dan@x.example'],
    );
    assert.deepEqual(
      (await reg.search('ann', 'STRAUSS')).map((p) => p.address),
      ['s@x.example'],
    );
    assert.deepEqual(await reg.search('ann', '   '), []);
    assert.equal((await reg.search('ann', 'x.example', 1)).length, 1);
  });
});
