import assert from 'node:assert/strict';
import type { CallPlanInput, CallState } from '../chat/public-api.ts';
import { callRules, type CallRulesOptions } from './call-rules.ts';

const now = 1_700_000_000_000;
const member = { state: 'joined' as const, role: 'member' as const };
const rules = (o: Partial<CallRulesOptions> = {}) =>
  callRules({ selfHost: () => 'host.example', meshMax: 4, sfuPolicy: 'auto', hostHasSfu: true, ...o });
const plan = (r: ReturnType<typeof callRules>, p: Partial<CallPlanInput> & Pick<CallPlanInput, 'action'>) =>
  r({ room: { id: 'r1', kind: 'group' }, actor: 'a@host.example', member, call: null, system: false, now, ...p });
const modeOf = (d: ReturnType<ReturnType<typeof callRules>>) =>
  d && (d.type === 'call.joined' || d.type === 'call.started') ? d.data.mode : undefined;
const join = (session: string, at = now) =>
  ({ op: 'join', callId: 'c1', session, displayName: 'X', audio: true, video: true, at }) as const;

function callWith(n: number, extra: Partial<CallState> = {}): CallState {
  const participants = Array.from({ length: n }, (_, i) => ({
    address: `u${i}@host.example`,
    session: `s${i}`,
    displayName: `U${i}`,
    joinedAt: now,
    audio: true,
    video: true,
    screen: false,
    pub: null,
  }));
  return {
    callId: 'c1',
    startedBy: 'u0@host.example',
    startedAt: now - 60_000,
    mode: 'mesh',
    ring: false,
    participants,
    everyone: participants.map((p) => p.address),
    ...extra,
  };
}

describe('calls: the host’s rules', () => {
  it('starts a call, ringing only in one-to-one rooms; a second start joins the call going on', () => {
    const start = {
      op: 'start',
      callId: 'new',
      session: 's',
      displayName: 'A',
      audio: true,
      video: false,
      at: now,
    } as const;
    assert.deepEqual(plan(rules(), { action: start })?.type, 'call.started');
    const direct = plan(rules(), { action: start, room: { id: 'r', kind: 'direct' } });
    assert.equal(direct?.type === 'call.started' && direct.data.ring, true);
    const again = plan(rules(), { action: start, call: callWith(1), actor: 'b@host.example' });
    assert.equal(again?.type, 'call.joined');
    assert.equal(again?.type === 'call.joined' && again.data.callId, 'c1');
  });

  it('switches to the SFU with the join that makes the call larger than the mesh limit, if the host has one', () => {
    assert.equal(modeOf(plan(rules(), { action: join('x'), call: callWith(3) })), undefined);
    const fifth = plan(rules(), { action: join('x'), call: callWith(4) });
    assert.equal(fifth?.type === 'call.joined' && fifth.data.mode, 'sfu');
    assert.equal(modeOf(plan(rules({ hostHasSfu: false }), { action: join('x'), call: callWith(4) })), undefined);
    assert.equal(modeOf(plan(rules({ sfuPolicy: 'never' }), { action: join('x'), call: callWith(4) })), undefined);
    const always = plan(rules({ sfuPolicy: 'always' }), {
      action: { op: 'start', callId: 'n', session: 's', displayName: 'A', audio: true, video: true, at: now },
    });
    assert.equal(always?.type === 'call.started' && always.data.mode, 'sfu');
  });

  it('refuses non-members, joins of another call, and joins that spent too long on the way', () => {
    const codes = (f: () => unknown) => assert.throws(f, (e: { code?: string }) => Boolean(e.code)) as unknown;
    codes(() => plan(rules(), { action: join('x'), call: callWith(1), member: { state: 'left', role: 'member' } }));
    assert.throws(() => plan(rules(), { action: join('x'), call: callWith(1, { callId: 'other' }) }), /ended/);
    assert.throws(() => plan(rules(), { action: join('x', now - 10 * 60_000), call: callWith(1) }), /too late/);
  });

  it('lets only the starter, moderators or either person of a one-to-one call end it; declines only ring', () => {
    const end = { op: 'end', callId: 'c1', reason: 'ended' } as const;
    assert.throws(() => plan(rules(), { action: end, call: callWith(2), actor: 'u1@host.example' }), /starter/);
    assert.equal(plan(rules(), { action: end, call: callWith(2), actor: 'u0@host.example' })?.type, 'call.ended');
    assert.equal(
      plan(rules(), {
        action: end,
        call: callWith(2),
        actor: 'u1@host.example',
        member: { state: 'joined', role: 'moderator' },
      })?.type,
      'call.ended',
    );
    const decline = { op: 'end', callId: 'c1', reason: 'declined' } as const;
    const ringing = callWith(1, { ring: true });
    assert.equal(plan(rules(), { action: decline, call: ringing, actor: 'b@host.example' })?.type, 'call.ended');
    assert.equal(plan(rules(), { action: decline, call: callWith(2, { ring: true }), actor: 'b@host.example' }), null);
  });

  it('drops and closes only for the host itself; an empty call closes, an unanswered ring is missed', () => {
    const drop = { op: 'drop', callId: 'c1', address: 'u1@host.example', reason: 'removed' } as const;
    assert.equal(plan(rules(), { action: drop, call: callWith(2), system: false }), null);
    const left = plan(rules(), { action: drop, call: callWith(2), system: true });
    assert.equal(left?.type === 'call.left' && left.data.session, 's1');
    const close = { op: 'close', callId: 'c1', reason: 'empty' } as const;
    assert.equal(plan(rules(), { action: close, call: callWith(1), system: true }), null);
    const ended = plan(rules(), { action: close, call: callWith(0), system: true });
    assert.equal(ended?.type === 'call.ended' && ended.data.reason, 'empty');
    const missed = plan(rules(), {
      action: { ...close, reason: 'missed' },
      call: callWith(1, { ring: true }),
      system: true,
    });
    assert.equal(missed?.type === 'call.ended' && missed.data.reason, 'missed');
  });

  it('accepts publications only on the participant’s own server or the host’s', () => {
    const pub = (sfu: string) => ({ op: 'publish', callId: 'c1', session: 's1', sfu, feed: 'f1' }) as const;
    const call = callWith(2, { mode: 'sfu' });
    assert.equal(
      plan(rules(), { action: pub('host.example'), call, actor: 'u1@host.example' })?.type,
      'call.published',
    );
    assert.throws(() => plan(rules(), { action: pub('elsewhere.example'), call, actor: 'u1@host.example' }));
  });
});
