import assert from 'node:assert/strict';
import { parseAction } from './action-input.ts';
import { reduceCall, type CallEventLike, type CallState } from './call-types.ts';
import { isValidEvent } from './event-validate.ts';

const t0 = 1_700_000_000_000;
const ev = (e: Omit<CallEventLike, 'ts'> & { ts?: number }) => ({ ts: t0, ...e }) as CallEventLike;

describe('chat: call events in the room log', () => {
  it('derive the room’s call the same way everywhere: start, join, mute, publish, leave, end', () => {
    let s: CallState | null = null;
    s = reduceCall(
      s,
      ev({
        type: 'call.started',
        sender: 'a@x',
        data: { callId: 'c', session: 's1', displayName: 'A', mode: 'mesh', ring: false, audio: true, video: true },
      }),
    );
    s = reduceCall(
      s,
      ev({
        type: 'call.joined',
        sender: 'b@y',
        data: { callId: 'c', session: 's2', displayName: 'B', audio: true, video: false },
      }),
    );
    s = reduceCall(
      s,
      ev({
        type: 'call.media',
        sender: 'b@y',
        data: { callId: 'c', session: 's2', audio: false, video: false, screen: true },
      }),
    );
    s = reduceCall(
      s,
      ev({ type: 'call.published', sender: 'b@y', data: { callId: 'c', session: 's2', sfu: 'y', feed: '7' } }),
    );
    assert.deepEqual(
      s?.participants.map((p) => [p.address, p.audio, p.screen, p.pub]),
      [
        ['a@x', true, false, null],
        ['b@y', false, true, { sfu: 'y', feed: '7' }],
      ],
    );
    // A join switching the mode, an event of another call (ignored), a stale leave of an old session (ignored).
    s = reduceCall(
      s,
      ev({
        type: 'call.joined',
        sender: 'c@z',
        data: { callId: 'c', session: 's3', displayName: 'C', audio: true, video: true, mode: 'sfu' },
      }),
    );
    assert.equal(s?.mode, 'sfu');
    assert.equal(
      reduceCall(s, ev({ type: 'call.left', sender: 'a@x', data: { callId: 'other', session: 's1', reason: 'left' } })),
      s,
    );
    assert.equal(
      reduceCall(s, ev({ type: 'call.left', sender: 'a@x', data: { callId: 'c', session: 'old', reason: 'left' } }))
        ?.participants.length,
      3,
    );
    s = reduceCall(s, ev({ type: 'call.left', sender: 'a@x', data: { callId: 'c', session: 's1', reason: 'left' } }));
    assert.deepEqual(s?.everyone, ['a@x', 'b@y', 'c@z']);
    assert.equal(
      reduceCall(
        s,
        ev({
          type: 'call.ended',
          sender: 'a@x',
          data: { callId: 'c', reason: 'ended', startedBy: 'a@x', startedAt: t0, durationMs: 1, participants: [] },
        }),
      ),
      null,
    );
  });

  it('are validated before a mirror stores them', () => {
    const base = { roomId: 'r', seq: 5, eventId: 'e', sender: 'a@x', clientMsgId: null, ts: t0 };
    assert.ok(isValidEvent({ ...base, type: 'call.left', data: { callId: 'c', session: 's', reason: 'removed' } }));
    assert.ok(!isValidEvent({ ...base, type: 'call.left', data: { callId: 'c', session: 's', reason: 'vanished' } }));
    assert.ok(
      !isValidEvent({
        ...base,
        type: 'call.published',
        data: { callId: 'c', session: 's', sfu: 'http://x/', feed: '1' },
      }),
    );
    assert.ok(
      !isValidEvent({
        ...base,
        type: 'call.started',
        data: { callId: 'c d', session: 's', displayName: 'A', mode: 'mesh', ring: false, audio: true, video: true },
      }),
    );
  });

  it('come only from the calls plugin and peer servers: a browser’s chat action cannot be a call, a peer cannot drop someone', () => {
    const call = { op: 'join', callId: 'c', session: 's', displayName: 'A', audio: true, video: true, at: t0 };
    assert.throws(() => parseAction({ type: 'call', call }), /calls API/);
    assert.equal(parseAction({ type: 'call', call }, { calls: true }).type, 'call');
    assert.throws(() =>
      parseAction(
        { type: 'call', call: { op: 'drop', callId: 'c', address: 'b@y', reason: 'removed' } },
        { calls: true },
      ),
    );
    assert.throws(() =>
      parseAction({ type: 'call', call: { op: 'close', callId: 'c', reason: 'empty' } }, { calls: true }),
    );
  });
});
