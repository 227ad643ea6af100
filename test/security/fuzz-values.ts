/** Hostile values the fuzzer puts in paths, fields and headers. */

/** A value too long for any field or header. */
export const HUGE = 'x'.repeat(9000);

/** Values for a route parameter or a path segment: plausible, malformed encodings, huge, hostile. */
export const SEGMENTS = [
  'x',
  '1',
  '-1',
  '0',
  'NaN',
  '9999999999999999999999',
  'a b',
  'ü✓😀',
  '%',
  '%zz',
  '%C3%28',
  '%ED%A0%80',
  '%F0%9F%98',
  '%00',
  '%2F',
  '%2e%2e',
  '..',
  '.',
  '%5C..%5C',
  '__proto__',
  'constructor',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  'alice@127.0.0.1',
  '@',
  'a@b@c',
  HUGE,
  '%%%%',
  '%u0041',
];
