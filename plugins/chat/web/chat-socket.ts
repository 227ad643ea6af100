import type { Socket } from 'socket.io-client';
import type { Ack, ActResult, ChatAction, ChatClientToServer, ChatServerToClient } from '../shared.ts';

/** The typed /chat socket of the web UI. */
export type ChatSocket = Socket<ChatServerToClient, ChatClientToServer>;

const ACK_TIMEOUT_MS = 8000;
const MAX_TRIES = 8;

function connected(socket: ChatSocket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve) => socket.once('connect', () => resolve()));
}

/**
 * Sends an action and waits for its ack. A missing ack (lost connection, slow server) is retried with
 * the same client id, which the server deduplicates: the action happens once however often it is sent.
 */
export async function sendAction(
  socket: ChatSocket,
  roomId: string,
  action: ChatAction,
  clientMsgId: string,
): Promise<Ack<ActResult>> {
  let lastError: unknown = null;
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    await connected(socket);
    try {
      return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('act', { roomId, clientMsgId, action });
    } catch (err) {
      lastError = err;
    }
  }
  return {
    ok: false,
    code: 'NO_ANSWER',
    message: `the server did not answer (${(lastError as Error | null)?.message ?? 'timeout'})`,
  };
}
