// The update mix every throughput benchmark feeds: one customer visit to the shop, repeated.
// Commands, catalogue callbacks (category pages, a product card, a variant), cart changes
// and a two-step text conversation (checkout: delivery method, address, then /cancel).
// Buttons are found on the bot's own messages (see recorder.ts), never made up.

import type { Update } from 'grammy/types';
import type { CallRecorder, RecordedMessage } from './recorder.ts';

/** One thing the user does. */
export type ScriptStep =
  | { kind: 'text'; label: string; text: string }
  | { kind: 'press'; label: string; data: RegExp; pick?: 'first' | 'last' }
  | { kind: 'reply-button'; label: string; text: RegExp };

/**
 * One visit, 18 updates: 4 messages (2 commands, 2 conversation answers) plus /cancel,
 * and 13 button presses. It ends with an empty cart and no flow, so it can repeat forever.
 */
export const SHOP_VISIT: readonly ScriptStep[] = [
  { kind: 'text', label: '/start', text: '/start' },
  { kind: 'press', label: 'catalogue', data: /^catalog:home$/ },
  { kind: 'press', label: 'category', data: /^catalog:c:[1-9]\d*:1$/ },
  { kind: 'press', label: 'subcategory', data: /^catalog:c:[1-9]\d*:1$/ },
  { kind: 'press', label: 'product card', data: /^catalog:p:\d+:0:/ },
  { kind: 'press', label: 'variant', data: /^catalog:p:\d+:[1-9]\d*:/, pick: 'last' },
  { kind: 'press', label: 'add to cart', data: /^cart:add:/ },
  { kind: 'press', label: 'open cart', data: /^cart:view/ },
  { kind: 'press', label: 'cart +1', data: /^cart:inc:/ },
  { kind: 'press', label: 'cart −1', data: /^cart:dec:/ },
  { kind: 'press', label: 'checkout', data: /^cart:checkout$/ },
  { kind: 'reply-button', label: 'delivery: courier', text: /Courier/ },
  { kind: 'text', label: 'address', text: 'Abay avenue 10, flat 5' },
  { kind: 'text', label: '/cancel', text: '/cancel' },
  { kind: 'press', label: 'my orders', data: /^orders:my:1$/ },
  { kind: 'press', label: 'main menu', data: /^core:menu$/ },
  { kind: 'press', label: 'open cart', data: /^cart:view/ },
  { kind: 'press', label: 'clear cart', data: /^cart:clear$/ },
];

/** The script could not go on: the bot did not draw the button it should have. */
export class ScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptError';
  }
}

/** Makes update ids unique within one process (Lavka drops a repeated update_id). */
export interface UpdateIds {
  next(): number;
}

/** Update ids from `start` upwards. */
export function updateIds(start = 1): UpdateIds {
  let current = start - 1;
  return { next: () => ++current };
}

/** A benchmark customer walking through a script. */
export interface ScriptedUser {
  readonly id: number;
  /** The update for the current step; throws {@link ScriptError} when its button is missing. */
  nextUpdate(): { update: Update; step: ScriptStep; callbackQueryId?: string };
  /** Moves to the next step (wrapping to the first). */
  advance(): void;
  /** Starts the visit over, after a failed step. */
  restart(): void;
  /** Completed steps so far. */
  readonly stepsDone: number;
}

/** Creates a user with Telegram id `id` who follows `script` in their private chat. */
export function scriptedUser(options: { id: number; recorder: CallRecorder; ids: UpdateIds; script?: readonly ScriptStep[]; languageCode?: string }): ScriptedUser {
  const script = options.script ?? SHOP_VISIT;
  const { id, recorder, ids } = options;
  const from = { id, is_bot: false as const, first_name: 'Bench', last_name: `User ${id}`, language_code: options.languageCode ?? 'en' };
  const chat = { id, type: 'private' as const, first_name: 'Bench', last_name: `User ${id}` };
  let index = 0;
  let done = 0;
  // User messages get ids far from the bot's, which the stub numbers from 1 per chat.
  let messageId = 1_000_000;

  const textUpdate = (text: string): Update => {
    const command = /^\/[a-z_]+/.exec(text);
    return {
      update_id: ids.next(),
      message: {
        message_id: ++messageId,
        date: Math.floor(Date.now() / 1000),
        chat,
        from,
        text,
        ...(command ? { entities: [{ type: 'bot_command' as const, offset: 0, length: command[0].length }] } : {}),
      },
    };
  };

  const newestWithButton = (data: RegExp, pick: 'first' | 'last'): { message: RecordedMessage; data: string } | undefined => {
    const messages = [...recorder.chat(id).messages.values()].sort((a, b) => b.messageId - a.messageId);
    for (const message of messages) {
      const matching = message.buttons.flat().filter((button) => data.test(button.data));
      const button = pick === 'last' ? matching.at(-1) : matching[0];
      if (button) return { message, data: button.data };
    }
    return undefined;
  };

  return {
    id,
    get stepsDone() {
      return done;
    },
    nextUpdate() {
      const step = script[index] as ScriptStep;
      if (step.kind === 'text') return { update: textUpdate(step.text), step };
      if (step.kind === 'reply-button') {
        const label = recorder.chat(id).replyKeyboard?.find((text) => step.text.test(text));
        if (!label) throw new ScriptError(`step "${step.label}": no reply button matching ${step.text}`);
        return { update: textUpdate(label), step };
      }
      const found = newestWithButton(step.data, step.pick ?? 'first');
      if (!found) throw new ScriptError(`step "${step.label}": no button with data matching ${step.data}`);
      const callbackQueryId = `${id}-${ids.next()}`;
      const { message } = found;
      const keyboard = message.buttons.map((row) => row.map((button) => ({ text: button.text, callback_data: button.data })));
      const botMessage = {
        message_id: message.messageId,
        date: Math.floor(Date.now() / 1000),
        chat,
        from: { id: 424242, is_bot: true as const, first_name: 'Lavka Bench', username: 'lavka_bench_bot' },
        ...(message.kind === 'photo'
          ? { photo: [{ file_id: message.photoFileId ?? 'stub-photo', file_unique_id: 'u', width: 512, height: 512 }], caption: message.text }
          : { text: message.text }),
        ...(keyboard.length > 0 ? { reply_markup: { inline_keyboard: keyboard } } : {}),
      };
      return {
        update: { update_id: ids.next(), callback_query: { id: callbackQueryId, from, chat_instance: `ci-${id}`, data: found.data, message: botMessage } },
        step,
        callbackQueryId,
      };
    },
    advance() {
      index = (index + 1) % script.length;
      done += 1;
    },
    restart() {
      index = 0;
    },
  };
}
