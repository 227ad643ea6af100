import assert from 'node:assert/strict';
import { ListingCache } from './listing-cache.ts';

describe('dav: listings kept by change counter', () => {
  it('answers only for the counter a listing was read at', () => {
    const cache = new ListingCache<string>();
    cache.set('a', 5, ['x.ics']);
    assert.deepEqual(cache.get('a', 5), ['x.ics']);
    assert.equal(cache.get('a', 6), undefined);
    cache.set('a', 6, ['x.ics', 'y.ics']);
    assert.equal(cache.get('a', 5), undefined);
    assert.deepEqual(cache.get('a', 6), ['x.ics', 'y.ics']);
  });

  it('drops the least recently used collections past its bounds, and never keeps a listing larger than them', () => {
    const cache = new ListingCache<number>(10, 2);
    cache.set('a', 1, [1, 2, 3]);
    cache.set('b', 1, [1, 2, 3]);
    cache.get('a', 1);
    cache.set('c', 1, [1]);
    assert.equal(cache.get('b', 1), undefined);
    assert.ok(cache.get('a', 1) && cache.get('c', 1));
    cache.set('d', 1, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(cache.get('a', 1), undefined);
    assert.ok(cache.get('c', 1) && cache.get('d', 1));
    cache.set(
      'e',
      1,
      Array.from({ length: 11 }, (_, i) => i),
    );
    assert.equal(cache.get('e', 1), undefined);
    cache.set('f', 1, [1, 2, 3, 4, 5]);
    assert.equal(cache.get('c', 1), undefined);
    assert.equal(cache.get('d', 1), undefined);
    assert.ok(cache.get('f', 1));
  });

  it('carries a listing forward only from the counter just before a change', () => {
    const cache = new ListingCache<string>();
    cache.set('a', 5, ['x.ics']);
    cache.advance('a', 4, 6, (items) => items.push('never.ics'));
    assert.deepEqual(cache.get('a', 5), ['x.ics']);
    cache.advance('a', 5, 6, (items) => items.push('y.ics'));
    assert.equal(cache.get('a', 5), undefined);
    assert.deepEqual(cache.get('a', 6), ['x.ics', 'y.ics']);
    assert.ok(cache.has('a', 6) && !cache.has('a', 5));
    cache.advance('b', 0, 1, (items) => items.push('z.ics'));
    assert.equal(cache.get('b', 1), undefined);
  });
});
