import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../test/harness/test-server.ts';
import { definePlugin, NotFoundError, type AckReply } from './index.ts';
import { defineSocketEvents } from './socket-events.ts';

interface PinsClient {
  rename: (
    req: { id: string; title: string },
    ack: (r: AckReply<{ id: string; title: string; by: string }>) => void,
  ) => void;
  count: (ack: (r: AckReply<{ n: number }>) => void) => void;
  poke: (req: { id: string }) => void;
}
interface PinsServer {
  poked: (p: { id: string; by: string }) => void;
}

const pinsSocket = defineSocketEvents<PinsClient, PinsServer>({
  rename: {
    type: 'object',
    required: ['id', 'title'],
    properties: { id: { type: 'string', maxLength: 20 }, title: { type: 'string', minLength: 1, maxLength: 50 } },
    additionalProperties: false,
  },
  count: null,
  poke: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
});

function pinsPlugin() {
  return definePlugin({
    id: 'pins',
    resourceTypes: [{ name: 'pin', shareTypes: ['user'], protocols: { pins: '/plugins/pins/' } }],
    async setup(ctx) {
      const io = pinsSocket.attach(ctx.realtime, ctx.logger);
      let handled = 0;
      io.ns.on('connection', (socket) => {
        io.handle(socket, 'rename', async (req) => {
          handled++;
          if (req.id === 'missing') throw new NotFoundError('no such pin');
          if (req.id === 'bug') throw new Error('SELECT secret FROM somewhere');
          return { id: req.id, title: req.title, by: socket.data.user.id };
        });
        io.handle(socket, 'count', () => ({ n: handled }));
        io.handle(socket, 'poke', (req) => {
          io.ns.to(socket.id).emit('poked', { id: req.id, by: socket.data.user.id });
        });
      });
      return {};
    },
  });
}

describe('sdk: typed socket events with validated requests', function () {
  this.timeout(30_000);
  let server: TestServer;
  let socket: Socket;

  before(async () => {
    server = await startTestServer({ plugins: [pinsPlugin()] });
    const token = await server.user('alice');
    socket = connect(`${server.origin}/pins`, { auth: { token }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  });
  after(async () => {
    socket?.disconnect();
    await server?.destroy();
  });

  it('runs the handler with a valid request and acks its result', async () => {
    assert.deepEqual(await socket.emitWithAck('rename', { id: 'p1', title: 'Groceries' }), {
      ok: true,
      id: 'p1',
      title: 'Groceries',
      by: 'alice',
    });
    assert.deepEqual(await socket.emitWithAck('count'), { ok: true, n: 1 });
  });

  it('answers a payload that fails its schema with an error ack, without running the handler', async () => {
    for (const bad of [
      undefined,
      'text',
      42,
      [],
      { id: 'p1' },
      { id: 'p1', title: '' },
      { id: 'p1', title: 'x', admin: true },
    ]) {
      const r = await socket.emitWithAck('rename', bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
      assert.equal(r.code, 'INVALID_INPUT');
      assert.match(r.message, /^invalid rename request: rename/);
    }
    assert.deepEqual(await socket.emitWithAck('count'), { ok: true, n: 1 }, 'no bad request reached the handler');
  });

  it("acks a handler's declared error with its code, and an unexpected one without its details", async () => {
    const missing = await socket.emitWithAck('rename', { id: 'missing', title: 'x' });
    assert.deepEqual(missing, { ok: false, code: 'RESOURCE_NOT_FOUND', message: 'no such pin' });
    const bug = await socket.emitWithAck('rename', { id: 'bug', title: 'x' });
    assert.equal(bug.code, 'INTERNAL_ERROR');
    assert.doesNotMatch(JSON.stringify(bug), /secret/);
  });

  it('handles an event sent without an ack, and the server stays up after bad ones', async () => {
    socket.emit('poke', 12);
    socket.emit('poke');
    const poked = new Promise<{ id: string; by: string }>((resolve) => socket.once('poked', resolve));
    socket.emit('poke', { id: 'p9' });
    assert.deepEqual(await poked, { id: 'p9', by: 'alice' });
  });
});
