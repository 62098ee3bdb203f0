import type { BotContext } from './context.ts';
import type { Translator } from './i18n.ts';

/**
 * Turns a refusal from any module (`wallet.insufficient_funds`, `payments.already_handled`)
 * into the user's language: the message `<module>-error-<reason>` when it exists, `fallback`
 * otherwise.
 */
export function explainRefusal(i18n: Translator, ctx: BotContext, error: unknown, fallback: string): string {
  const code = (error as { code?: unknown }).code;
  const details = ((error as { details?: unknown }).details ?? {}) as Record<string, string | number>;
  if (typeof code === 'string' && /^[a-z_]+\.[a-z_]+$/.test(code)) {
    const key = code.replace('.', '-error-');
    if (i18n.has(ctx.locale, key)) return ctx.t(key, details);
  }
  return ctx.t(fallback);
}

/**
 * The language a staff card is written in: the reader's own in a private chat; undefined in a
 * staff group, where each card is in the business's language.
 */
export function staffReader(ctx: BotContext): BotContext['locale'] | undefined {
  return ctx.chat?.type === 'private' ? ctx.locale : undefined;
}
