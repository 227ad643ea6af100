import assert from 'node:assert/strict';
import {
  ApiError,
  describeAck,
  describeCode,
  describeError,
  describeShareFailure,
  errorFromResponse,
} from '../../web/src/api/api-error.ts';
import { renderErrorCodes } from '../../scripts/error-codes-doc.ts';

// What the web app must never show a person: an API code, a socket errno, an HTTP status line, an encoding name.
const TECHNICAL = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\bE[A-Z]{4,}\b|HTTP \d{3}|\bbase64\b|ssrf_blocked/;

describe('web app error messages are written for people', () => {
  it('every declared error code reads as a sentence, whatever technical message the server sent', () => {
    const codes = [...renderErrorCodes().matchAll(/^\| `([A-Za-z_]+)` \|/gm)].map((m) => m[1] as string);
    assert.ok(codes.length > 60, `found ${codes.length} codes`);
    for (const code of codes) {
      const text = errorFromResponse(400, { code, message: `${code} - shareWith: NOT_FOUND (ECONNREFUSED)` }).message;
      assert.doesNotMatch(text, TECHNICAL, `${code} → ${text}`);
      assert.match(text, /^[A-Z].*[.!?]$/, `${code} → ${text}`);
    }
  });

  it('keeps the server’s message when it is already plain words', () => {
    assert.equal(
      describeCode('TOO_MANY_ATTEMPTS', 'too many failed attempts; try again in 5 minutes', 429),
      'Too many failed attempts; try again in 5 minutes.',
    );
    assert.equal(describeCode('INVALID_INPUT', 'title and body are required'), 'Title and body are required.');
  });

  it('turns the messages people met before into sentences', () => {
    assert.equal(
      describeShareFailure('HTTP 400 - RECIPIENT_NOT_FOUND - shareWith: NOT_FOUND'),
      'There is no such user on that server. Check the name before the @.',
    );
    assert.match(describeShareFailure('cannot reach http://127.0.0.1:9/ocm/shares: ECONNREFUSED'), /cannot be reached/);
    assert.match(
      describeError(errorFromResponse(400, { code: 'INVALID_INVITE', message: 'Invite string is not base64' })),
      /^That is not a valid invite string\./,
    );
    assert.equal(
      describeError(new TypeError('Failed to fetch')),
      'Cannot reach the server. Check your connection and try again.',
    );
    assert.doesNotMatch(describeAck({ code: 'NO_ANSWER', message: 'the server did not answer (timeout)' }), TECHNICAL);
    assert.equal(describeError(new ApiError(409, 'X', 'plain words')), 'plain words');
  });
});
