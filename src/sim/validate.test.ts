import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from './api-error.ts';
import { loadBotApiSpec } from './spec.ts';
import { createParamValidator } from './validate.ts';

const validator = createParamValidator(loadBotApiSpec());
const noFiles = new Map();

function refusal(method: string, params: Record<string, unknown>): string {
  try {
    validator.validate(method, params, noFiles);
  } catch (error) {
    assert.ok(error instanceof ApiError);
    assert.equal(error.errorCode, 400);
    return error.description;
  }
  return assert.fail(`${method} should have been refused`);
}

describe('spec-driven parameter validation', () => {
  test('a missing required parameter uses Telegram\'s wording where it is known and "<name> is empty" otherwise', () => {
    assert.equal(refusal('sendMessage', { chat_id: 1 }), 'Bad Request: message text is empty');
    assert.equal(refusal('sendMessage', { text: 'x' }), 'Bad Request: chat_id is empty');
    assert.equal(refusal('answerCallbackQuery', {}), 'Bad Request: callback_query_id is empty');
  });

  test('an unknown parameter is refused by name', () => {
    assert.equal(refusal('sendMessage', { chat_id: 1, text: 'x', colour: 'red' }), 'Bad Request: unknown parameter "colour"');
  });

  test('a wrong type deep inside a nested object is reported with its full path', () => {
    const description = refusal('sendMessage', {
      chat_id: 1,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'ok', callback_data: 'a' }], [{ text: 'bad', callback_data: { nested: true } }]] },
    });
    assert.equal(description, 'Bad Request: wrong type of "reply_markup.inline_keyboard[1][0].callback_data": expected String, got Object');
  });

  test('an unknown field inside a nested object is refused with its path', () => {
    assert.equal(
      refusal('sendMessage', { chat_id: 1, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'b', colour: 1 }]] } }),
      'Bad Request: unknown parameter "reply_markup.inline_keyboard[0][0].colour"',
    );
  });

  test('form-encoded strings are coerced: digits to integers, "true" to booleans, JSON text to objects', () => {
    const params = validator.validate(
      'sendMessage',
      { chat_id: '42', text: 'hi', disable_notification: 'true', reply_markup: '{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}' },
      noFiles,
    );
    assert.deepEqual(params, { chat_id: 42, text: 'hi', disable_notification: true, reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'b' }]] } });
  });

  test('a non-numeric string where an Integer is required is refused', () => {
    assert.equal(refusal('getUpdates', { limit: 'many' }), 'Bad Request: wrong type of "limit": expected Integer, got String');
  });

  test('an abstract type is resolved by its discriminator and an unknown one is refused', () => {
    const params = validator.validate('setMyCommands', { commands: [], scope: { type: 'chat', chat_id: 5 } }, noFiles);
    assert.deepEqual(params.scope, { type: 'chat', chat_id: 5 });
    assert.match(refusal('setMyCommands', { commands: [], scope: { type: 'everyone' } }), /^Bad Request: unsupported scope\.type "everyone" for BotCommandScope/);
    assert.equal(refusal('setMyCommands', { commands: [], scope: { type: 'chat' } }), 'Bad Request: field "scope.chat_id" is required');
  });

  test('ChatMember-style discriminators with irregular values (creator, kicked) are known', () => {
    const params = validator.validate('setMyCommands', { commands: [{ command: 'a', description: 'b' }], scope: { type: 'all_private_chats' } }, noFiles);
    assert.deepEqual(params.scope, { type: 'all_private_chats' });
  });

  test('a media group may mix photos and videos but every item must match one media type', () => {
    const params = validator.validate('sendMediaGroup', { chat_id: 1, media: [{ type: 'photo', media: 'a' }, { type: 'video', media: 'b', duration: 3 }] }, noFiles);
    assert.equal((params.media as unknown[]).length, 2);
    assert.equal(
      refusal('sendMediaGroup', { chat_id: 1, media: [{ type: 'photo', media: 'a', duration: 3 }] }),
      'Bad Request: unknown parameter "media[0].duration"',
    );
  });

  test('a field that takes a union of object types reports the alternative the value resembles most', () => {
    assert.equal(
      refusal('sendMessage', { chat_id: 1, text: 'x', reply_markup: { keyboard: [[{ text: 7, request_contact: 'maybe' }]] } }),
      'Bad Request: wrong type of "reply_markup.keyboard[0][0].request_contact": expected Boolean, got String',
    );
  });

  test('method names are resolved case-insensitively and unknown ones are not', () => {
    assert.equal(validator.resolveMethod('SENDMESSAGE'), 'sendMessage');
    assert.equal(validator.resolveMethod('sendTelepathy'), undefined);
  });
});
