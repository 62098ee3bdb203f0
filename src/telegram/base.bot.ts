import { Composer, InlineKeyboard } from 'grammy';
import type { BusinessConfig, Locale } from '../config/business.ts';
import type { CommandSpec, ModuleInstance } from '../modules/module.ts';
import type { UsersService } from '../modules/users/users.service.ts';
import { publishChatCommands } from './commands.ts';
import type { BotContext } from './context.ts';
import { leaveFlow } from './flow.ts';
import type { Translator } from './i18n.ts';
import { editOrReply, showMainMenu } from './menu.ts';

/** Language names as their speakers write them. */
const LANGUAGE_NAMES: Record<Locale, string> = { ru: 'Русский', en: 'English', kk: 'Қазақша' };

/** Dependencies of the base commands. */
export interface BaseCommandsDeps {
  config: BusinessConfig;
  i18n: Translator;
  users: UsersService;
  enabledModules: ReadonlySet<string>;
  commands: readonly CommandSpec[];
  deepLinks: NonNullable<ModuleInstance['deepLinks']>;
}

/** `/start`, `/help`, `/cancel`, `/language` and the main-menu button: what every bot has. */
export function createBaseComposer(deps: BaseCommandsDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType('private');

  privateChats.command('start', async (ctx) => {
    const payload = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (payload) {
      for (const [prefix, handle] of Object.entries(deps.deepLinks)) {
        if (payload.startsWith(prefix)) {
          await handle(ctx, payload.slice(prefix.length));
          return;
        }
      }
    }
    await ctx.reply(ctx.t('start-welcome', { name: ctx.from.first_name, business: deps.config.business.name }));
    await showMainMenu(ctx, deps.config, deps.enabledModules);
  });

  composer.command('help', async (ctx) => {
    const lines = deps.commands
      .filter((spec) => spec.audience !== 'admin' || ctx.isAdmin)
      .map((spec) => `/${spec.command} — ${ctx.t(spec.description)}`);
    await ctx.reply(`${ctx.t('help-title')}\n\n${lines.join('\n')}`);
  });

  composer.command('cancel', async (ctx) => {
    const left = await leaveFlow(ctx);
    await ctx.reply(ctx.t(left ? 'cancel-done' : 'cancel-nothing'), { reply_markup: { remove_keyboard: true } });
    if (left && ctx.chat.type === 'private') await showMainMenu(ctx, deps.config, deps.enabledModules);
  });

  const languageKeyboard = (ctx: BotContext) => {
    const keyboard = new InlineKeyboard();
    for (const locale of deps.config.business.locales) {
      keyboard.text(`${locale === ctx.locale ? '✓ ' : ''}${LANGUAGE_NAMES[locale]}`, `core:lang:${locale}`);
    }
    return keyboard;
  };

  composer.command('language', async (ctx) => {
    await ctx.reply(ctx.t('language-choose'), { reply_markup: languageKeyboard(ctx) });
  });

  composer.callbackQuery('core:language', async (ctx) => {
    await ctx.answerCallbackQuery();
    await editOrReply(ctx, ctx.t('language-choose'), { reply_markup: languageKeyboard(ctx) });
  });

  composer.callbackQuery(/^core:lang:([a-z]{2})$/, async (ctx) => {
    const locale = ctx.match[1] as Locale;
    if (!deps.config.business.locales.includes(locale) || !ctx.from) {
      await ctx.answerCallbackQuery({ text: ctx.t('menu-outdated') });
      return;
    }
    await deps.users.setLocale(ctx.from.id, locale);
    ctx.setLocale(locale);
    await ctx.answerCallbackQuery({ text: ctx.t('language-changed') });
    await showMainMenu(ctx, deps.config, deps.enabledModules, { edit: true });
    // The "/" menu follows the chosen language too; a failure here must not undo the change.
    await publishChatCommands({
      api: ctx.api,
      i18n: deps.i18n,
      commands: deps.commands,
      chatId: ctx.from.id,
      locale,
      admin: ctx.isAdmin,
    }).catch((error: unknown) => ctx.log.warn({ err: error }, 'could not publish the chat command list'));
  });

  composer.callbackQuery('core:menu', async (ctx) => {
    await ctx.answerCallbackQuery();
    await showMainMenu(ctx, deps.config, deps.enabledModules, { edit: true });
  });

  return composer;
}

/**
 * Registered after every module: a button nobody handled is stale or forged (an old menu
 * after a deploy, tampered data), so the user gets a fresh menu and nothing changes; text
 * nobody handled gets a hint.
 */
export function createFallbackComposer(deps: Pick<BaseCommandsDeps, 'config' | 'enabledModules'>): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('callback_query', async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t('menu-outdated') });
    if (ctx.chat?.type === 'private') await showMainMenu(ctx, deps.config, deps.enabledModules, { edit: true });
  });
  // An invoice no module claims (a module disabled since it was sent): refuse before Telegram
  // charges anything, and never leave the customer waiting for the 10 s timeout.
  composer.on('pre_checkout_query', async (ctx) => {
    ctx.log.warn({ payload: ctx.preCheckoutQuery.invoice_payload }, 'pre-checkout for an unknown invoice refused');
    await ctx.answerPreCheckoutQuery(false, { error_message: ctx.t('payment-unknown-invoice') });
  });
  composer.on('message:successful_payment', async (ctx) => {
    ctx.log.error({ payment: ctx.message.successful_payment }, 'a payment no module claims; staff must check it');
    await ctx.reply(ctx.t('payment-unclaimed'));
  });
  composer.chatType('private').on('message', async (ctx) => {
    await ctx.reply(ctx.t('fallback-unknown'));
  });
  return composer;
}
