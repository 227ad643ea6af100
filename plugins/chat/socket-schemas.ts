/**
 * The /chat namespace's events, declared with the SDK: the types in shared.ts and, for each client request, the shape
 * checked before a handler runs (a bad payload is an error ack). The fields' contents (an action's text, a client id's
 * characters) are checked again by action-input.ts, which peers' actions go through too.
 */
import { defineSocketEvents } from '#sdk';
import { CHAT_LIMITS, type ChatClientToServer, type ChatServerToClient } from './shared.ts';

const roomId = { type: 'string', minLength: 1, maxLength: 200 };

export const chatSocketEvents = defineSocketEvents<ChatClientToServer, ChatServerToClient>({
  act: {
    type: 'object',
    required: ['roomId', 'clientMsgId', 'action'],
    properties: {
      roomId,
      clientMsgId: { type: 'string', minLength: 1, maxLength: CHAT_LIMITS.clientMsgId },
      action: { type: 'object', required: ['type'], properties: { type: { type: 'string', maxLength: 50 } } },
    },
  },
  catchUp: {
    type: 'object',
    required: ['roomId'],
    properties: { roomId, after: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1 } },
  },
  rooms: null,
  typing: { type: 'object', required: ['roomId'], properties: { roomId, typing: { type: 'boolean' } } },
});
