import { InlineKeyboard } from 'grammy';
import type { BusinessConfig } from '../config/business.ts';
import type { BotContext } from './context.ts';

/** Callback data of the button that returns to the main menu. */
export const MAIN_MENU_ACTION = 'core:menu';

/**
 * Builds the main menu from the business config: one button per entry whose module is
 * enabled, two per row, in the configured order.
 */
export function mainMenuKeyboard(ctx: BotContext, config: BusinessConfig, enabledModules: ReadonlySet<string>): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  let inRow = 0;
  for (const item of config.menu) {
    const moduleName = item.action.split(':', 1)[0] as string;
    if (moduleName !== 'core' && !enabledModules.has(moduleName)) continue;
    if (inRow === 2) {
      keyboard.row();
      inRow = 0;
    }
    keyboard.text(ctx.t(item.label), item.action);
    inRow += 1;
  }
  keyboard.row().text(ctx.t('menu-language'), 'core:language');
  return keyboard;
}

/** A single "back to the main menu" button, for the end of a screen. */
export function backToMenuKeyboard(ctx: BotContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
}

/** Replies with the main menu, or edits the message when the user pressed a button. */
export async function showMainMenu(
  ctx: BotContext,
  config: BusinessConfig,
  enabledModules: ReadonlySet<string>,
  options: { edit?: boolean } = {},
): Promise<void> {
  const text = ctx.t('menu-title', { business: config.business.name });
  const reply_markup = mainMenuKeyboard(ctx, config, enabledModules);
  if (options.edit && ctx.callbackQuery?.message) {
    await editOrReply(ctx, text, { reply_markup });
    return;
  }
  await ctx.reply(text, { reply_markup });
}

/**
 * Edits the message the pressed button belongs to; when it cannot be edited (a photo
 * message, or one too old), sends a new one instead. "Not modified" is not an error here:
 * pressing the same button twice should simply do nothing.
 */
export async function editOrReply(
  ctx: BotContext,
  text: string,
  other: { reply_markup?: InlineKeyboard; parse_mode?: 'HTML' } = {},
): Promise<void> {
  const message = ctx.callbackQuery?.message;
  if (message && 'text' in message && message.text !== undefined) {
    try {
      await ctx.editMessageText(text, other);
      return;
    } catch (error) {
      if (/message is not modified/.test((error as Error).message)) return;
      if (!/message to edit not found|message can't be edited/.test((error as Error).message)) throw error;
    }
  }
  await ctx.reply(text, other);
}
