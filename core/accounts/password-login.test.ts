import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../storage/database.ts';
import { coreMigrations } from '../storage/core-schema.ts';
import { migrate } from '../storage/migrations.ts';
import { AccountService } from './account-service.ts';
import { LoginThrottle } from './login-throttle.ts';
import { PasswordLogin } from './password-login.ts';

const header = (user: string, pw: string) => Buffer.from(`${user}:${pw}`).toString('base64');

describe('PasswordLogin: verified Basic credentials live while a client uses them', () => {
  let dir: string;
  let database: Database;
  let accounts: AccountService;
  let checks: number;
  let clock: number;
  const realNow = Date.now;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'meshwork-basic-'));
    database = openDatabase({ databaseUrl: null, dataDir: dir });
    await migrate(database.db, database.dialect, [{ owner: 'core', migrations: coreMigrations }]);
    accounts = new AccountService(database.db);
    await accounts.createUser({ id: 'alice', password: 'alice-password' });
    // The real service, counted: each call is one scrypt.
    checks = 0;
    const check = accounts.checkPasswordHash.bind(accounts);
    accounts.checkPasswordHash = (u, p) => (checks++, check(u, p));
    clock = realNow();
    Date.now = () => clock;
  });
  afterEach(async () => {
    Date.now = realNow;
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a client sending every 30 s pays one password check per 15 minutes, not one per minute', async () => {
    const login = new PasswordLogin(accounts, new LoginThrottle(database.db));
    const auth = header('alice', 'alice-password');
    const seen: number[] = [];
    for (let minute = 0.5; minute <= 16; minute += 0.5) {
      clock += 30_000;
      assert.equal((await login.basic(auth, '192.0.2.1'))?.id, 'alice');
      seen.push(checks);
    }
    assert.equal(seen[27], 1, 'one check in the first 14 minutes of use');
    assert.equal(checks, 2, 'checked again once 15 minutes have passed, however often it is used');
  });

  it('an entry unused for a minute is forgotten; a changed password stops a cached one at once', async () => {
    const login = new PasswordLogin(accounts, new LoginThrottle(database.db));
    const auth = header('alice', 'alice-password');
    await login.basic(auth, '192.0.2.1');
    clock += 59_000;
    await login.basic(auth, '192.0.2.1');
    assert.equal(checks, 1);
    clock += 61_000;
    await login.basic(auth, '192.0.2.1');
    assert.equal(checks, 2, 'idle for over a minute: checked again');
    await accounts.setPassword('alice', 'new-password-123');
    assert.equal(await login.basic(auth, '192.0.2.1'), null, 'the old password is refused');
  });
});
