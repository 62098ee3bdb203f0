import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GrammyError, InputFile, type Transformer } from 'grammy';
import type { OutboxMessage } from './outbox.ts';
import { createRateLimiter, peakInWindow } from './rate-limiter.ts';
import { paceReplies, type RawApiCall } from './reply-pacing.ts';
import { isSendMethod } from './delivery.ts';

const quiet = { warn: () => {} };
type Prev = Parameters<Transformer>[0];
const noPrev: Prev = async () => {
  throw new Error('a send went around the budget');
};

/** A Bot API that answers at once and remembers when each message arrived. */
function recordingApi() {
  const calls: { method: string; chatId: unknown; atMs: number }[] = [];
  const call: RawApiCall = async (method, payload) => {
    calls.push({ method, chatId: payload.chat_id, atMs: Date.now() });
    return { message_id: calls.length, date: 0, chat: { id: payload.chat_id, type: 'private' } };
  };
  return { calls, call };
}

describe('direct replies on the shared send budget', () => {
  test('replies to one private chat are at least a second apart', async () => {
    const api = recordingApi();
    const pace = paceReplies({ limiter: createRateLimiter(), call: api.call, handOver: async () => {}, logger: quiet, isSendMethod });
    await Promise.all([1, 2, 3].map((n) => pace(noPrev, 'sendMessage', { chat_id: 7, text: `${n}` }, undefined)));
    assert.equal(api.calls.length, 3);
    for (let index = 1; index < api.calls.length; index++) {
      const gap = (api.calls[index]?.atMs ?? 0) - (api.calls[index - 1]?.atMs ?? 0);
      assert.ok(gap >= 1000, `replies ${gap} ms apart`);
    }
  });

  test('replies to many chats never exceed the bot-wide budget in any one second', async () => {
    const api = recordingApi();
    const limiter = createRateLimiter({ limits: { globalPerSecond: 5 } });
    const pace = paceReplies({ limiter, call: api.call, handOver: async () => {}, logger: quiet, isSendMethod });
    // The in-process limiter starts as if its share had just been sent: wait that second out.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await Promise.all(Array.from({ length: 12 }, (_, n) => pace(noPrev, 'sendMessage', { chat_id: 100 + n, text: 'hi' }, undefined)));
    assert.equal(api.calls.length, 12);
    assert.ok(peakInWindow(api.calls.map((call) => call.atMs).sort((a, b) => a - b), 1000) <= 5);
  });

  test('a reply that waited too long goes to the outbox first in line, and the handler goes on', async () => {
    const api = recordingApi();
    const handedOver: OutboxMessage[] = [];
    const pace = paceReplies({ limiter: createRateLimiter(), call: api.call, handOver: async (message) => void handedOver.push(message), logger: quiet, isSendMethod, waitMs: 200 });
    await pace(noPrev, 'sendMessage', { chat_id: 9, text: 'first' }, undefined);
    const answer = (await pace(noPrev, 'sendMessage', { chat_id: 9, text: 'second', reply_markup: { inline_keyboard: [] } }, undefined)) as unknown as { ok: boolean; result: { message_id: number } };
    assert.deepEqual([answer.ok, answer.result.message_id], [true, 0]);
    assert.equal(api.calls.length, 1);
    assert.deepEqual(handedOver, [{ chatId: 9, method: 'sendMessage', payload: { text: 'second', reply_markup: { inline_keyboard: [] } }, priority: 'high' }]);
  });

  test('a file upload the outbox cannot carry keeps waiting for its place instead', async () => {
    const api = recordingApi();
    const handedOver: OutboxMessage[] = [];
    const pace = paceReplies({ limiter: createRateLimiter(), call: api.call, handOver: async (message) => void handedOver.push(message), logger: quiet, isSendMethod, waitMs: 100 });
    await pace(noPrev, 'sendMessage', { chat_id: 11, text: 'first' }, undefined);
    await pace(noPrev, 'sendDocument', { chat_id: 11, document: new InputFile(Buffer.from('x'), 'x.txt') }, undefined);
    assert.equal(handedOver.length, 0);
    assert.deepEqual(
      api.calls.map((call) => call.method),
      ['sendMessage', 'sendDocument'],
    );
  });

  test('a 429 pauses the shared budget and the reply goes again in a new place', async () => {
    let attempts = 0;
    const limiter = createRateLimiter();
    const call: RawApiCall = async (method) => {
      attempts += 1;
      if (attempts === 1) throw new GrammyError('Too Many Requests', { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, method, {});
      return { message_id: 5 };
    };
    const pace = paceReplies({ limiter, call, handOver: async () => {}, logger: quiet, isSendMethod });
    const started = Date.now();
    const answer = (await pace(noPrev, 'sendMessage', { chat_id: -100, text: 'hi' }, undefined)) as unknown as { ok: boolean; result: { message_id: number } };
    assert.deepEqual([answer.ok, answer.result.message_id], [true, 5]);
    assert.equal(attempts, 2);
    assert.ok(Date.now() - started >= 1000);
  });

  test('a reply refused for a reason of its own is not retried', async () => {
    let attempts = 0;
    const call: RawApiCall = async (method) => {
      attempts += 1;
      throw new GrammyError('Bad Request', { ok: false, error_code: 400, description: 'Bad Request: message text is empty' }, method, {});
    };
    const pace = paceReplies({ limiter: createRateLimiter(), call, handOver: async () => {}, logger: quiet, isSendMethod });
    await assert.rejects(pace(noPrev, 'sendMessage', { chat_id: 3, text: '' }, undefined), /message text is empty/);
    assert.equal(attempts, 1);
  });

  test('calls that post nothing pass through untouched', async () => {
    const api = recordingApi();
    const pace = paceReplies({ limiter: createRateLimiter(), call: api.call, handOver: async () => {}, logger: quiet, isSendMethod });
    const seen: string[] = [];
    const prev = (async (method: string) => {
      seen.push(method);
      return true;
    }) as unknown as Prev;
    await pace(prev, 'answerCallbackQuery', { callback_query_id: '1' }, undefined);
    await pace(prev, 'sendChatAction', { chat_id: 1, action: 'typing' }, undefined);
    assert.deepEqual(seen, ['answerCallbackQuery', 'sendChatAction']);
    assert.equal(api.calls.length, 0);
  });
});
