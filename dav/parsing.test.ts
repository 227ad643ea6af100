import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAV_ERROR_CODES, type DavErrorCode } from './error-codes.ts';
import { DavError } from './errors.ts';
import { parseIfHeader, submittedTokens } from './if-header.ts';
import { decodeSegments } from './paths.ts';
import { multistatus, multistatusBytes } from './prop-find.ts';
import { child, DAV_NS, elements, serializeNodes } from './xml.ts';
import { decodeUtf8, MAX_XML_DEPTH, parseXml } from './xml-parse.ts';

function status(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    return err instanceof DavError ? err.status : -1;
  }
  return 0;
}

describe('dav: XML, paths and If headers', () => {
  it('parses namespaces with any prefix or a default namespace', () => {
    const a = parseXml(
      '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><x:a xmlns:x="urn:x"/></D:prop></D:propfind>',
    );
    const b = parseXml('<propfind xmlns="DAV:"><prop><a xmlns="urn:x"/></prop></propfind>');
    for (const doc of [a, b]) {
      assert.equal(doc.ns, DAV_NS);
      const prop = child(doc, DAV_NS, 'prop');
      assert.deepEqual(
        elements(prop!).map((e) => [e.ns, e.local]),
        [['urn:x', 'a']],
      );
    }
  });

  it('refuses DTDs, entities, unbound prefixes and empty prefix bindings with 400', () => {
    for (const bad of [
      '<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>',
      '<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>',
      '<x>&#0;</x>',
      '<x a="1" a="2"/>',
      '<x>&e;</x>',
      '<a:x/>',
      '<x xmlns:a=""><a:y/></x>',
      '<x><y></x>',
      '<x/><y/>',
      'text',
      '',
    ])
      assert.equal(
        status(() => parseXml(bad)),
        400,
        bad,
      );
  });

  it('keeps property values with their namespaces when re-serialised', () => {
    const doc = parseXml(
      '<p xmlns="urn:p"><v:a xmlns:v="urn:v" v:attr="1">x &amp; <b/></v:a><c xmlns="">plain</c></p>',
    );
    const again = parseXml(`<wrap>${serializeNodes(doc.children)}</wrap>`);
    const [a, c] = elements(again);
    assert.deepEqual([a?.ns, a?.local, a?.attrs.get('{urn:v}attr')], ['urn:v', 'a', '1']);
    assert.deepEqual(
      elements(a!).map((e) => e.ns),
      ['urn:p'],
      'b inherits the outer default namespace',
    );
    assert.deepEqual([c?.ns, c?.local], ['', 'c']);
  });

  it('caps element nesting without recursion: 100,000 nested elements are a 400, the limit itself parses', () => {
    const nest = (n: number): string => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`;
    assert.equal(
      status(() => parseXml(nest(100_000))),
      400,
    );
    assert.equal(parseXml(nest(MAX_XML_DEPTH)).local, 'a');
    assert.equal(
      status(() => parseXml(nest(MAX_XML_DEPTH + 1))),
      400,
    );
  });

  it('decodes bodies as strict UTF-8 and refuses anything else with 400', () => {
    assert.equal(decodeUtf8(Buffer.from('<x>€</x>')), '<x>€</x>');
    for (const bytes of [[0xe9], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff]])
      assert.equal(
        status(() => decodeUtf8(Buffer.concat([Buffer.from('<x>'), Buffer.from(bytes), Buffer.from('</x>')]))),
        400,
        bytes.join(','),
      );
  });

  it('keeps CDATA and character references as text', () => {
    const doc = parseXml('<x xmlns="urn:x"><![CDATA[a<b]]>&#x20AC;&amp;</x>');
    assert.deepEqual(doc.children, [
      { kind: 'text', text: 'a<b' },
      { kind: 'text', text: '€&' },
    ]);
  });

  it('rejects traversal, encoded slashes, NUL and fragments in paths', () => {
    assert.deepEqual(decodeSegments('/a/b%20c/%E2%82%AC/'), ['a', 'b c', '€']);
    // Unescaped segments skip decoding but not the checks: a raw backslash, a raw name over the limit, and one whose
    // UTF-8 (two bytes per character here) is over it though its characters are not.
    const long = 'x'.repeat(256);
    const wide = '%C3%A9'.repeat(200);
    assert.deepEqual(decodeSegments(`/${'x'.repeat(255)}`), ['x'.repeat(255)]);
    for (const p of [
      '/a/../b',
      '/%2e%2e/x',
      '/a%2fb',
      '/a%5cb',
      '/a%00',
      '/a/./b',
      '/%zz',
      '/a#frag',
      '/a\\b',
      `/${long}`,
      `/${wide}`,
    ])
      assert.equal(
        status(() => decodeSegments(p)),
        400,
        p,
      );
  });

  it('parses tagged and untagged If headers and collects submitted tokens', () => {
    const g = parseIfHeader('<http://h/a> (<urn:uuid:1> ["e1"]) (Not <DAV:no-lock>) (<urn:uuid:2>)');
    assert.equal(g.length, 1);
    assert.equal(g[0]?.resource, 'http://h/a');
    assert.equal(g[0]?.lists.length, 3);
    assert.deepEqual([...submittedTokens(g)], ['urn:uuid:1', 'urn:uuid:2']);
    assert.equal(
      status(() => parseIfHeader('(<urn:x>')),
      400,
    );
    assert.equal(
      status(() => parseIfHeader('garbage')),
      400,
    );
  });

  it('declares every code the toolkit raises, with the status it is raised with', () => {
    const root = path.dirname(fileURLToPath(import.meta.url));
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('testing'),
    );
    const seen = new Set<string>();
    for (const f of files) {
      const src = readFileSync(path.join(root, f), 'utf8');
      for (const m of src.matchAll(/DavError\(\s*(\d{3}),[^;]*?'((?:DAV|XML)_[A-Z0-9_]+)'/g)) {
        const code = m[2] as DavErrorCode;
        seen.add(code);
        assert.ok(DAV_ERROR_CODES[code], `${f}: ${code} is not declared`);
        assert.equal(DAV_ERROR_CODES[code].status, Number(m[1]), `${f}: ${code}`);
      }
      for (const m of src.matchAll(/'((?:DAV|XML)_[A-Z0-9_]+)'/g)) assert.ok(m[1]! in DAV_ERROR_CODES, `${f}: ${m[1]}`);
    }
    assert.ok(seen.size >= 15, `found ${seen.size} throw sites`);
  });
});

describe('dav: multistatus bytes', () => {
  it('writes the same UTF-8 bytes as encoding the joined string (non-ASCII, astral, lone surrogates, empty)', () => {
    const cases: Array<[string[], string]> = [
      [[], ''],
      [['<d:response>a</d:response>', '<d:response>b</d:response>'], '<d:sync-token>t</d:sync-token>'],
      [['<d:displayname>Zoë 日本 🎉</d:displayname>', 'x\ud800y', '\udfff'], 'é'],
    ];
    for (const [responses, trailer] of cases)
      assert.deepEqual(multistatusBytes(responses, trailer), Buffer.from(multistatus(responses, trailer), 'utf8'));
  });
});
