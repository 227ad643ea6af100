/**
 * Typed declarations of what a plugin puts on the wire, checked at run time with JSON Schema (ajv): the protocol
 * object it sends in a share, and the notifications it sends and handles. Peers are untrusted: parse everything a
 * peer sends with these before using it (a mismatch is a 400 with OCM-style `validationErrors`, never a 500).
 * The same declarations feed the registration document (`npm run docs:registration`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InputError, type ValidationIssue } from '#core';

const ajv = new Ajv({ allErrors: true, strict: false });

/** A JSON Schema object (draft 2020-12 subset ajv reads). */
export type JsonSchema = Record<string, unknown>;

function issues(errors: ErrorObject[] | null | undefined, root: string): ValidationIssue[] {
  return (errors ?? []).map((e) => {
    const missing =
      e.keyword === 'required' ? `/${String((e.params as { missingProperty?: string }).missingProperty)}` : '';
    const path = (e.instancePath + missing).split('/').filter(Boolean).join('.');
    return {
      name: path ? `${root}.${path}` : root,
      message: e.keyword === 'required' ? 'REQUIRED' : (e.message ?? 'INVALID'),
    };
  });
}

/** Parses untrusted input against a compiled schema: the value typed, or an InputError (400) naming each field. */
function parser<T>(validate: ValidateFunction, root: string, what: string): (raw: unknown) => T {
  return (raw) => {
    if (validate(raw)) return raw as T;
    throw new InputError(`invalid ${what}`, issues(validate.errors, root));
  };
}

/** A share protocol of a resource type: the object in `protocol.<name>` of a share. */
export interface ShareProtocol<T> {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly schema: JsonSchema;
  /** Validates a peer's protocol object; throws InputError (400) naming the bad fields. */
  parse(raw: unknown): T;
  /** Whether `raw` is a valid protocol object, without throwing. */
  is(raw: unknown): raw is T;
}

/** Declares the protocol object a plugin's shares carry (`protocol: { [name]: T }`). */
export function defineShareProtocol<T>(spec: {
  name: string;
  version?: string;
  description: string;
  schema: JsonSchema;
}): ShareProtocol<T> {
  const validate = ajv.compile(spec.schema);
  return {
    name: spec.name,
    version: spec.version ?? '1.0',
    description: spec.description,
    schema: spec.schema,
    parse: parser<T>(validate, `protocol.${spec.name}`, `${spec.name} protocol object`),
    is: (raw): raw is T => validate(raw) === true,
  };
}

/** An OCM notification type a plugin sends or handles, with the schema of its `notification` object. */
export interface NotificationDeclaration<T> {
  readonly type: string;
  readonly description: string;
  /** Who sends it: the share's owner to the recipient, or the recipient to the owner. */
  readonly direction: 'owner-to-recipient' | 'recipient-to-owner' | 'both';
  readonly schema: JsonSchema;
  /** Validates a peer's `notification` object; throws InputError (400) naming the bad fields. */
  parse(raw: unknown): T;
}

/** Declares a notification type; list its `type` in the plugin's `notificationTypes`. */
export function defineNotification<T>(spec: {
  type: string;
  description: string;
  direction: NotificationDeclaration<T>['direction'];
  schema: JsonSchema;
}): NotificationDeclaration<T> {
  if (!/^[A-Z][A-Z0-9_]{2,63}$/.test(spec.type))
    throw new Error(`notification type "${spec.type}" must be UPPER_SNAKE_CASE`);
  const validate = ajv.compile(spec.schema);
  return { ...spec, parse: parser<T>(validate, 'notification', `${spec.type} notification`) };
}
