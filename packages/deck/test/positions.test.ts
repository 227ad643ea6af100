import assert from 'node:assert/strict';
import { compareByPosition, evenKeys, isPositionKey, keyBetween } from '../server/positions.ts';

describe('deck: fractional position keys', () => {
  it('gives a key strictly between any two neighbours, over many random inserts', () => {
    const keys: string[] = [];
    let seed = 7;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 3000; i++) {
      const j = Math.floor(rnd() * (keys.length + 1));
      const k = keyBetween(keys[j - 1] ?? null, keys[j] ?? null);
      assert.ok(isPositionKey(k), k);
      if (j > 0) assert.ok(keys[j - 1]! < k);
      if (j < keys.length) assert.ok(k < keys[j]!);
      keys.splice(j, 0, k);
    }
    assert.ok(Math.max(...keys.map((k) => k.length)) < 12);
  });

  it('grows keys by about one character per five appends or prepends at one end (a known limit)', () => {
    let last: string | null = null;
    let first: string | null = null;
    for (let i = 0; i < 500; i++) {
      last = keyBetween(last, null);
      first = keyBetween(null, first);
    }
    assert.ok(last!.length <= 100 && first!.length <= 110, `${last!.length} ${first!.length}`);
  });

  it('breaks ties between equal keys by id, and places after a tie', () => {
    const items = [
      { id: 'b', position: 'V' },
      { id: 'a', position: 'V' },
      { id: 'c', position: 'F' },
    ].sort(compareByPosition);
    assert.deepEqual(
      items.map((i) => i.id),
      ['c', 'a', 'b'],
    );
    assert.ok(keyBetween('V', 'V') > 'V');
  });

  it('refuses malformed keys', () => {
    for (const bad of ['', '0', 'V0', 'a b', 'x'.repeat(201), 5, null]) assert.equal(isPositionKey(bad), false);
  });
});

describe('deck: evenly spaced keys for rebalancing', () => {
  it('gives n increasing, well-formed, short keys with room between neighbours', () => {
    for (const n of [0, 1, 2, 61, 240, 241, 2000]) {
      const keys = evenKeys(n);
      assert.equal(keys.length, n);
      for (const [i, k] of keys.entries()) {
        assert.ok(isPositionKey(k), k);
        if (i > 0) assert.ok(keys[i - 1]! < k, `${keys[i - 1]} < ${k}`);
        if (i > 0) assert.ok(keyBetween(keys[i - 1]!, k).length <= k.length + 1);
      }
      assert.ok((keys[0]?.length ?? 0) <= 3);
    }
  });
});
