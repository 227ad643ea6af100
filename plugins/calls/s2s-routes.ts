import express, { Router, type Request, type RequestHandler } from 'express';
import { InputError, NotFoundError, peerRouteErrors, type Logger } from '#core';
import { CALL_ERRORS } from './error-codes.ts';
import type { Liveness, AliveQuery } from './liveness.ts';
import type { SignalRelay } from './signal-relay.ts';
import { parseSfuOp } from './sfu-input.ts';
import type { CallOnSfu, SfuGateway } from './sfu/sfu-gateway.ts';

/** Keeps the exact body bytes: the peer's signature covers them, not the parsed JSON. */
function keepRaw(req: Request, _res: unknown, buf: Buffer): void {
  req.rawBody = buf;
}

function callOnSfu(b: Record<string, unknown>): CallOnSfu {
  if (typeof b.host !== 'string' || typeof b.hostRoomId !== 'string' || typeof b.callId !== 'string')
    throw new InputError('host, hostRoomId and callId are required');
  return { host: b.host, hostRoomId: b.hostRoomId, callId: b.callId };
}

/**
 * The calls plugin's server-to-server routes under `/plugins/calls/s2s`, all signed (`peerAuth` sets
 * `req.peerHost`, and a server speaks only for its own users): mesh signaling between participants' servers,
 * the host's liveness question, and SFU tokens and requests for this server's SFU.
 */
export function s2sRouter(d: {
  peerAuth: RequestHandler;
  signals: SignalRelay;
  liveness: Liveness;
  gateway: SfuGateway | null;
  log: Logger;
}): Router {
  const r = Router();
  const json = express.json({ limit: '256kb', verify: keepRaw });
  const peer = (req: Request) => String(req.peerHost).toLowerCase();
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
  const gateway = () => {
    if (!d.gateway) throw new NotFoundError('this server has no SFU', CALL_ERRORS.SFU_UNAVAILABLE);
    return d.gateway;
  };

  r.post('/signal', json, d.peerAuth, async (req, res) => {
    await d.signals.receive(peer(req), req.body);
    res.status(204).end();
  });

  r.post('/alive', json, d.peerAuth, async (req, res) => {
    res.json({ live: await d.liveness.answer(peer(req), req.body as AliveQuery) });
  });

  r.post('/sfu-token', json, d.peerAuth, async (req, res) => {
    const b = body(req);
    if (typeof b.address !== 'string') throw new InputError('address is required');
    res.json(await gateway().mint(peer(req), callOnSfu(b), b.address));
  });

  r.post('/sfu', json, d.peerAuth, async (req, res) => {
    const b = body(req);
    res.json(await gateway().withToken(peer(req), b.token, parseSfuOp(b)));
  });

  r.use(peerRouteErrors(d.log, 'calls:s2s'));
  return r;
}
