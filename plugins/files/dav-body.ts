import type { IncomingMessage } from 'node:http';
import { DavError, parseXml, type XmlElement } from '#dav';
import type { DavRequest } from './dav-context.ts';

/** True when the request announces a body (Content-Length > 0 or chunked). */
export function hasBodyHeaders(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return Number(len) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/** hasBodyHeaders for a DAV request. */
export function hasBody(d: DavRequest): boolean {
  return hasBodyHeaders(d.req);
}

/** Reads a small request body as UTF-8, refusing more than the configured XML limit with 413. */
export async function readSmallBody(d: DavRequest): Promise<string> {
  if (!hasBody(d)) return '';
  const max = d.svc.maxXmlBytes;
  if (Number(d.req.headers['content-length'] ?? 0) > max)
    throw new DavError(413, `XML bodies are limited to ${max} bytes`, 'DAV_BODY_TOO_LARGE');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of d.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new DavError(413, `XML bodies are limited to ${max} bytes`, 'DAV_BODY_TOO_LARGE');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and parses an XML body; null when there is none. */
export async function readXmlBody(d: DavRequest): Promise<XmlElement | null> {
  const text = await readSmallBody(d);
  if (text.trim() === '') return null;
  return parseXml(text);
}

/** Discards an unused request body so the connection can be reused. */
export function drain(d: DavRequest): void {
  if (!d.req.readableEnded) d.req.resume();
}
