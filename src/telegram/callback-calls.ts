import { isDeepStrictEqual } from 'node:util';
import type { MiddlewareFn } from 'grammy';
import type { BotContext } from './context.ts';

// Telegram refuses two kinds of calls a bot makes easily after a button press: a second
// answer to the same callback query, and an edit that changes nothing ("message is not
// modified"). Both are invisible to the user, and both are calls Telegram rejects, so the
// bot makes neither: this is decided once here, for every module's handlers.

const answeredQueries = new WeakSet<object>();

/** What the pressed message shows now, as far as this update knows. */
interface ShownMessage {
  chatId: number;
  messageId: number;
  text: string | undefined;
  /** Its inline keyboard. */
  markup: unknown;
}

/**
 * Watches the calls of an update that came from a button: notes that its callback query was
 * answered, and skips an edit of the pressed message that would leave it as it is (answering
 * as Telegram would for a successful edit). Installed on the context's own API instance
 * (grammY builds one per update), so it sees exactly this update's calls.
 */
export function guardCallbackCalls(): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    const query = ctx.callbackQuery;
    if (!query) return next();
    const pressed = query.message;
    const shown: ShownMessage | undefined =
      pressed && pressed.date !== 0
        ? {
            chatId: pressed.chat.id,
            messageId: pressed.message_id,
            text: 'text' in pressed ? pressed.text : undefined,
            markup: pressed.reply_markup,
          }
        : undefined;
    ctx.api.config.use(async (prev, method, payload, signal) => {
      const edit = shown && (method === 'editMessageText' || method === 'editMessageReplyMarkup') ? (payload as EditPayload) : undefined;
      if (edit && shown && targetsShown(edit, shown) && !changes(method, edit, shown)) {
        return { ok: true, result: true } as Awaited<ReturnType<typeof prev>>;
      }
      const result = await prev(method, payload, signal);
      if (method === 'answerCallbackQuery' && result.ok) answeredQueries.add(ctx);
      if (edit && shown && result.ok && targetsShown(edit, shown)) {
        if (method === 'editMessageText') shown.text = edit.text?.trim();
        shown.markup = edit.reply_markup;
      }
      return result;
    });
    return next();
  };
}

/** True once this update's callback query has been answered. */
export function callbackAnswered(ctx: object): boolean {
  return answeredQueries.has(ctx);
}

interface EditPayload {
  chat_id?: number | string;
  message_id?: number;
  inline_message_id?: string;
  text?: string;
  parse_mode?: string;
  entities?: unknown[];
  reply_markup?: unknown;
}

function targetsShown(edit: EditPayload, shown: ShownMessage): boolean {
  return edit.inline_message_id === undefined && Number(edit.chat_id) === shown.chatId && edit.message_id === shown.messageId;
}

/**
 * Whether an edit would change the message. Formatted text (a parse mode or entities) is
 * always sent: the message as the update carries it holds the plain text only, so an equal
 * plain text could still differ in its formatting.
 */
function changes(method: string, edit: EditPayload, shown: ShownMessage): boolean {
  if (!sameKeyboard(edit.reply_markup, shown.markup)) return true;
  if (method === 'editMessageReplyMarkup') return false;
  if (edit.parse_mode || edit.entities?.length) return true;
  // Telegram keeps a text without its leading and trailing white space.
  return edit.text?.trim() !== shown.text;
}

/**
 * Whether two inline keyboards show the same buttons: a button's fields may come in any
 * order (the pressed message's are as Telegram sent them), and no keyboard is the same as an
 * empty one. Compared in place, without building a comparable copy of either: this runs for
 * every screen a button press edits.
 */
function sameKeyboard(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(keyboardRows(a), keyboardRows(b));
}

function keyboardRows(markup: unknown): unknown[] {
  const rows = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  return Array.isArray(rows) ? rows : [];
}
