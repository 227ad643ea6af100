/**
 * The /calls namespace's events, declared with the SDK: the types in shared.ts and, for each browser request, the
 * shape checked before a handler runs (a bad payload is an error ack). Negotiation payloads (SDP, candidates, SFU
 * operations) are checked in depth again by signal-relay.ts and sfu-input.ts, which peers' messages go through too.
 */
import { defineSocketEvents, type JsonSchema } from '#sdk';
import type { CallsClientToServer, CallsServerToClient } from './shared.ts';

const id = { type: 'string', minLength: 1, maxLength: 100 };
const media = { audio: { type: 'boolean' }, video: { type: 'boolean' }, screen: { type: 'boolean' } };

function object(required: string[], properties: Record<string, unknown>): JsonSchema {
  return { type: 'object', required, properties };
}

const ref = { roomId: id, callId: id, session: id };
const REF = ['roomId', 'callId', 'session'];

export const callsSocketEvents = defineSocketEvents<CallsClientToServer, CallsServerToClient>({
  start: object(['roomId'], { roomId: id, ...media }),
  join: object(['roomId', 'callId'], { roomId: id, callId: id, resume: id, ...media }),
  leave: object(REF, ref),
  end: object(['roomId', 'callId'], { roomId: id, callId: id }),
  decline: object(['roomId', 'callId'], { roomId: id, callId: id }),
  media: object(REF, { ...ref, ...media }),
  signal: object([...REF, 'to', 'data'], { ...ref, to: { type: 'object' }, data: { type: 'object' } }),
  sfu: object([...REF, 'op'], { ...ref, op: { type: 'string', maxLength: 20 } }),
  state: object(['roomId'], { roomId: id }),
  ice: null,
});
