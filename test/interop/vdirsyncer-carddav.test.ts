import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contactsPlugin } from '../../plugins/contacts/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/vcards/${name}`, import.meta.url), 'utf8');

/** Runs a command; resolves with its exit status and combined output. */
function run(cmd: string, args: string[], input = ''): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, LC_ALL: 'C.UTF-8', HOME: tmpdir() } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
    child.stdin.end(input);
  });
}

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe('interop: vdirsyncer two-way CardDAV sync, khard reading the synced cards', function () {
  this.timeout(180_000);
  let s: TestServer;
  let dir: string;
  let vdir: string;
  let cfg: string;
  let khardCfg: string;
  const B = '/dav/addressbooks/vera/contacts';

  before(async function () {
    const missing = ['vdirsyncer', 'khard'].filter((c) => !have(c));
    if (missing.length) {
      if (process.env.CI === 'true')
        throw new Error(`${missing.join(' and ')} not installed (Debian packages) but CI needs them`);
      this.skip();
    }
    s = await startTestServer({ plugins: [contactsPlugin()] });
    await s.user('vera');
    dir = mkdtempSync(path.join(tmpdir(), 'vdirsyncer-'));
    vdir = path.join(dir, 'vdir');
    mkdirSync(vdir);
    cfg = path.join(dir, 'config');
    writeFileSync(
      cfg,
      [
        '[general]',
        `status_path = "${dir}/status/"`,
        '[pair contacts]',
        'a = "local"',
        'b = "meshwork"',
        'collections = ["from b"]',
        'conflict_resolution = "b wins"',
        '[storage local]',
        'type = "filesystem"',
        `path = "${vdir}/"`,
        'fileext = ".vcf"',
        '[storage meshwork]',
        'type = "carddav"',
        `url = "${s.origin}/"`,
        'username = "vera"',
        'password = "vera-password"',
        '',
      ].join('\n'),
    );
    khardCfg = path.join(dir, 'khard.conf');
    writeFileSync(
      khardCfg,
      ['[addressbooks]', '[[contacts]]', `path = ${vdir}/contacts/`, '[general]', 'default_action = list', ''].join(
        '\n',
      ),
    );
  });
  after(async () => {
    await s?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const vdirsyncer = async (...args: string[]) => {
    const r = await run('vdirsyncer', ['-c', cfg, ...args], 'y\n'.repeat(10));
    assert.equal(r.code, 0, r.out);
    return r.out;
  };

  it('syncs server cards down byte-identical, and khard lists and shows them', async () => {
    const dav = davClient(s.origin, basicFor('vera'));
    for (const f of ['apple-3.0.vcf', 'google-3.0.vcf', 'rfc6350-4.0.vcf']) {
      const r = await dav.send('PUT', `${B}/${f}`, { body: fixture(f), headers: { 'content-type': 'text/vcard' } });
      assert.equal(r.status, 201);
    }
    await vdirsyncer('discover');
    await vdirsyncer('sync');
    const files = readdirSync(path.join(vdir, 'contacts')).sort();
    assert.equal(files.length, 3, files.join(', '));
    const texts = files.map((f) => readFileSync(path.join(vdir, 'contacts', f), 'utf8')).sort();
    const fixtures = ['apple-3.0.vcf', 'google-3.0.vcf', 'rfc6350-4.0.vcf'].map(fixture).sort();
    assert.deepEqual(texts, fixtures);
    const list = await run('khard', ['-c', khardCfg, 'list']);
    assert.equal(list.code, 0, list.out);
    for (const name of ['Johnny Appleseed', 'Grace Hopper', 'Ada Lovelace']) assert.match(list.out, new RegExp(name));
    const emails = await run('khard', ['-c', khardCfg, 'email', '--parsable', 'grace']);
    assert.match(emails.out, /grace@navy\.example\.mil/);
  });

  it('syncs local changes up: a new card, an edit and a deletion', async () => {
    const dav = davClient(s.origin, basicFor('vera'));
    const local = path.join(vdir, 'contacts');
    const fresh =
      'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Local;Larry;;;\r\nFN:Larry Local\r\nEMAIL:larry@example.net\r\nUID:larry-local-1\r\nEND:VCARD\r\n';
    writeFileSync(path.join(local, 'larry-local-1.vcf'), fresh);
    const graceFile = readdirSync(local).find((f) =>
      readFileSync(path.join(local, f), 'utf8').includes('Grace Hopper'),
    );
    const adaFile = readdirSync(local).find((f) => readFileSync(path.join(local, f), 'utf8').includes('Ada Lovelace'));
    assert.ok(graceFile && adaFile);
    const edited = fixture('google-3.0.vcf').replace('TITLE:Rear Admiral', 'TITLE:Admiral');
    writeFileSync(path.join(local, graceFile), edited);
    rmSync(path.join(local, adaFile));
    await vdirsyncer('sync');
    assert.equal((await dav.send('GET', `${B}/larry-local-1.vcf`)).text, fresh);
    assert.equal((await dav.send('GET', `${B}/google-3.0.vcf`)).text, edited);
    assert.equal((await dav.send('GET', `${B}/rfc6350-4.0.vcf`)).status, 404);
    const again = await run('khard', ['-c', khardCfg, 'list']);
    assert.match(again.out, /Larry Local/);
    assert.doesNotMatch(again.out, /Ada Lovelace/);
  });
});
