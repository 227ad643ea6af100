/**
 * Validation of inbound OCM bodies against Meshwork's own schemas, with OCM-style `validationErrors`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { InputError, type ValidationIssue } from '../errors.ts';
import { OCM_SCHEMAS, type OcmSchemaName } from './schemas.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
// ajv-formats is CommonJS; its default import is the plugin, which also carries itself as `.default`.
formats.default(ajv);

// Compiled on first use: compiling every schema up front costs start-up time for bodies never seen.
const validators = new Map<OcmSchemaName, ValidateFunction>();
function validatorFor(name: OcmSchemaName): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    v = ajv.compile(OCM_SCHEMAS[name]);
    validators.set(name, v);
  }
  return v;
}

/** Turns a JSON pointer (`/protocol/webdav/permissions/0`) into `protocol.webdav.permissions[0]`. */
function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(seg) ? `[${seg}]` : path === '' ? seg : `.${seg}`;
  }
  return path;
}

function messageFor(err: ErrorObject): string {
  switch (err.keyword) {
    case 'required':
      return 'REQUIRED';
    case 'type':
      return 'INVALID_TYPE';
    case 'format':
    case 'pattern':
      return 'INVALID_FORMAT';
    case 'minLength':
    case 'minItems':
    case 'minProperties':
      return (err.params as { limit?: number }).limit === 1 ? 'EMPTY' : 'TOO_SHORT';
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties':
      return 'TOO_LONG';
    case 'uniqueItems':
      return 'NOT_UNIQUE';
    case 'additionalProperties':
      return 'NOT_ALLOWED';
    default:
      return 'INVALID_VALUE';
  }
}

/** Converts Ajv errors into OCM `validationErrors` (field path + machine-readable message), deduplicated. */
export function toValidationIssues(errors: readonly ErrorObject[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const err of errors) {
    let name = pointerToPath(err.instancePath);
    if (err.keyword === 'required') {
      const missing = (err.params as { missingProperty: string }).missingProperty;
      name = name === '' ? missing : `${name}.${missing}`;
    } else if (err.keyword === 'additionalProperties') {
      const extra = (err.params as { additionalProperty: string }).additionalProperty;
      name = name === '' ? extra : `${name}.${extra}`;
    }
    const issue = { name: name === '' ? 'body' : name, message: messageFor(err) };
    const key = `${issue.name}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

/** Validates `body` against a named OCM schema; throws InputError `INVALID_BODY` with validationErrors. */
export function validateBody<T = Record<string, unknown>>(schemaName: OcmSchemaName, body: unknown): T {
  if (!(schemaName in OCM_SCHEMAS)) throw new TypeError(`unknown OCM schema: ${schemaName}`);
  const validate = validatorFor(schemaName);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError(`invalid ${schemaName}`, [{ name: 'body', message: 'REQUIRED' }], 'INVALID_BODY');
  }
  if (!validate(body)) {
    throw new InputError(`invalid ${schemaName}`, toValidationIssues(validate.errors ?? []), 'INVALID_BODY');
  }
  return body as T;
}

/** Non-throwing variant: the OCM validation issues of `body`, empty when it is valid. */
export function checkBody(schemaName: OcmSchemaName, body: unknown): ValidationIssue[] {
  try {
    validateBody(schemaName, body);
    return [];
  } catch (err) {
    if (err instanceof InputError) return err.validationErrors ?? [];
    throw err;
  }
}
