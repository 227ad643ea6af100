/**
 * Copies a readable into a writable the way a proxy should: the chunks that arrive in one turn of the event loop (a
 * socket hands over up to 64 KiB per read, several reads per turn) go out in one `writev` instead of one write
 * syscall each, which also wakes the peer once per batch instead of once per chunk. Used for request bodies streamed
 * to a peer (`body-pump.ts`) and for answers relayed from a peer to a client (the files plugin's share proxy).
 * Not `stream/promises` pipeline: it costs an AbortController per request and a DOMException when it settles.
 */
import type { Readable, Writable } from 'node:stream';

/** Bytes gathered (corked) before reading pauses until the sink has taken them; at most about two in memory. */
export const WRITE_BATCH = 1024 * 1024;

/**
 * Writes what `source` gives into `sink`, corked from a turn's first chunk until `setImmediate`, and ends `sink` when
 * `source` ends. Backpressure is counted in bytes, not by the sink's 16 KiB mark (a corked stream reports "full" after
 * its first chunk): reading pauses past `batch` gathered bytes, or while the uncorked sink still holds more than that,
 * and resumes on drain. Errors and early closes are the caller's: it calls the returned `stop` then, after which
 * nothing more is written or resumed.
 */
export function batchWrites(source: Readable, sink: Writable, batch = WRITE_BATCH): () => void {
  let corked = false;
  let gathered = 0;
  let waiting = false;
  let stopped = false;
  const resume = (): void => {
    waiting = false;
    if (!stopped) source.resume();
  };
  const flush = (): void => {
    if (!corked) return; // ended meanwhile (uncorked then)
    corked = false;
    gathered = 0;
    sink.uncork();
    if (!waiting || stopped) return;
    if (sink.writableLength <= batch) resume();
    else sink.once('drain', resume);
  };
  const onData = (chunk: Buffer): void => {
    if (stopped) return;
    if (!corked) {
      corked = true;
      sink.cork();
      setImmediate(flush);
    }
    sink.write(chunk);
    gathered += chunk.length;
    if (gathered >= batch && !waiting) {
      waiting = true;
      source.pause();
    }
  };
  const onEnd = (): void => {
    if (stopped) return;
    stop();
    if (corked) {
      corked = false;
      sink.uncork();
    }
    sink.end();
  };
  const stop = (): void => {
    stopped = true;
    source.removeListener('data', onData);
    source.removeListener('end', onEnd);
  };
  source.on('data', onData);
  source.once('end', onEnd);
  return stop;
}
