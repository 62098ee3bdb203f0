import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Logger } from 'pino';
import type { Locale } from '../config/business.ts';
import type { CommandSpec } from '../modules/module.ts';
import type { Translator } from './i18n.ts';

/** Commands every deployment has, before the modules' own. */
export const BASE_COMMANDS: readonly CommandSpec[] = [
  { command: 'start', description: 'command-start' },
  { command: 'help', description: 'command-help' },
  { command: 'language', description: 'command-language' },
  { command: 'cancel', description: 'command-cancel' },
];

function localise(specs: readonly CommandSpec[], i18n: Translator, locale: Locale): BotCommand[] {
  return specs.map((spec) => ({ command: spec.command, description: i18n.t(locale, spec.description).slice(0, 256) }));
}

/**
 * Publishes the command lists Telegram shows in its "/" menu: one per language for everyone,
 * and per admin chat a list that adds the admin commands.
 */
export async function publishCommands(options: {
  api: Api;
  i18n: Translator;
  commands: readonly CommandSpec[];
  adminIds: readonly number[];
  logger: Logger;
}): Promise<void> {
  const { api, i18n, commands, logger } = options;
  const everyone = commands.filter((spec) => spec.audience !== 'admin');
  await api.setMyCommands(localise(everyone, i18n, i18n.defaultLocale));
  for (const locale of i18n.locales) {
    await api.setMyCommands(localise(everyone, i18n, locale), { language_code: locale });
  }
  for (const adminId of options.adminIds) {
    await publishChatCommands({ api, i18n, commands, chatId: adminId, locale: i18n.defaultLocale, admin: true }).catch(
      (error: unknown) => logger.debug({ err: error, adminId }, 'admin has not started the bot yet; commands not published for them'),
    );
  }
}

/** Publishes a chat's own command list in its chosen language (after /language). */
export async function publishChatCommands(options: {
  api: Api;
  i18n: Translator;
  commands: readonly CommandSpec[];
  chatId: number;
  locale: Locale;
  admin: boolean;
}): Promise<void> {
  const visible = options.commands.filter((spec) => options.admin || spec.audience !== 'admin');
  await options.api.setMyCommands(localise(visible, options.i18n, options.locale), {
    scope: { type: 'chat', chat_id: options.chatId },
  });
}

/**
 * Publishes what Telegram shows before a user's first message, in each language: the
 * description ("What can this bot do?"), the short description (profile and shared links),
 * and the menu button opening the command list.
 */
export async function publishProfile(options: { api: Api; i18n: Translator; business: string }): Promise<void> {
  const { api, i18n, business } = options;
  const texts = (locale: Locale) => ({
    description: i18n.t(locale, 'bot-description', { business }).slice(0, 512),
    short: i18n.t(locale, 'bot-short-description', { business }).slice(0, 120),
  });
  const fallback = texts(i18n.defaultLocale);
  await api.setMyDescription(fallback.description);
  await api.setMyShortDescription(fallback.short);
  for (const locale of i18n.locales) {
    const localised = texts(locale);
    await api.setMyDescription(localised.description, { language_code: locale });
    await api.setMyShortDescription(localised.short, { language_code: locale });
  }
  await api.setChatMenuButton({ menu_button: { type: 'commands' } });
}
