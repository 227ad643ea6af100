/**
 * Streams a request body into an outgoing request the way a proxy should: the chunks that arrive in one turn of the
 * event loop (a socket hands over 64 KiB per read, several reads per turn) go out in one `writev` instead of one
 * write syscall each, which also wakes the peer once per batch instead of once per chunk.
 */
import type { ClientRequest } from 'node:http';
import type { Readable } from 'node:stream';

/** Bytes gathered (corked) before reading pauses until the peer has taken them; at most about two in memory. */
export const BODY_BATCH = 1024 * 1024;

/**
 * Writes `body` into `req` and ends it. Backpressure is counted in bytes, not by the socket's 16 KiB mark (a corked
 * socket reports "full" after the first chunk): reading pauses past `BODY_BATCH` gathered, or while the uncorked
 * request still holds more than that, and resumes on drain. A failed body destroys the request; a request that closes
 * first (the peer answered early, the connection dropped) stops the pump and leaves the body paused, as `pipe` would.
 */
export function pumpBody(body: Readable, req: ClientRequest): void {
  let corked = false;
  let gathered = 0;
  let waiting = false;
  let stopped = false;
  const resume = (): void => {
    waiting = false;
    if (!stopped) body.resume();
  };
  const flush = (): void => {
    if (!corked) return; // ended meanwhile (uncorked then)
    corked = false;
    gathered = 0;
    req.uncork();
    if (!waiting || stopped) return;
    if (req.writableLength <= BODY_BATCH) resume();
    else req.once('drain', resume);
  };
  const onData = (chunk: Buffer): void => {
    if (stopped) return;
    if (!corked) {
      corked = true;
      req.cork();
      setImmediate(flush);
    }
    req.write(chunk);
    gathered += chunk.length;
    if (gathered >= BODY_BATCH && !waiting) {
      waiting = true;
      body.pause();
    }
  };
  const onEnd = (): void => {
    if (stopped) return;
    stop();
    if (corked) {
      corked = false;
      req.uncork();
    }
    req.end();
  };
  const onError = (err: Error): void => {
    stop();
    req.destroy(err);
  };
  const stop = (): void => {
    stopped = true;
    body.removeListener('data', onData);
    body.removeListener('end', onEnd);
    req.removeListener('close', onClose);
  };
  const onClose = (): void => {
    stop();
    body.pause();
  };
  body.once('error', onError);
  body.on('data', onData);
  body.once('end', onEnd);
  req.once('close', onClose);
}
