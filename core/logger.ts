import { pino, type DestinationStream } from 'pino';

/** The logger every part of Meshwork uses; children per plugin and per request. */
export type Logger = pino.Logger;

/** Key names whose values are never written, at any depth pino's paths reach (top level and one below). */
const SECRET_KEYS = [
  'password',
  'token',
  'sharedSecret',
  'secret',
  'roomSecret',
  'authorization',
  'cookie',
  'access_token',
  'code',
  'privateKey',
  'private_pem',
];

/**
 * Creates the root logger (to stdout, or `destination`). Secrets are redacted by key name wherever they
 * appear; request headers and bodies are never logged in the first place (see transport/access-log.ts).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const paths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  paths.push('headers.authorization', 'headers.cookie', '*.headers.authorization', '*.headers.cookie');
  const opts = { level, redact: { paths, censor: '[redacted]' } };
  return destination ? pino(opts, destination) : pino(opts);
}
