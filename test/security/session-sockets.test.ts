import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { freshPostgresUrl, postgresAvailable } from '../harness/databases.ts';
import { redisAvailable, REDIS_URL } from '../harness/redis.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';
import { notePlugin } from '../fixtures/note-plugin.ts';

const OFF = 3_600_000;
const open: Socket[] = [];

/** A connected socket on `namespace` ('/' or '/chat'), each on its own connection. */
async function socketOf(s: TestServer, namespace: string, token: string): Promise<Socket> {
  const socket = connect(s.origin + namespace, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  open.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Resolves with the disconnect reason. */
function disconnected(socket: Socket): Promise<string> {
  if (!socket.connected) return Promise.resolve('already');
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

async function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_r, reject) => (t = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms))),
    ]);
  } finally {
    clearTimeout(t);
  }
}

async function refused(s: TestServer, token: string): Promise<string> {
  const socket = connect(s.origin, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('a dead session connected')));
    socket.once('connect_error', (err) => resolve(err.message));
  });
}

async function login(s: TestServer, id: string): Promise<string> {
  const r = await s.api(null, 'POST', '/api/v1/auth/login', { username: id, password: `${id}-password` });
  assert.equal(r.status, 200);
  return r.body.token;
}

afterEach(() => {
  for (const so of open.splice(0)) so.disconnect();
});

describe('sockets end with the session that opened them, in every namespace', function () {
  this.timeout(30_000);
  let s: TestServer;

  // The periodic sweep and the per-event re-check are off: what is tested here is the immediate disconnect.
  beforeEach(async () => {
    s = await startTestServer({
      plugins: [notePlugin(), chatPlugin()],
      sessionChecks: { sweepMs: OFF, recheckMs: OFF },
    });
    await s.user('alice');
  });
  afterEach(async () => s.destroy());

  it('logging out disconnects that session’s sockets (core and /chat) at once; they receive nothing more', async () => {
    const [t1, t2] = [await login(s, 'alice'), await login(s, 'alice')];
    const room = (await s.api(t2, 'POST', '/api/v1/chat/rooms', { name: 'Plans' })).body.room.id as string;
    const [main1, chat1, main2, chat2] = await Promise.all([
      socketOf(s, '/', t1),
      socketOf(s, '/chat', t1),
      socketOf(s, '/', t2),
      socketOf(s, '/chat', t2),
    ]);
    const gone = Promise.all([disconnected(main1), disconnected(chat1)]);
    let afterLogout = 0;
    chat1.on('event', () => afterLogout++);
    assert.equal((await s.api(t1, 'POST', '/api/v1/auth/logout')).status, 204);
    assert.deepEqual(await within(1000, gone, 'logout disconnect'), ['io server disconnect', 'io server disconnect']);
    const seen = new Promise((resolve) => chat2.once('event', resolve));
    assert.equal(
      (await s.api(t2, 'POST', `/api/v1/chat/rooms/${room}/messages`, { text: 'after logout' })).status,
      201,
    );
    await within(2000, seen, 'the other session still receives');
    assert.equal(afterLogout, 0);
    assert.ok(main2.connected && chat2.connected, 'the other session keeps its sockets');
    assert.equal(await refused(s, t1), 'UNAUTHENTICATED');
  });

  it('a password change ends the other sessions’ sockets; the session that changed it keeps its own', async () => {
    const [mine, other] = [await login(s, 'alice'), await login(s, 'alice')];
    const [mainMine, chatMine, mainOther, chatOther] = await Promise.all([
      socketOf(s, '/', mine),
      socketOf(s, '/chat', mine),
      socketOf(s, '/', other),
      socketOf(s, '/chat', other),
    ]);
    const gone = Promise.all([disconnected(mainOther), disconnected(chatOther)]);
    const changed = await s.api(mine, 'POST', '/api/v1/me/password', {
      currentPassword: 'alice-password',
      newPassword: 'alice-new-password',
    });
    assert.equal(changed.status, 204);
    await within(1000, gone, 'password change disconnect');
    assert.ok(mainMine.connected && chatMine.connected);
    assert.equal((await s.api(mine, 'GET', '/api/v1/me')).status, 200);
    assert.equal((await s.api(other, 'GET', '/api/v1/me')).status, 401);
  });

  it('an expired session’s sockets are disconnected when it expires', async () => {
    const token = await s.engine.accounts.createSession('alice', 1500);
    const [main, chat] = await Promise.all([socketOf(s, '/', token), socketOf(s, '/chat', token)]);
    const started = Date.now();
    await within(3000, Promise.all([disconnected(main), disconnected(chat)]), 'expiry disconnect');
    assert.ok(Date.now() - started >= 1000, 'not before it expired');
    assert.equal(await refused(s, token), 'UNAUTHENTICATED');
  });

  it('disabling an account disconnects all its sockets; deleting one does too', async () => {
    await s.user('bob');
    const a = await login(s, 'alice');
    const b = await login(s, 'bob');
    const aliceSockets = await Promise.all([socketOf(s, '/', a), socketOf(s, '/chat', a)]);
    const bobSockets = await Promise.all([socketOf(s, '/', b), socketOf(s, '/chat', b)]);
    await s.engine.accounts.setDisabled('alice', true);
    await within(1000, Promise.all(aliceSockets.map(disconnected)), 'disable disconnect');
    assert.ok(bobSockets.every((x) => x.connected));
    await s.engine.accounts.markDeleted('bob');
    await within(1000, Promise.all(bobSockets.map(disconnected)), 'delete disconnect');
  });
});

