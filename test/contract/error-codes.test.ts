import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  declareErrorCodes,
  errorCodeSpec,
  InputError,
  MeshworkError,
  NotFoundError,
  toWireError,
  type ErrorCode,
} from '#core';
import { ERROR_DOC, renderErrorCodes } from '../../scripts/error-codes-doc.ts';

describe('error codes: one declared list', () => {
  it('docs/errors.md is the rendering of every declared code (run `npm run docs:errors` after adding one)', () => {
    assert.equal(readFileSync(ERROR_DOC, 'utf8'), renderErrorCodes());
  });

  it('lists the core codes and the built-in plugins’ codes, each with a status and a meaning', () => {
    const doc = renderErrorCodes();
    for (const code of ['RECIPIENT_NOT_FOUND', 'SIGNATURE_REQUIRED', 'ROOM_NOT_FOUND', 'RESHARE_NOT_ALLOWED'])
      assert.match(doc, new RegExp(`\\| \`${code}\` \\| \\d{3} \\| .+ \\|`));
  });

  it('takes the HTTP status from the list, not from the throw site', () => {
    assert.equal(new InputError('x', undefined, 'RECIPIENT_NOT_FOUND').status, 400);
    assert.equal(new NotFoundError('x', 'SHARE_NOT_FOUND').status, 404);
    assert.equal(new MeshworkError('SHARE_NOT_PENDING', 'x').status, 409);
    assert.equal(new MeshworkError('RESOURCE_NOT_FOUND', 'x', 400).status, 400, 'an explicit override still wins');
  });

  it('lets a plugin declare its own codes, and refuses one that redefines a declared code', () => {
    const E = declareErrorCodes('test-plugin', {
      TEST_WIDGET_JAMMED: { status: 423, meaning: 'The widget is jammed.' },
    });
    const err = new MeshworkError(E.TEST_WIDGET_JAMMED, 'jammed');
    assert.equal(err.status, 423);
    assert.equal(errorCodeSpec('TEST_WIDGET_JAMMED')?.owner, 'test-plugin');
    assert.throws(
      () => declareErrorCodes('other', { SHARE_NOT_FOUND: { status: 404, meaning: 'mine' } }),
      /already declared/,
    );
    assert.throws(
      () => declareErrorCodes('other', { TEST_WIDGET_JAMMED: { status: 400, meaning: 'x' } }),
      /already declared/,
    );
    // @ts-expect-error an undeclared code does not type-check
    const undeclared: ErrorCode = 'NOT_DECLARED_ANYWHERE';
    assert.equal(errorCodeSpec(undeclared), undefined);
  });

  it('maps unexpected errors to INTERNAL_ERROR without their message', () => {
    const w = toWireError(new Error('SQLITE_CONSTRAINT: /var/lib/secret.db'));
    assert.deepEqual(w, { status: 500, code: 'INTERNAL_ERROR', message: 'internal error', expected: false });
  });
});
