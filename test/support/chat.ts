import type { ApiInlineButton, SimUser, ViewMessage } from '../../src/sim/index.ts';

// What the end-to-end tests read of a chat and do in it, as a person would.

/** The text or caption a message shows. */
export const textOf = (message: ViewMessage): string => message.text ?? message.caption ?? '';

/** The inline buttons of a message, row after row. */
export const buttonsOf = (message: ViewMessage | undefined): ApiInlineButton[] => message?.reply_markup?.inline_keyboard.flat() ?? [];

/** Presses a button and waits for the bot's answer to that press (its toast). */
export async function press(user: SimUser, label: string | ((button: ApiInlineButton) => boolean), options: { chatId?: number; messageId?: number } = {}) {
  const result = await user.pressButton(label, options);
  if (result.type !== 'callback') throw new Error(`not a callback button: ${String(label)}`);
  return user.waitForCallbackAnswer(result.callbackQueryId, { timeoutMs: 5000 });
}

/** Waits for a bot message or edit whose text or caption contains / matches `match`. */
export function waitText(user: SimUser, match: RegExp | string, timeoutMs = 8000): Promise<ViewMessage> {
  const matches = (value: string) => (typeof match === 'string' ? value.includes(match) : match.test(value));
  return user.waitForMessage((message) => matches(textOf(message)), { timeoutMs });
}
