import assert from 'node:assert/strict';
import { InputError } from '#core';
import { chatSocketEvents } from './socket-schemas.ts';

/** The error a refused request throws (the socket answers it as an INVALID_INPUT ack). */
function refused(event: 'act' | 'catchUp' | 'typing', raw: unknown): InputError {
  try {
    chatSocketEvents.parse(event, raw);
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err;
  }
  assert.fail(`${event} ${JSON.stringify(raw)} was accepted`);
}

describe('chat: the /chat requests a browser may send', () => {
  it('accepts what the web app and the client library send', () => {
    const act = { roomId: 'r1', clientMsgId: 'm-1', action: { type: 'post', text: 'hi' } };
    assert.deepEqual(chatSocketEvents.parse('act', act), act);
    assert.deepEqual(chatSocketEvents.parse('catchUp', { roomId: 'r1', after: 0 }), { roomId: 'r1', after: 0 });
    assert.deepEqual(chatSocketEvents.parse('typing', { roomId: 'r1', typing: true }), { roomId: 'r1', typing: true });
    assert.equal(chatSocketEvents.parse('rooms', undefined), undefined);
  });

  it('refuses malformed requests, naming the field', () => {
    assert.deepEqual(refused('act', { roomId: 'r1', clientMsgId: 'm-1' }).validationErrors, [
      { name: 'act.action', message: 'REQUIRED' },
    ]);
    assert.equal(
      refused('act', { roomId: 7, clientMsgId: 'm', action: { type: 'post' } }).validationErrors?.[0]?.name,
      'act.roomId',
    );
    assert.equal(
      refused('act', { roomId: 'r', clientMsgId: 'm', action: {} }).validationErrors?.[0]?.name,
      'act.action.type',
    );
    assert.equal(refused('catchUp', { roomId: 'r1', after: -1 }).validationErrors?.[0]?.name, 'catchUp.after');
    assert.equal(refused('catchUp', { roomId: 'r1', after: 1.5 }).validationErrors?.[0]?.name, 'catchUp.after');
    refused('typing', 'r1');
    refused('act', null);
    refused('act', [1]);
  });
});
