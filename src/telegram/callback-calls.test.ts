import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Api, Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { callbackAnswered, guardCallbackCalls } from './callback-calls.ts';
import type { BotContext } from './context.ts';

const ME = { id: 1, is_bot: true, first_name: 'Lavka', username: 'lavka_bot' } as UserFromGetMe;
const CHAT = 5;
const MESSAGE = 7;

/** The keyboard as Telegram sends it with the pressed message (its own field order). */
const shownKeyboard = {
  inline_keyboard: [
    [
      { text: '➕', callback_data: 'cart:inc:1' },
      { text: 'Site', url: 'https://example.com/' },
    ],
    [{ text: 'Back', callback_data: 'cart:home' }],
  ],
};

/** A button press on a message showing `text` and `keyboard`; every call reaching Telegram is recorded in `sent`. */
function press(text: string, keyboard: unknown): { ctx: BotContext; sent: string[] } {
  const update = {
    update_id: 1,
    callback_query: {
      id: 'q',
      chat_instance: 'c',
      data: 'cart:inc:1',
      from: { id: CHAT, is_bot: false, first_name: 'A' },
      message: { message_id: MESSAGE, date: 1, chat: { id: CHAT, type: 'private', first_name: 'A' }, text, reply_markup: keyboard },
    },
  } as Update;
  const sent: string[] = [];
  const api = new Api('1:token');
  api.config.use(async (_prev, method) => {
    sent.push(method);
    return { ok: true, result: true } as never;
  });
  return { ctx: new Context(update, api, ME) as BotContext, sent };
}

async function guarded(ctx: BotContext, handler: () => Promise<void>): Promise<void> {
  await guardCallbackCalls()(ctx, handler);
}

describe('calls after a button press', () => {
  test('an edit that leaves the message as it is is not sent: same text, same buttons with their fields in another order', async () => {
    const { ctx, sent } = press('Cart: 1 item', shownKeyboard);
    await guarded(ctx, async () => {
      const same = {
        inline_keyboard: [
          [
            { callback_data: 'cart:inc:1', text: '➕' },
            { url: 'https://example.com/', text: 'Site' },
          ],
          [{ callback_data: 'cart:home', text: 'Back' }],
        ],
      };
      assert.equal(await ctx.api.editMessageText(CHAT, MESSAGE, '  Cart: 1 item\n', { reply_markup: same }), true);
      assert.equal(await ctx.api.editMessageReplyMarkup(CHAT, MESSAGE, { reply_markup: same }), true);
    });
    assert.deepEqual(sent, []);
  });

  test('an edit that changes the text, a button or the keyboard is sent, and the next one compares with what it showed', async () => {
    const { ctx, sent } = press('Cart: 1 item', shownKeyboard);
    await guarded(ctx, async () => {
      await ctx.api.editMessageText(CHAT, MESSAGE, 'Cart: 2 items', { reply_markup: shownKeyboard });
      const changedButton = { inline_keyboard: [[{ text: '➕', callback_data: 'cart:inc:2' }, shownKeyboard.inline_keyboard[0]![1]!], shownKeyboard.inline_keyboard[1]!] };
      await ctx.api.editMessageText(CHAT, MESSAGE, 'Cart: 2 items', { reply_markup: changedButton });
      // The message now shows the changed button: the same edit again changes nothing.
      await ctx.api.editMessageText(CHAT, MESSAGE, 'Cart: 2 items', { reply_markup: changedButton });
      await ctx.api.editMessageReplyMarkup(CHAT, MESSAGE, { reply_markup: { inline_keyboard: [] } });
      // No keyboard and an empty one are the same.
      await ctx.api.editMessageReplyMarkup(CHAT, MESSAGE);
      // Formatted text is always sent: the update holds the message's plain text only.
      await ctx.api.editMessageText(CHAT, MESSAGE, 'Cart: 2 items', { parse_mode: 'HTML' });
      // Another message is not the pressed one.
      await ctx.api.editMessageText(CHAT, MESSAGE + 1, 'Cart: 2 items');
    });
    assert.deepEqual(sent, ['editMessageText', 'editMessageText', 'editMessageReplyMarkup', 'editMessageText', 'editMessageText']);
  });

  test('the answer to the callback query is noted', async () => {
    const { ctx, sent } = press('Cart', shownKeyboard);
    await guarded(ctx, async () => {
      assert.equal(callbackAnswered(ctx), false);
      await ctx.answerCallbackQuery();
    });
    assert.equal(callbackAnswered(ctx), true);
    assert.deepEqual(sent, ['answerCallbackQuery']);
  });
});
