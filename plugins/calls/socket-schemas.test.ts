import assert from 'node:assert/strict';
import { InputError } from '#core';
import { callsSocketEvents } from './socket-schemas.ts';

describe('calls: the /calls requests a browser may send', () => {
  const ref = { roomId: 'r1', callId: 'c1', session: 's1' };

  it('accepts what the call client sends', () => {
    for (const [event, req] of [
      ['start', { roomId: 'r1', audio: true, video: false }],
      ['join', { roomId: 'r1', callId: 'c1', resume: 's1', audio: true, video: true }],
      ['leave', ref],
      ['end', { roomId: 'r1', callId: 'c1' }],
      ['decline', { roomId: 'r1', callId: 'c1' }],
      ['media', { ...ref, audio: false, video: true, screen: true }],
      ['signal', { ...ref, to: { address: 'bob@b.example', session: 's2' }, data: { kind: 'restart', pc: 'p' } }],
      ['sfu', { ...ref, op: 'trickle', sfu: 'b.example', handle: 'h', candidate: null }],
      ['state', { roomId: 'r1' }],
    ] as const)
      assert.deepEqual(callsSocketEvents.parse(event, req), req, event);
    assert.equal(callsSocketEvents.parse('ice', undefined), undefined);
  });

  it('refuses requests missing their call reference or with wrong types', () => {
    for (const [event, req, field] of [
      ['leave', { roomId: 'r1', callId: 'c1' }, 'leave.session'],
      ['media', { ...ref, audio: 'yes' }, 'media.audio'],
      ['signal', { ...ref, to: 'bob', data: {} }, 'signal.to'],
      ['sfu', ref, 'sfu.op'],
      ['start', {}, 'start.roomId'],
    ] as const) {
      assert.throws(
        () => callsSocketEvents.parse(event, req),
        (err: unknown) => err instanceof InputError && err.validationErrors?.[0]?.name === field,
        event,
      );
    }
  });
});
