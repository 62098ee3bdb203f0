import { GrammyError, HttpError, type BotError } from 'grammy';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import { callbackAnswered } from './callback-calls.ts';
import type { BotContext } from './context.ts';
import { apologyText } from './dependency-errors.ts';
import type { Translator } from './i18n.ts';

/** The kind of update an update is (`message`, `callback_query`, …), for logs and metrics. */
export function updateType(update: object): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
}

/**
 * The one error boundary of the bot, the same in polling and webhook mode: a failing handler
 * never stops the bot, nor reaches the webhook route (whose answer would leak the error and
 * make Telegram resend the update). The user is told something went wrong (best effort, with
 * calls Telegram accepts), and the log says whether Telegram refused a call or the network
 * failed, which need different fixes.
 */
export async function handleBotError(error: BotError<BotContext>, logger: Logger, metrics: Metrics, i18n: Translator): Promise<void> {
  const ctx = error.ctx;
  const cause = error.error;
  const log = ctx.log ?? logger;
  metrics.updateErrorsTotal.inc({ type: updateType(ctx.update) });
  if (cause instanceof GrammyError) {
    log.error({ err: cause, method: cause.method, code: cause.error_code }, `Telegram refused ${cause.method}: ${cause.description}`);
  } else if (cause instanceof HttpError) {
    log.error({ err: cause }, 'could not reach the Telegram Bot API');
  } else {
    log.error({ err: cause }, 'update handler failed');
  }
  // An outage of a dependency gets "try again in a minute", in the user's language even when
  // the database could not say what it is. Translation itself may be what failed; English is
  // better than nothing.
  let text = 'Something went wrong on our side. Please try again in a moment.';
  try {
    text = apologyText(ctx, cause, i18n);
  } catch {
    // keep the English text
  }
  try {
    if (ctx.callbackQuery && !callbackAnswered(ctx)) await ctx.answerCallbackQuery({ text });
    else if (ctx.chat?.type === 'private') await ctx.reply(text);
  } catch (apologyError) {
    // The apology failed too (network down, query expired); the log above already has the cause.
    log.debug({ err: apologyError }, 'could not tell the user about the failure');
  }
}

/** Wraps {@link handleBotError} for grammY's `errorBoundary` and `bot.catch`. */
export function errorHandler(logger: Logger, metrics: Metrics, i18n: Translator): (error: BotError<BotContext>) => Promise<void> {
  return (error) => handleBotError(error, logger, metrics, i18n);
}
