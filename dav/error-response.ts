/**
 * The one error edge of DAV: every failure (the toolkit's DavError, a domain error carrying `status` and `code` such
 * as the core's MeshworkError, a storage error a backend let through) leaves as a DAV status plus a `<d:error>` body
 * naming the precondition. Only errors nobody expected become 500, and those are logged.
 */
import type { ServerResponse } from 'node:http';
import { DavError } from './errors.ts';
import { escapeXml, splitClark, XML_HEAD } from './xml.ts';

/** The part of a pino-style logger the toolkit uses. */
export interface DavLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Statuses whose message may be shown to the client even though they are 5xx. */
const TELLING_5XX = new Set([501, 502, 503, 504, 507]);

/**
 * Maps any thrown value to a DavError. Errors that carry a numeric HTTP `status` and a string `code` (the core's
 * MeshworkError, a backend's own domain errors) keep both; anything else is an internal error (500).
 */
export function toDavError(err: unknown): DavError {
  if (err instanceof DavError) return err;
  const e = err as { status?: unknown; code?: unknown; message?: unknown } | null;
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status <= 599 && typeof e.code === 'string') {
    const message = e.status < 500 || TELLING_5XX.has(e.status) ? String(e.message ?? e.code) : 'internal error';
    return new DavError(e.status, message, e.code);
  }
  return new DavError(500, 'internal error', 'DAV_INTERNAL');
}

/** The `<d:error>` body of a DavError (with a Meshwork code and message for humans). */
export function errorBody(err: DavError): string {
  let cond = '';
  if (err.condition) {
    const { ns, local } = splitClark(err.condition);
    const name = ns === 'DAV:' ? `d:${local}` : `c:${local}`;
    const decl = ns === 'DAV:' ? '' : ` xmlns:c="${escapeXml(ns)}"`;
    const inner = err.hrefs.map((h) => `<d:href>${escapeXml(h)}</d:href>`).join('');
    cond = inner ? `<${name}${decl}>${inner}</${name}>` : `<${name}${decl}/>`;
  }
  return `${XML_HEAD}<d:error xmlns:d="DAV:" xmlns:m="http://meshwork.dev/ns">${cond}<m:code>${escapeXml(err.code)}</m:code><m:message>${escapeXml(err.message)}</m:message></d:error>`;
}

/** Writes a DavError as status + `<d:error>` XML (headers only for HEAD). */
export function sendDavError(res: ServerResponse, err: DavError, method: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = err.status;
  // Scripts (the web app sends X-Requested-With) must not trigger the browser's own Basic login dialog.
  if (err.status === 401 && res.req?.headers['x-requested-with'] === undefined)
    res.setHeader('WWW-Authenticate', 'Basic realm="Meshwork", charset="UTF-8"');
  if (method === 'HEAD') {
    res.end();
    return;
  }
  const body = errorBody(err);
  res.setHeader('Content-Type', 'application/xml; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** The DAV error edge: maps, logs unexpected failures, and answers (or drops a connection whose client left). */
export function sendFailure(res: ServerResponse, err: unknown, method: string, log: DavLogger): void {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  // The client went away mid-stream: nobody is left to answer, and it is not a server fault.
  if (code === 'ERR_STREAM_PREMATURE_CLOSE' || res.destroyed) {
    res.destroy();
    return;
  }
  const mapped = toDavError(err);
  if (mapped.status === 500) log.error({ err, method }, 'DAV request failed');
  sendDavError(res, mapped, method);
}
