/**
 * What a patient does in the clinic bot, as the end-to-end tests drive it through the
 * simulator: pressing buttons, waiting for texts, picking a free day in the calendar.
 */
import type { ApiInlineButton, SimUser, ViewMessage } from '../../src/sim/index.ts';

export const textOf = (message: ViewMessage) => message.text ?? message.caption ?? '';
export const buttonsOf = (message: ViewMessage | undefined) => message?.reply_markup?.inline_keyboard.flat() ?? [];

/** Presses a button and waits for the bot's answer to that press (its toast). */
export async function press(user: SimUser, label: string | ((button: ApiInlineButton) => boolean), options: { chatId?: number } = {}) {
  const result = await user.pressButton(label, options);
  if (result.type !== 'callback') throw new Error(`not a callback button: ${String(label)}`);
  return user.waitForCallbackAnswer(result.callbackQueryId, { timeoutMs: 5000 });
}

/** Waits for a bot message or edit whose text or caption contains / matches `match`. */
export function waitText(user: SimUser, match: RegExp | string, timeoutMs = 8000) {
  const matches = (value: string) => (typeof match === 'string' ? value.includes(match) : match.test(value));
  return user.waitForMessage((message) => matches(textOf(message)), { timeoutMs });
}

/** The local date (`YYYY-MM-DD`) a day button of the booking calendar stands for. */
export function dayOfButton(button: ApiInlineButton): string | undefined {
  const match = /^bk:r?day:.*?(\d{8})$|^bk:rd:\d+:(\d{8})$/.exec(button.callback_data ?? '');
  const compact = match?.[1] ?? match?.[2];
  return compact ? `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}` : undefined;
}

/** Picks the first pressable day on or after `minDate` in a calendar, moving to the next month when needed; returns the times screen. */
export async function pickDay(user: SimUser, calendar: ViewMessage, minDate: string, notDate?: string): Promise<ViewMessage> {
  let current = calendar;
  for (let month = 0; month < 3; month += 1) {
    const day = buttonsOf(current).find((button) => {
      const date = dayOfButton(button);
      return date !== undefined && date >= minDate && date !== notDate;
    });
    if (day) {
      await press(user, (button) => button.callback_data === day.callback_data);
      return user.waitForMessage((message) => buttonsOf(message).some((button) => /^bk:r?t:/.test(button.callback_data ?? '')), { timeoutMs: 5000 });
    }
    await press(user, '›');
    current = await user.waitForMessage((message) => buttonsOf(message).some((button) => button.text === '›' || button.text === ' '), { timeoutMs: 5000 });
  }
  throw new Error('no free day in three months');
}
