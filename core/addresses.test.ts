import assert from 'node:assert/strict';
import { InputError } from './errors.ts';
import { formatAddress, hostFromUrl, normalizeHost, parseAddress, parseAddressLenient, sameHost } from './addresses.ts';

function assertInvalid(fn: () => unknown, field = 'address'): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.equal(err.code, 'INVALID_ADDRESS');
    assert.equal(err.status, 400);
    assert.equal(err.validationErrors?.[0]?.name, field);
    return true;
  });
}

describe('addresses', () => {
  describe('parseAddress', () => {
    it('parses a plain address and lowercases the host only', () => {
      assert.deepEqual(parseAddress('Alice@Cloud.Example.ORG'), { id: 'Alice', host: 'cloud.example.org' });
    });

    it('splits on the last @ (identifiers may contain @)', () => {
      assert.deepEqual(parseAddress('nomen.nescio@example.org@cloud.example.org'), {
        id: 'nomen.nescio@example.org',
        host: 'cloud.example.org',
      });
      assert.deepEqual(parseAddress('a@b@c@host'), { id: 'a@b@c', host: 'host' });
    });

    it('accepts ports 1-65535 and normalizes leading zeros', () => {
      assert.deepEqual(parseAddress('bob@localhost:4001'), { id: 'bob', host: 'localhost:4001' });
      assert.equal(parseAddress('bob@h.example:65535').host, 'h.example:65535');
      assert.equal(parseAddress('bob@h.example:1').host, 'h.example:1');
      assert.equal(parseAddress('bob@h.example:0080').host, 'h.example:80');
      assertInvalid(() => parseAddress('bob@h.example:0'));
      assertInvalid(() => parseAddress('bob@h.example:65536'));
      assertInvalid(() => parseAddress('bob@h.example:'));
      assertInvalid(() => parseAddress('bob@h.example:http'));
      assertInvalid(() => parseAddress('bob@h.example:80:81'));
    });

    it('accepts IPv4 and bracketed IPv6 literals', () => {
      assert.equal(parseAddress('bob@127.0.0.1:8080').host, '127.0.0.1:8080');
      assert.equal(parseAddress('bob@[::1]').host, '[::1]');
      assert.equal(parseAddress('bob@[2001:DB8::1]:443').host, '[2001:db8::1]:443');
      assertInvalid(() => parseAddress('bob@1.2.3.999'));
      assertInvalid(() => parseAddress('bob@::1'));
      assertInvalid(() => parseAddress('bob@[::1'));
      assertInvalid(() => parseAddress('bob@[not-ip]'));
      assertInvalid(() => parseAddress('bob@[fe80::1%25eth0]'));
      assertInvalid(() => parseAddress('bob@[::1]x'));
    });

    it('rejects schemes, paths, whitespace and empty parts', () => {
      assertInvalid(() => parseAddress('bob@https://cloud.example.org'));
      assertInvalid(() => parseAddress('https://bob@cloud.example.org'));
      assertInvalid(() => parseAddress('bob@cloud.example.org/nextcloud'));
      assertInvalid(() => parseAddress('bob@cloud.example.org/'));
      assertInvalid(() => parseAddress('bob@cloud.example.org?x=1'));
      assertInvalid(() => parseAddress('bob @cloud.example.org'));
      assertInvalid(() => parseAddress('bob@cloud.example.org '));
      assertInvalid(() => parseAddress('bob@cloud\texample.org'));
      assertInvalid(() => parseAddress('@cloud.example.org'));
      assertInvalid(() => parseAddress('bob@'));
      assertInvalid(() => parseAddress('bob'));
      assertInvalid(() => parseAddress(''));
      assertInvalid(() => parseAddress('bob@-bad-.example'));
      assertInvalid(() => parseAddress('bob@cloud..example'));
      assertInvalid(() => parseAddress('bob@cloud.example.org.'));
    });

    it('names the given field in validationErrors', () => {
      assertInvalid(() => parseAddress('nope', 'shareWith'), 'shareWith');
      assertInvalid(() => parseAddress(42 as unknown as string, 'owner'), 'owner');
    });

    it('converts internationalized host names to their ASCII form', () => {
      assert.equal(parseAddress('bob@bücher.example').host, 'xn--bcher-kva.example');
    });
  });

  describe('parseAddressLenient', () => {
    it('strips an http(s) scheme and trailing slashes from the host part', () => {
      assert.deepEqual(parseAddressLenient('bob@https://Cloud.Example.org/'), { id: 'bob', host: 'cloud.example.org' });
      assert.deepEqual(parseAddressLenient('bob@http://localhost:8080'), { id: 'bob', host: 'localhost:8080' });
      assert.deepEqual(parseAddressLenient('  a@b@https://host//  '), { id: 'a@b', host: 'host' });
    });

    it('still rejects paths and other schemes', () => {
      assertInvalid(() => parseAddressLenient('bob@https://host/nextcloud'));
      assertInvalid(() => parseAddressLenient('bob@ftp://host'));
      assertInvalid(() => parseAddressLenient('bob'), 'address');
    });
  });

  it('formatAddress joins identifier and host', () => {
    assert.equal(formatAddress('a@b', 'Cloud.Example.org:8443'), 'a@b@cloud.example.org:8443');
    assert.deepEqual(parseAddress(formatAddress('x@y', 'h:1')), { id: 'x@y', host: 'h:1' });
  });

  it('normalizeHost returns null on bad hosts', () => {
    assert.equal(normalizeHost('Example.ORG:0443'), 'example.org:443');
    assert.equal(normalizeHost('exa mple.org'), null);
    assert.equal(normalizeHost(''), null);
  });

  it('hostFromUrl omits default ports', () => {
    assert.equal(hostFromUrl('https://Cloud.Example.org/ocm'), 'cloud.example.org');
    assert.equal(hostFromUrl('https://cloud.example.org:443/ocm'), 'cloud.example.org');
    assert.equal(hostFromUrl('http://cloud.example.org:80'), 'cloud.example.org');
    assert.equal(hostFromUrl('http://localhost:4001/ocm'), 'localhost:4001');
    assert.equal(hostFromUrl('https://cloud.example.org:80/'), 'cloud.example.org:80');
    assert.equal(hostFromUrl('https://[::1]:8443/x'), '[::1]:8443');
    assert.throws(() => hostFromUrl('not a url'), InputError);
  });

  it('sameHost compares case-insensitively', () => {
    assert.ok(sameHost('Cloud.Example.org:8080', 'cloud.example.ORG:8080'));
    assert.ok(!sameHost('cloud.example.org:8080', 'cloud.example.org'));
  });
});
