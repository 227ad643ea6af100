/** A tiny WebDAV client for tests (not used at run time). */
import http from 'node:http';

/** One DAV response with its body read as text or bytes. */
export interface DavReply {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
}

/** Sends DAV requests as one user (Basic auth) or with a raw Authorization header. */
export function davClient(origin: string, authorization: string) {
  const send = async (
    method: string,
    path: string,
    opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
  ): Promise<DavReply> => {
    const res = await fetch(origin + path, {
      method,
      headers: { authorization, ...(opts.headers ?? {}) },
      ...(opts.body !== undefined ? { body: opts.body as NonNullable<RequestInit['body']> } : {}),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, text: bytes.toString('utf8'), bytes };
  };
  return {
    send,
    /** A request whose path is sent byte for byte (fetch would normalise `..` away). */
    raw(method: string, rawPath: string): Promise<number> {
      return new Promise((resolve, reject) => {
        const u = new URL(origin);
        const req = http.request(
          { host: u.hostname, port: u.port, method, path: rawPath, headers: { authorization } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    },
    /** PROPFIND returning the hrefs of the multistatus, in order. */
    async list(path: string, depth = '1'): Promise<{ status: number; hrefs: string[]; text: string }> {
      const r = await send('PROPFIND', path, { headers: { depth } });
      return {
        status: r.status,
        text: r.text,
        hrefs: [...r.text.matchAll(/<d:href>([^<]*)<\/d:href>/g)].map((m) => m[1] as string),
      };
    },
  };
}

/** The Basic authorization header for a test user created with `<id>-password`. */
export function basicFor(user: string, password = `${user}-password`): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
