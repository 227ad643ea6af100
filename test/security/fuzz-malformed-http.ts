/** Raw requests whose bytes break HTTP itself, for the server's parser. */
import type { RawRequest } from './fuzz-client.ts';

/** Requests whose bytes break HTTP itself; each must get a 4xx from the server's parser, never a crash. */
export function malformedHttp(port: number): RawRequest[] {
  const host = `Host: 127.0.0.1:${port}\r\nConnection: close\r\n`;
  const heads = [
    `GET  / HTTP/1.1\r\n${host}\r\n`,
    `GET / HTTP/9.9\r\n${host}\r\n`,
    `GET /\u0000 HTTP/1.1\r\n${host}\r\n`,
    `GET http://evil.example/api/v1/me HTTP/1.1\r\n${host}\r\n`,
    `GET * HTTP/1.1\r\n${host}\r\n`,
    `OPTIONS * HTTP/1.1\r\n${host}\r\n`,
    `GET / HTTP/1.1\r\n${host}Foo bar\r\n\r\n`,
    `POST /api/v1/auth/login HTTP/1.1\r\n${host}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello`,
    `POST /api/v1/auth/login HTTP/1.1\r\n${host}Content-Length: -1\r\n\r\n`,
    `POST /api/v1/auth/login HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`,
    `POST /api/v1/auth/login HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5\r\n{"a":\r\nzz\r\n`,
    `GET / HTTP/1.1\r\n${host}X-Folded: a\r\n b\r\n\r\n`,
    `GET / HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    `GET /\xff\xfe/%C3%28 HTTP/1.1\r\n${host}\r\n`,
    `GET /api/v1/\xc3\x28 HTTP/1.1\r\n${host}\r\n`,
    `GET /dav/files/alice/\xff HTTP/1.1\r\n${host}Authorization: Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQ=\r\n\r\n`,
    `GET /${'a/'.repeat(4500)} HTTP/1.1\r\n${host}\r\n`,
    `GET / HTTP/1.1\r\nHost: \r\nHost: a\r\nConnection: close\r\n\r\n`,
    `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`,
    `\r\n\r\nGET / HTTP/1.1\r\n${host}\r\n`,
  ];
  return heads.map((rawHead) => ({ method: '', target: '', headers: [], body: Buffer.alloc(0), rawHead }));
}
