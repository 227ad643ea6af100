import { pino } from 'pino';

/** The logger every part of Meshwork uses; children per plugin and per request. */
export type Logger = pino.Logger;

/** Creates the root logger. Secrets are redacted by key name wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'sharedSecret',
        '*.sharedSecret',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'access_token',
        '*.access_token',
        'code',
        '*.code',
      ],
      censor: '[redacted]',
    },
  });
}
