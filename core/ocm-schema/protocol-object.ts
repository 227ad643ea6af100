/**
 * Normalizes the three wire forms of a share's `protocol` field into one per-protocol map:
 * legacy `{name, options}`, single `{name: 'webdav', webdav: {...}}` and `{name: 'multi', <p>: {...}, ...}`.
 */
import { InputError } from '../errors.ts';

/** Requirement values this server understands; any other value means the share must be rejected. */
export const KNOWN_REQUIREMENTS = ['must-exchange-token', 'must-use-mfa'] as const;

/** The protocol field in one shape; `protocols.webdav` holds `{uri?, sharedSecret, permissions, requirements?}`. */
export interface NormalizedProtocol {
  name: string;
  protocols: Record<string, Record<string, unknown>>;
  legacy: boolean;
}

const KNOWN_PERMISSIONS = ['read', 'write', 'share'] as const;

function invalid(message: string, field = 'protocol'): InputError {
  return new InputError(message, [{ name: field, message: 'INVALID_VALUE' }], 'INVALID_PROTOCOL');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Legacy `options.permissions` is free-form: Nextcloud sends the WebDAV property name
 * `{http://open-cloud-mesh.org/ns}share-permissions`, ownCloud 10 an integer bitmask (1 read, 2|4|8 write, 16 share).
 */
function legacyPermissions(raw: unknown): string[] {
  const found = new Set<string>();
  if (typeof raw === 'number' && Number.isInteger(raw)) {
    if (raw & 1) found.add('read');
    if (raw & 14) found.add('write');
    if (raw & 16) found.add('share');
  } else {
    const words = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,;|]+/) : [];
    for (const w of words) {
      if (typeof w === 'string' && (KNOWN_PERMISSIONS as readonly string[]).includes(w.toLowerCase())) {
        found.add(w.toLowerCase());
      }
    }
  }
  return KNOWN_PERMISSIONS.filter((p) => found.has(p));
}

function legacyArm(options: Record<string, unknown>): Record<string, unknown> {
  const arm: Record<string, unknown> = { ...options, permissions: legacyPermissions(options['permissions']) };
  if ('permissions' in options) arm['legacyPermissions'] = options['permissions'];
  return arm;
}

/** Turns any of the three `protocol` forms into `{name, protocols, legacy}`; throws `INVALID_PROTOCOL`. */
export function normalizeProtocol(protocol: unknown): NormalizedProtocol {
  if (!isPlainObject(protocol)) throw invalid('protocol must be an object');
  const name = protocol['name'];
  if (typeof name !== 'string' || name === '') throw invalid('protocol.name is required', 'protocol.name');

  const arms: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(protocol)) {
    if (key === 'name' || key === 'options') continue;
    if (!isPlainObject(value)) throw invalid(`protocol.${key} must be an object`, `protocol.${key}`);
    arms[key] = { ...value };
  }
  const options = protocol['options'];
  if (options !== undefined && !isPlainObject(options))
    throw invalid('protocol.options must be an object', 'protocol.options');
  const armNames = Object.keys(arms);

  if (name === 'multi') {
    if (armNames.length === 0) throw invalid('protocol "multi" carries no protocol object');
    return { name, protocols: arms, legacy: false };
  }
  if (armNames.length > 1) throw invalid(`several protocol objects require name "multi", got "${name}"`);
  const only = armNames[0];
  if (only !== undefined && only !== name) {
    throw invalid(`protocol.name "${name}" does not match protocol object "${only}"`, 'protocol.name');
  }
  if (only !== undefined) {
    // Senders targeting old peers send both `options` and the object (STUB, our own legacy-compatible form).
    const fromOptions = options === undefined ? {} : legacyArm(options);
    return { name, protocols: { [name]: { ...fromOptions, ...arms[only] } }, legacy: false };
  }
  if (options === undefined) throw invalid(`protocol "${name}" carries neither options nor a protocol object`);
  return { name, protocols: { [name]: legacyArm(options) }, legacy: true };
}

/** Every requirement listed by any protocol object, deduplicated in first-seen order. */
export function collectRequirements(p: NormalizedProtocol): string[] {
  const out = new Set<string>();
  for (const arm of Object.values(p.protocols)) {
    const reqs = arm['requirements'];
    if (!Array.isArray(reqs)) continue;
    for (const r of reqs) if (typeof r === 'string') out.add(r);
  }
  return [...out];
}

/** Requirements this server does not understand (the share MUST then be rejected). */
export function unknownRequirements(p: NormalizedProtocol): string[] {
  return collectRequirements(p).filter((r) => !(KNOWN_REQUIREMENTS as readonly string[]).includes(r));
}
