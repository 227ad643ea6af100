/** Streams a request body into an outgoing request in batched writes (`batched-writes.ts`). */
import type { ClientRequest } from 'node:http';
import type { Readable } from 'node:stream';
import { batchWrites, WRITE_BATCH } from './batched-writes.ts';

/** Bytes gathered before reading pauses until the peer has taken them. */
export const BODY_BATCH = WRITE_BATCH;

/**
 * Writes `body` into `req` and ends it. A failed body destroys the request; a request that closes first (the peer
 * answered early, the connection dropped) stops the pump and leaves the body paused, as `pipe` would.
 */
export function pumpBody(body: Readable, req: ClientRequest): void {
  const stop = batchWrites(body, req, BODY_BATCH);
  const onClose = (): void => {
    stop();
    body.pause();
  };
  body.once('error', (err: Error) => {
    stop();
    req.removeListener('close', onClose);
    req.destroy(err);
  });
  req.once('close', onClose);
}
