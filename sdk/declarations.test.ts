import assert from 'node:assert/strict';
import { InputError } from '#core';
import { defineNotification, defineShareProtocol, SDK_VERSION } from '#sdk';

describe('sdk wire declarations', () => {
  const deck = defineShareProtocol<{ uri: string; sharedSecret: string }>({
    name: 'deck',
    description: 'A board URL and the share secret to read it with.',
    schema: {
      type: 'object',
      required: ['uri', 'sharedSecret'],
      properties: { uri: { type: 'string', minLength: 1 }, sharedSecret: { type: 'string', minLength: 16 } },
    },
  });

  it('parses a valid protocol object, and refuses a bad one with a 400 naming each field', () => {
    assert.equal(deck.parse({ uri: '/b/1', sharedSecret: 'x'.repeat(16) }).uri, '/b/1');
    assert.throws(
      () => deck.parse({ sharedSecret: 3 }),
      (err: unknown) =>
        err instanceof InputError &&
        err.status === 400 &&
        err.validationErrors!.some((i) => i.name === 'protocol.deck.uri' && i.message === 'REQUIRED') &&
        err.validationErrors!.some((i) => i.name === 'protocol.deck.sharedSecret'),
    );
    assert.equal(deck.is(null), false);
  });

  it('declares notifications with an upper-case type and validates their payload', () => {
    const moved = defineNotification<{ cardId: string }>({
      type: 'CARD_MOVED',
      description: 'A card moved to another stack.',
      direction: 'both',
      schema: { type: 'object', required: ['cardId'], properties: { cardId: { type: 'string' } } },
    });
    assert.deepEqual(moved.parse({ cardId: 'c1' }), { cardId: 'c1' });
    assert.throws(() => moved.parse({}), /invalid CARD_MOVED notification/);
    assert.throws(
      () => defineNotification({ type: 'lower', description: '', direction: 'both', schema: {} }),
      /UPPER_SNAKE_CASE/,
    );
  });

  it('has a semver SDK version', () => assert.match(SDK_VERSION, /^\d+\.\d+\.\d+$/));
});
