// What deck board shares carry and the notification Deck sends: declared once, validated at run time (a peer is
// untrusted: a bad object is a 400 naming the field), and written up by `npm run docs:registration`.
import { defineNotification, defineShareProtocol } from '#sdk';

/** The protocol object in `protocol.deck` of a board share. */
export interface DeckProtocol {
  /** The board's id on the owner's server; read at `<deck path>/<uri>` with the secret. */
  uri: string;
  /** The share's secret: the Bearer credential for reading the board. */
  sharedSecret: string;
  permissions?: string[];
}

export const deckProtocol = defineShareProtocol<DeckProtocol>({
  name: 'deck',
  version: '1.0',
  description:
    'A Kanban board (stacks of cards) on the owner server. GET `<discovery deck path><uri>` with ' +
    '`Authorization: Bearer <sharedSecret or exchanged token>` answers `{title, stacks:[{id,title,cards:[{id,title}]}]}`.',
  schema: {
    type: 'object',
    required: ['uri', 'sharedSecret'],
    properties: {
      uri: { type: 'string', minLength: 1, maxLength: 200 },
      sharedSecret: { type: 'string', minLength: 16, maxLength: 200 },
      permissions: { type: 'array', maxItems: 3, items: { enum: ['read', 'write', 'share'] } },
      requirements: { type: 'array', maxItems: 8, items: { type: 'string', maxLength: 64 } },
    },
  },
});

/** Sent by the owner's server to each recipient's server when the board changes (coalesced in the outbox). */
export const deckBoardChanged = defineNotification<{ title: string; cards: number }>({
  type: 'DECK_BOARD_CHANGED',
  description: 'The shared board changed (a card was added, moved or renamed); recipients re-read it.',
  direction: 'owner-to-recipient',
  schema: {
    type: 'object',
    required: ['title', 'cards'],
    properties: {
      title: { type: 'string', minLength: 1, maxLength: 200 },
      cards: { type: 'integer', minimum: 0, maximum: 100000 },
    },
  },
});
