/**
 * The byte paths of the files backend: GET bodies sent from reused 1 MiB buffers and PUT bodies written in batches,
 * both on libuv's callback file API. Why not streams: a fresh buffer per read (1 MiB for a small file, 256 KiB per
 * chunk of a large one) is external memory that V8 answers with full garbage collections — measured at about 4 ms
 * of CPU per 1 MB GET on a server with a 150 MB heap, more than the rest of the request together —, and every stream
 * hop (an async generator, `stream/promises` pipeline and its AbortController) costs promise turns per chunk.
 * Memory stays bounded: a download holds at most two buffers, an upload about two batches of `IO_CHUNK` bytes (one
 * being written, one gathering) plus the socket's own buffering.
 *
 * Metadata calls (open, fstat, futimes, close) and reads or writes of up to `SYNC_IO_MAX` bytes are synchronous, like
 * the lstat of every path lookup (file-store.ts): from the page cache they cost microseconds, where one trip through
 * libuv's thread pool costs some 50 µs of CPU in wake-ups; bulk bytes go through the pool.
 */
import {
  closeSync,
  constants as fsc,
  fstatSync,
  futimesSync,
  openSync,
  read,
  readSync,
  writev,
  writevSync,
  type BigIntStats,
} from 'node:fs';
import type { Readable, Writable } from 'node:stream';

/** Bytes read per file read and, for uploads, gathered per write. */
export const IO_CHUNK = 1024 * 1024;
/** Reads and writes up to this size are done synchronously. */
const SYNC_IO_MAX = 64 * 1024;
/** Idle buffers kept for reuse (16 MiB); any beyond are left to the garbage collector. */
const POOL_MAX = 16;
const pool: Buffer[] = [];

function take(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(IO_CHUNK);
}

/** Returns a buffer once nothing refers to its bytes any more (the socket has written them). */
function give(buf: Buffer): void {
  if (pool.length < POOL_MAX) pool.push(buf);
}

async function readAt(fd: number, buf: Buffer, length: number, position: number): Promise<number> {
  if (length <= SYNC_IO_MAX) return readSync(fd, buf, 0, length, position);
  return new Promise((resolve, reject) => read(fd, buf, 0, length, position, (e, n) => (e ? reject(e) : resolve(n))));
}

/** Opens a file for reading without following a symlink (a name swapped for one since the lookup is refused). */
export function openForRead(full: string): number {
  return openSync(full, fsc.O_RDONLY | fsc.O_NOFOLLOW);
}

/** Creates a new file (never an existing one) for writing. */
export function openForWrite(full: string): number {
  return openSync(full, 'wx', 0o644);
}

/** Closes a file; a failing close of a file only read or already written in full changes nothing. */
export function closeFd(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing to do: the descriptor is released either way
  }
}

/** The open file's stat, with nanosecond times (for ETags). */
export function statFd(fd: number): BigIntStats {
  return fstatSync(fd, { bigint: true });
}

/** Sets the open file's modification time (X-OC-Mtime). */
export function touchFd(fd: number, mtime: Date): void {
  futimesSync(fd, new Date(), mtime);
}

function writeAt(fd: number, batch: Buffer[], size: number, position: number, done: (err: Error | null) => void) {
  if (size > SYNC_IO_MAX) {
    writev(fd, batch, position, (err, written) => done(err ?? checkWritten(written, size)));
    return;
  }
  let err: Error | null;
  try {
    err = checkWritten(writevSync(fd, batch, position), size);
  } catch (e) {
    err = e as Error;
  }
  process.nextTick(done, err); // the same order of events as the asynchronous path
}

/** A regular file takes a whole writev; a short one only happens on a full disk. */
function checkWritten(written: number, size: number): Error | null {
  return written === size ? null : Object.assign(new Error('short write'), { code: 'ENOSPC' });
}

/** Resolves when `out` can take more, rejects when it closed first (the client went away). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', gone);
      resolve();
    };
    const gone = (): void => {
      out.off('drain', done);
      out.off('close', gone);
      reject(Object.assign(new Error('the client went away'), { code: 'ECONNRESET' }));
    };
    out.on('drain', done);
    out.on('close', gone);
  });
}

/**
 * Writes bytes `start`..`end` (inclusive) of an open file to `out` and ends it; the next chunk is read while the
 * previous one is being written. A buffer goes back to the pool only from its write's callback, when the socket is
 * done with its bytes. A file that shrank meanwhile destroys `out` (the declared Content-Length cannot be met).
 */
export async function sendRange(fd: number, out: Writable, start: number, end: number): Promise<void> {
  const next = async (pos: number): Promise<{ buf: Buffer; n: number }> => {
    const buf = take();
    try {
      return { buf, n: await readAt(fd, buf, Math.min(IO_CHUNK, end - pos + 1), pos) };
    } catch (err) {
      give(buf);
      throw err;
    }
  };
  let pos = start;
  let pending = next(pos);
  for (;;) {
    const { buf, n } = await pending;
    if (n === 0 || out.destroyed) {
      give(buf);
      out.destroy();
      return;
    }
    pos += n;
    const ok = out.write(n === buf.length ? buf : buf.subarray(0, n), (err) => {
      if (!err) give(buf);
    });
    if (pos > end) break;
    pending = next(pos);
    if (!ok) {
      try {
        await drained(out);
      } catch (err) {
        pending.then(({ buf: b }) => give(b)).catch(() => {});
        throw err;
      }
    }
  }
  out.end();
}

/**
 * Writes a request body to an open file, gathering chunks into one `writev` per `IO_CHUNK` bytes (a 1 MB upload is a
 * single write); the body is paused while a write is in flight. Resolves with the number of bytes written.
 */
export function receiveBody(body: Readable, fd: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let held = 0;
    let position = 0;
    let writing = false;
    let ended = false;
    let failed = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.resume(); // drain whatever else arrives; the request's own life ends it
      reject(err);
    };
    const flush = (): void => {
      if (held === 0) {
        if (ended) resolve(position);
        return;
      }
      const batch = chunks;
      const size = held;
      chunks = [];
      held = 0;
      writing = true;
      writeAt(fd, batch, size, position, (err) => {
        writing = false;
        if (err) return fail(err);
        position += size;
        if (failed) return;
        if (ended || held >= IO_CHUNK) return flush();
        body.resume();
      });
    };
    const onData = (chunk: Buffer | string): void => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(b);
      held += b.length;
      if (held < IO_CHUNK) return;
      body.pause();
      if (!writing) flush();
    };
    const onEnd = (): void => {
      ended = true;
      if (!writing) flush();
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.once('error', fail);
  });
}
