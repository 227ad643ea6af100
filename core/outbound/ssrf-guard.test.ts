import assert from 'node:assert/strict';
import { SsrfError } from '../errors.ts';
import {
  assertAllowedUrl,
  cachedLookupAll,
  isBlockedAddress,
  resolveAllAndCheck,
  resolveAndCheck,
  type LookupAll,
} from './ssrf-guard.ts';

const strict = { allowInsecure: false };
const insecure = { allowInsecure: true };

describe('ssrf-guard', () => {
  describe('isBlockedAddress', () => {
    const blocked = [
      '127.0.0.1',
      '127.255.255.254',
      '10.0.0.1',
      '10.255.255.255',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.255',
      '0.0.0.0',
      '0.1.2.3',
      '224.0.0.1',
      '239.255.255.250',
      '255.255.255.255',
      '240.0.0.1',
      '192.0.2.1',
      '198.18.0.1',
      '203.0.113.9',
      '::1',
      '::',
      '[::1]',
      'fe80::1',
      'fe80::1%eth0',
      'febf::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      'fec0::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '::ffff:192.168.0.1',
      '::ffff:169.254.169.254',
      '0:0:0:0:0:ffff:7f00:0001',
      '::127.0.0.1',
      '64:ff9b::10.0.0.1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::',
      '2002:a00:1::1',
      '2001:db8::1',
      '100::1',
      'not-an-ip',
      '',
      '1.2.3',
      '999.1.1.1',
      'example.org',
    ];
    const allowed = [
      '8.8.8.8',
      '1.1.1.1',
      '172.15.255.255',
      '172.32.0.1',
      '100.63.255.255',
      '100.128.0.1',
      '169.253.1.1',
      '192.169.0.1',
      '11.0.0.1',
      '223.255.255.255',
      '2001:4860:4860::8888',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
      '2002:808:808::1',
      'fe00::1',
    ];
    for (const ip of blocked) it(`blocks ${ip || '(empty)'}`, () => assert.equal(isBlockedAddress(ip), true));
    for (const ip of allowed) it(`allows ${ip}`, () => assert.equal(isBlockedAddress(ip), false));
  });

  describe('assertAllowedUrl', () => {
    it('accepts https', () => assertAllowedUrl(new URL('https://cloud.example.org/ocm'), strict));
    it('refuses http unless insecure peers are allowed', () => {
      assert.throws(
        () => assertAllowedUrl(new URL('http://cloud.example.org/'), strict),
        (e: unknown) => e instanceof SsrfError && e.code === 'ssrf_blocked',
      );
      assertAllowedUrl(new URL('http://cloud.example.org/'), insecure);
    });
    it('refuses other schemes even when insecure', () => {
      for (const u of ['ftp://x.org/', 'file:///etc/passwd', 'gopher://x.org/']) {
        assert.throws(() => assertAllowedUrl(new URL(u), insecure), SsrfError);
      }
    });
    it('refuses userinfo', () => {
      assert.throws(() => assertAllowedUrl(new URL('https://secret:@cloud.example.org/'), insecure), SsrfError);
      assert.throws(() => assertAllowedUrl(new URL('https://u:p@cloud.example.org/'), strict), SsrfError);
    });
  });

  describe('resolveAllAndCheck', () => {
    const fake =
      (...addresses: string[]): LookupAll =>
      async () =>
        addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));

    it('returns public addresses', async () => {
      assert.deepEqual(await resolveAndCheck('peer.example', strict, fake('93.184.216.34')), {
        address: '93.184.216.34',
        family: 4,
      });
    });
    it('refuses when any address is internal (mixed answers)', async () => {
      await assert.rejects(resolveAllAndCheck('peer.example', strict, fake('93.184.216.34', '10.0.0.5')), SsrfError);
      await assert.rejects(
        resolveAllAndCheck('peer.example', strict, fake('2606:4700::1', '::ffff:127.0.0.1')),
        SsrfError,
      );
    });
    it('permits internal addresses when insecure', async () => {
      const all = await resolveAllAndCheck('peer.example', insecure, fake('127.0.0.1', '::1'));
      assert.equal(all.length, 2);
    });
    it('checks IP literals, bracketed IPv6 too, without DNS', async () => {
      await assert.rejects(resolveAndCheck('127.0.0.1', strict), SsrfError);
      await assert.rejects(resolveAndCheck('[::1]', strict), SsrfError);
      assert.deepEqual(await resolveAndCheck('[::1]', insecure), { address: '::1', family: 6 });
      assert.deepEqual(await resolveAndCheck('8.8.8.8', strict), { address: '8.8.8.8', family: 4 });
    });
    it('refuses localhost through the real resolver', async () => {
      await assert.rejects(
        resolveAndCheck('localhost', strict),
        (e: unknown) => e instanceof SsrfError && e.code === 'ssrf_blocked',
      );
    });
    it('does not reveal the internal address in the message', async () => {
      await assert.rejects(
        resolveAllAndCheck('peer.example', strict, fake('10.1.2.3')),
        (e: unknown) => e instanceof SsrfError && !e.message.includes('10.1.2.3'),
      );
    });
    it('turns resolver failures into PEER_UNREACHABLE', async () => {
      const failing: LookupAll = async () => {
        throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
      };
      await assert.rejects(
        resolveAllAndCheck('nx.example', strict, failing),
        (e: unknown) => (e as { code?: string }).code === 'PEER_UNREACHABLE',
      );
    });
  });

  describe('cachedLookupAll', () => {
    it('asks the resolver once per host within the time to live, and again after it', async () => {
      let clock = 0;
      const asked: string[] = [];
      const lookupAll = cachedLookupAll(
        async (host) => {
          asked.push(host);
          return [{ address: `192.0.2.${asked.length}`, family: 4 as const }];
        },
        { ttlMs: 1000, now: () => clock },
      );
      const [a, b] = await Promise.all([lookupAll('peer.example'), lookupAll('PEER.example')]);
      assert.deepEqual(a, b);
      clock = 999;
      assert.deepEqual(await lookupAll('peer.example'), a);
      await lookupAll('other.example');
      assert.deepEqual(asked, ['peer.example', 'other.example']);
      clock = 1000;
      assert.deepEqual(await lookupAll('peer.example'), [{ address: '192.0.2.3', family: 4 }]);
    });
    it('does not remember a failure', async () => {
      let calls = 0;
      const lookupAll = cachedLookupAll(
        async () => {
          calls++;
          if (calls === 1) throw Object.assign(new Error('nope'), { code: 'EAI_AGAIN' });
          return [{ address: '192.0.2.1', family: 4 as const }];
        },
        { ttlMs: 60_000 },
      );
      await assert.rejects(lookupAll('peer.example'));
      assert.deepEqual(await lookupAll('peer.example'), [{ address: '192.0.2.1', family: 4 }]);
    });
    it('keeps the checks: a cached internal address is refused on every use', async () => {
      const lookupAll = cachedLookupAll(async () => [{ address: '10.0.0.5', family: 4 as const }], { ttlMs: 60_000 });
      await assert.rejects(resolveAllAndCheck('peer.example', strict, lookupAll), SsrfError);
      await assert.rejects(resolveAllAndCheck('peer.example', strict, lookupAll), SsrfError);
    });
  });
});