describe('a socket of a session that ended where no event reached it', function () {
  this.timeout(30_000);
  let s: TestServer;
  afterEach(async () => s?.destroy());

  async function roomWithSocket(sessionChecks: { sweepMs: number; recheckMs: number }) {
    s = await startTestServer({ plugins: [notePlugin(), chatPlugin()], sessionChecks });
    const keep = await s.user('alice');
    const doomed = await login(s, 'alice');
    const room = (await s.api(keep, 'POST', '/api/v1/chat/rooms', { name: 'Plans' })).body.room.id as string;
    const chat = await socketOf(s, '/chat', doomed);
    // Out of band, as `meshwork user …` does without Redis: no engine event, only the database changes.
    await s.engine.database.db.deleteFrom('sessions').where('user_id', '=', 'alice').execute();
    return { keep: await login(s, 'alice'), room, chat };
  }

  it('cannot send: its next event is dropped and it is disconnected (per-event check)', async () => {
    const { keep, room, chat } = await roomWithSocket({ sweepMs: OFF, recheckMs: 200 });
    await new Promise((r) => setTimeout(r, 300));
    const gone = disconnected(chat);
    const acked = chat
      .timeout(1500)
      .emitWithAck('act', { roomId: room, clientMsgId: 'm-1', action: { type: 'post', text: 'from a dead session' } })
      .then(
        () => true,
        () => false,
      );
    await within(1500, gone, 'disconnect on the next event');
    assert.equal(await acked, false, 'no answer to a dead session');
    const history = await s.api(keep, 'GET', `/api/v1/chat/rooms/${room}/history`);
    assert.equal(history.status, 200);
    assert.doesNotMatch(JSON.stringify(history.body), /from a dead session/);
  });

  it('is disconnected by the sweep even if it never sends', async () => {
    const { chat } = await roomWithSocket({ sweepMs: 300, recheckMs: OFF });
    await within(2000, disconnected(chat), 'sweep disconnect');
  });
});

describe('two app nodes on Redis: a session that ends on one node loses its sockets on the other', function () {
  this.timeout(40_000);
  let node1: TestServer;
  let node2: TestServer;
  let drop: (() => Promise<void>) | undefined;

  before(async function () {
    if (!(await postgresAvailable()) || !(await redisAvailable())) {
      console.log('    (PostgreSQL or Redis not reachable on loopback; skipping outside CI)');
      return this.skip();
    }
    const pg = await freshPostgresUrl();
    drop = pg.drop;
    const env = { MESHWORK_DATABASE_URL: pg.url, MESHWORK_REDIS_URL: REDIS_URL };
    const sessionChecks = { sweepMs: OFF, recheckMs: OFF };
    const plugins = () => [notePlugin(), chatPlugin()];
    node1 = await startTestServer({ env, sessionChecks, plugins: plugins() });
    node2 = await startTestServer({
      env: { ...env, MESHWORK_PUBLIC_URL: node1.origin },
      sessionChecks,
      plugins: plugins(),
    });
    await node1.user('alice');
  });
  after(async () => {
    await Promise.all([node1, node2].map((s) => s?.destroy()));
    await drop?.();
  });

  it('logout through node 1 disconnects the session’s sockets on node 2 (core and /chat)', async () => {
    const token = await login(node1, 'alice');
    const other = await login(node1, 'alice');
    const mine = await Promise.all([socketOf(node2, '/', token), socketOf(node2, '/chat', token)]);
    const theirs = await Promise.all([socketOf(node2, '/', other), socketOf(node2, '/chat', other)]);
    assert.equal((await node1.api(token, 'POST', '/api/v1/auth/logout')).status, 204);
    await within(2000, Promise.all(mine.map(disconnected)), 'cross-node logout disconnect');
    assert.ok(theirs.every((x) => x.connected));
  });

  it('a password change through node 2 ends the other sessions’ sockets on node 1', async () => {
    const changer = await login(node2, 'alice');
    const other = await login(node1, 'alice');
    const others = await Promise.all([socketOf(node1, '/', other), socketOf(node1, '/chat', other)]);
    const own = await socketOf(node1, '/chat', changer);
    const r = await node2.api(changer, 'POST', '/api/v1/me/password', {
      currentPassword: 'alice-password',
      newPassword: 'alice-password-2',
    });
    assert.equal(r.status, 204);
    await within(2000, Promise.all(others.map(disconnected)), 'cross-node password-change disconnect');
    await eventually(async () => own.connected, 500, 'the changer keeps its socket');
  });
});
