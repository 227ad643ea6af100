import type { ServerResponse } from 'node:http';
import { escapeXml, XML_HEAD } from './dav-xml.ts';

/**
 * A WebDAV failure with its HTTP status, a stable code, and optionally an RFC 4918 precondition element
 * (e.g. `lock-token-submitted`) that goes into a `<d:error>` body.
 */
export class DavError extends Error {
  readonly status: number;
  readonly code: string;
  /** Local name of a DAV: precondition/postcondition element, e.g. `propfind-finite-depth`. */
  readonly condition: string | undefined;
  /** Hrefs to list inside the condition element (e.g. the locked resource for `lock-token-submitted`). */
  readonly hrefs: string[];

  constructor(status: number, message: string, code: string, condition?: string, hrefs: string[] = []) {
    super(message);
    this.name = 'DavError';
    this.status = status;
    this.code = code;
    this.condition = condition;
    this.hrefs = hrefs;
  }
}

/** 404 for a missing resource. */
export function notFound(what = 'no such resource'): DavError {
  return new DavError(404, what, 'DAV_NOT_FOUND');
}

/** 403 for an operation the caller may never do here. */
export function forbidden(message: string, condition?: string): DavError {
  return new DavError(403, message, 'DAV_FORBIDDEN', condition);
}

/** 409 for a missing parent collection or similar state conflict. */
export function conflict(message: string, condition?: string): DavError {
  return new DavError(409, message, 'DAV_CONFLICT', condition);
}

/** 412 for a failed precondition (If-Match, If, Overwrite: F). */
export function preconditionFailed(message: string, condition?: string): DavError {
  return new DavError(412, message, 'DAV_PRECONDITION_FAILED', condition);
}

/** 400 for unreadable input. */
export function badRequest(message: string): DavError {
  return new DavError(400, message, 'DAV_BAD_REQUEST');
}

/** Writes a DavError as an RFC 4918 `<d:error>` body (with a Meshwork message element for humans). */
export function sendDavError(res: ServerResponse, err: DavError, method: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = err.status;
  // Scripts (the web app sends X-Requested-With) must not trigger the browser's own Basic login dialog.
  if (err.status === 401 && res.req?.headers['x-requested-with'] === undefined) res.setHeader('WWW-Authenticate', 'Basic realm="Meshwork", charset="UTF-8"');
  if (method === 'HEAD') {
    res.end();
    return;
  }
  const cond = err.condition
    ? (err.hrefs.length ? `<d:${err.condition}>${err.hrefs.map((h) => `<d:href>${escapeXml(h)}</d:href>`).join('')}</d:${err.condition}>` : `<d:${err.condition}/>`)
    : '';
  const body = `${XML_HEAD}<d:error xmlns:d="DAV:" xmlns:m="http://meshwork.dev/ns">${cond}<m:code>${escapeXml(err.code)}</m:code><m:message>${escapeXml(err.message)}</m:message></d:error>`;
  res.setHeader('Content-Type', 'application/xml; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
