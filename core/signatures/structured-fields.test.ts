import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { SignatureError } from '../errors.ts';
import {
  Decimal,
  Token,
  isInnerList,
  parseDictionary,
  parseItem,
  serializeBareItem,
  serializeDictionary,
  type InnerList,
} from './structured-fields.ts';

const VECTOR_INPUT =
  'sig1=("@method" "@target-uri" "content-digest" "content-length");created=1785060500;keyid="sender.example.org#key1";alg="ed25519";tag="ocm"';

function assertMalformed(fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => err instanceof SignatureError && err.code === 'SIGNATURE_MALFORMED');
}

describe('structured fields (RFC 8941)', () => {
  it('parses a Signature-Input dictionary into an inner list with typed parameters', () => {
    const dict = parseDictionary(VECTOR_INPUT);
    const m = dict.get('sig1');
    assert.ok(m && isInnerList(m));
    const list = m as InnerList;
    assert.deepEqual(
      list.items.map((i) => i.value),
      ['@method', '@target-uri', 'content-digest', 'content-length'],
    );
    assert.equal(list.params.get('created'), 1785060500);
    assert.equal(list.params.get('keyid'), 'sender.example.org#key1');
    assert.equal(list.params.get('tag'), 'ocm');
  });

  it('serializes a parsed canonical dictionary back to the same text', () => {
    for (const s of [
      VECTOR_INPUT,
      'sig1=:AAEC/w==:, sig2=:YWJj:;p=?0',
      'a=1, b=-42, c=4.5, d=tok/en:x, e="q\\"s\\\\", f, g;x',
      'x=();y=1, z=(1 "s" tok :AA==:)',
    ]) {
      assert.equal(serializeDictionary(parseDictionary(s)), s);
    }
  });

  it('decodes byte sequences, booleans, tokens, decimals and bare keys', () => {
    const d = parseDictionary('b=:AAEC:, t=?1, f=?0, k=foo*bar, n=-3.25, bare;flag');
    const item = (k: string) => {
      const m = d.get(k);
      assert.ok(m && !isInnerList(m));
      return m.value;
    };
    assert.deepEqual(Buffer.from(item('b') as Uint8Array), Buffer.from([0, 1, 2]));
    assert.equal(item('t'), true);
    assert.equal(item('f'), false);
    assert.ok(item('k') instanceof Token && (item('k') as Token).value === 'foo*bar');
    assert.ok(item('n') instanceof Decimal && (item('n') as Decimal).value === -3.25);
    assert.equal(item('bare'), true);
  });

  it('tolerates optional whitespace around commas and the field', () => {
    const d = parseDictionary('  a=1 ,\tb=2  ');
    assert.deepEqual([...d.keys()], ['a', 'b']);
  });

  it('keeps the last value of a duplicate key unless duplicates are rejected', () => {
    const d = parseDictionary('a=1, a=2');
    const m = d.get('a');
    assert.ok(m && !isInnerList(m) && m.value === 2);
    assertMalformed(() => parseDictionary('a=1, a=2', { rejectDuplicates: true }));
  });

  it('parses a single item with parameters', () => {
    const item = parseItem('"hello";a=1;b');
    assert.equal(item.value, 'hello');
    assert.equal(item.params.get('b'), true);
  });

  it('rejects malformed input with SIGNATURE_MALFORMED', () => {
    for (const s of [
      'A=1',
      'a=',
      'a=1,',
      'a=1,,b=2',
      'a=(1 2',
      'a=(1,2)',
      'a="unterminated',
      'a="bad\\escape"',
      'a=:not base64!:',
      'a=:abc',
      'a=?2',
      'a=1234567890123456',
      'a=1.2345',
      'a=1234567890123.1',
      'a=-',
      'a=1 b=2',
      'a=é',
      'a="\u0001"',
      'a=@1',
      'a=%"x"',
      'a=1;',
      'a=1;B=2',
      '=1',
      ',',
      'a=1;k=',
      'a=(1)x',
    ]) {
      assertMalformed(() => parseDictionary(s));
    }
  });

  it('throws only SignatureError on random garbage and on non-string input', () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const alphabet = 'a=(); ,"\\:?*-.0123456789Zz\t@%!/+=\u00e9\n';
    for (let n = 0; n < 3000; n++) {
      let s = '';
      const len = rnd() % 24;
      for (let i = 0; i < len; i++) s += alphabet.charAt(rnd() % alphabet.length);
      try {
        parseDictionary(s);
      } catch (err) {
        assert.ok(err instanceof SignatureError, `non-SignatureError for ${JSON.stringify(s)}: ${String(err)}`);
        assert.equal(err.code, 'SIGNATURE_MALFORMED');
      }
    }
    assertMalformed(() => parseDictionary(undefined as unknown as string));
    assertMalformed(() => parseDictionary(42 as unknown as string));
  });

  it('refuses to serialize values that are not valid structured fields', () => {
    assertMalformed(() => serializeDictionary(new Map([['Bad', { value: 1, params: new Map() }]])));
    assertMalformed(() => serializeBareItem('line\nbreak'));
    assertMalformed(() => serializeBareItem(new Token('1abc')));
    assertMalformed(() => serializeBareItem(1.5));
  });
});
