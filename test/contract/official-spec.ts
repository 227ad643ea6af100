/**
 * Loads the official OCM OpenAPI document (kept OUTSIDE the repo for licensing reasons) and builds an Ajv
 * validator from its `components.schemas`, so tests can check any body we send or receive against it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { parse } from 'yaml';

/** Result of validating one body against an official schema. */
export interface OfficialResult {
  valid: boolean;
  errors: ErrorObject[];
}

/** The loaded official spec: raw document, Ajv instance and a validate-by-name helper. */
export interface OfficialSpec {
  path: string;
  document: Record<string, unknown>;
  /** components.schemas of the document, untouched (examples and descriptions included). */
  rawSchemas: Record<string, Record<string, unknown>>;
  /** Every name accepted by validate(): components.schemas plus INLINE_SCHEMAS aliases. */
  schemaNames: string[];
  ajv: Ajv;
  validate(schemaName: string, body: unknown): OfficialResult;
}

const ID_PREFIX = 'https://meshwork.invalid/ocm-spec/schemas/';
const REF_PREFIX = '#/components/schemas/';

/** Schemas the spec defines inline under a path, exposed under our names. */
export const INLINE_SCHEMAS: Record<string, string[]> = {
  ShareCreatedResponse: ['paths', '/shares', 'post', 'responses', '201', 'content', 'application/json', 'schema'],
};

/** Where the spec is looked for, in order: $MESHWORK_OCM_SPEC, ../shared/ocm/spec.yaml from the repo root, /work/shared. */
export function officialSpecCandidates(): string[] {
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const env = process.env['MESHWORK_OCM_SPEC'];
  const list = [resolve(repoRoot, '../shared/ocm/spec.yaml'), '/work/shared/ocm/spec.yaml'];
  return env !== undefined && env !== '' ? [resolve(env)] : list;
}

/** Path of the official spec.yaml, or null when none of the candidates exists. */
export function findOfficialSpec(): string | null {
  return officialSpecCandidates().find((p) => existsSync(p)) ?? null;
}

const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions'];
const SCHEMA_VALUES = ['items', 'additionalProperties', 'not', 'additionalItems', 'contains', 'propertyNames'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];
const DROPPED = new Set(['example', 'examples', 'discriminator', 'xml', 'externalDocs', 'deprecated']);

/**
 * OpenAPI 3.0 Schema Object → JSON Schema: rewrite component $refs to absolute ids, turn `nullable` into a null
 * type, boolean exclusiveMinimum/Maximum into numbers, and drop OpenAPI-only keywords. Recurses only through
 * schema-valued keywords, so a property NAMED "description" or "example" (NewShare has one) is preserved.
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(src)) {
    if (DROPPED.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)) {
      out[key] = ID_PREFIX + value.slice(REF_PREFIX.length);
    } else if (SCHEMA_MAPS.includes(key) && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]));
    } else if (SCHEMA_VALUES.includes(key) || SCHEMA_LISTS.includes(key)) {
      out[key] = toJsonSchema(value);
    } else {
      out[key] = value;
    }
  }
  if (src['nullable'] === true) {
    if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum'])) out['enum'] = [...out['enum'], null];
  }
  for (const [bool, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[bool] === 'boolean') {
      if (out[bool] === true && typeof out[bound] === 'number') out[bool] = out[bound];
      else delete out[bool];
      if (typeof out[bool] === 'number') delete out[bound];
    }
  }
  return out;
}

/**
 * `format: fqdn` is not a JSON Schema format. Host names (single-label allowed) with an optional port are
 * accepted, because the spec allows `host:port` in testing setups; schemes, paths and userinfo fail.
 */
const FQDN =
  /^(?=[^:]{1,253}(?::|$))[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*(?::\d{1,5})?$/i;

function pick(doc: unknown, path: string[]): unknown {
  let cur = doc;
  for (const seg of path)
    cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
  return cur;
}

let cached: OfficialSpec | null | undefined;

/** Loads and compiles the official spec once; null when it cannot be found. */
export function loadOfficialSpec(): OfficialSpec | null {
  if (cached !== undefined) return cached;
  const path = findOfficialSpec();
  if (path === null) return (cached = null);
  const document = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const rawSchemas = (pick(document, ['components', 'schemas']) ?? {}) as Record<string, Record<string, unknown>>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  formats.default(ajv);
  ajv.addFormat('fqdn', FQDN);
  for (const [name, schema] of Object.entries(rawSchemas)) {
    ajv.addSchema({ ...(toJsonSchema(schema) as object), $id: ID_PREFIX + name });
  }
  const inline = new Map<string, ValidateFunction>();
  for (const [name, location] of Object.entries(INLINE_SCHEMAS)) {
    const schema = pick(document, location);
    if (schema !== undefined) inline.set(name, ajv.compile(toJsonSchema(schema) as object));
  }
  const validate = (schemaName: string, body: unknown): OfficialResult => {
    const fn = inline.get(schemaName) ?? ajv.getSchema(ID_PREFIX + schemaName);
    if (fn === undefined) throw new Error(`the official OCM spec has no schema named ${schemaName}`);
    const valid = fn(body) === true;
    return { valid, errors: valid ? [] : [...(fn.errors ?? [])] };
  };
  const schemaNames = [...Object.keys(rawSchemas), ...inline.keys()];
  return (cached = { path, document, rawSchemas, schemaNames, ajv, validate });
}

/** One line per Ajv error (`/path keyword: message`), for assertion messages. */
export function describeErrors(errors: readonly ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '/'} ${e.keyword}: ${e.message ?? ''}`).join('; ');
}
