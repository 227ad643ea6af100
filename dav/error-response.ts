import type { ServerResponse } from 'node:http';
import type { DavError } from './errors.ts';
import { escapeXml, XML_HEAD } from './xml.ts';

/** Writes a DavError as an RFC 4918 `<d:error>` body (with a Meshwork message element for humans). */
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
  const cond = err.condition
    ? err.hrefs.length
      ? `<d:${err.condition}>${err.hrefs.map((h) => `<d:href>${escapeXml(h)}</d:href>`).join('')}</d:${err.condition}>`
      : `<d:${err.condition}/>`
    : '';
  const body = `${XML_HEAD}<d:error xmlns:d="DAV:" xmlns:m="http://meshwork.dev/ns">${cond}<m:code>${escapeXml(err.code)}</m:code><m:message>${escapeXml(err.message)}</m:message></d:error>`;
  res.setHeader('Content-Type', 'application/xml; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
