import { Composer, InlineKeyboard, type Api } from 'grammy';
import type { Logger } from 'pino';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION } from '../../telegram/menu.ts';
import { isWalletError } from '../wallet/wallet.errors.ts';
import { progressBar, type GenerateService } from './generate.service.ts';

/** The flow that asks for a prompt when the task is started from the menu. */
export const PROMPT_FLOW = { name: 'generate-prompt', version: 1 } as const;

/** Edits at most this often: Telegram limits edits per chat, and a bar needs no more. */
const MIN_EDIT_INTERVAL_MS = 300;

/**
 * `/generate <prompt>`: debits the task's cost, shows one progress message and edits it in
 * place from 0 to 100 %, then the result; a failed task refunds and says so in the same message.
 * The work runs detached from the update, so the chat stays responsive meanwhile.
 */
export function createGenerateComposer(deps: { generate: GenerateService; logger: Logger }): { composer: Composer<BotContext>; flows: FlowDefinition[]; running: Set<Promise<void>> } {
  const { generate } = deps;
  const composer = new Composer<BotContext>();
  const running = new Set<Promise<void>>();

  const run = async (api: Api, chatId: number, messageId: number, jobId: number, t: BotContext['t']) => {
    const job = await generate.get(jobId);
    if (!job) return;
    let lastEditMs = 0;
    const edit = async (text: string, markup?: InlineKeyboard) => {
      try {
        await api.editMessageText(chatId, messageId, text, markup ? { reply_markup: markup } : {});
      } catch (error) {
        if (!/message is not modified/.test((error as Error).message)) deps.logger.warn({ err: error, jobId }, 'could not edit the progress message');
      }
    };
    try {
      const result = await generate.runDemo(job, async (percent) => {
        await generate.reportProgress(jobId, percent);
        if (percent < 100 && Date.now() - lastEditMs < MIN_EDIT_INTERVAL_MS) return;
        lastEditMs = Date.now();
        await edit(t('generate-progress', { bar: progressBar(percent) }));
      });
      if (await generate.complete(jobId, result)) {
        await edit(t('generate-done', { result, cost: job.cost }), new InlineKeyboard().text(t('wallet-balance-button'), 'wallet:balance').text(t('menu-back-to-main'), MAIN_MENU_ACTION));
      }
    } catch (error) {
      deps.logger.info({ jobId, reason: (error as Error).message }, 'generate job failed; refunding');
      const refunded = await generate.fail(jobId, (error as Error).message ?? 'failed');
      if (refunded) await edit(t('generate-failed', { cost: job.cost, balance: refunded.balance }));
    }
  };

  const begin = async (ctx: BotContext, prompt: string) => {
    if (!ctx.from || !ctx.chat) return;
    if (prompt.length === 0) {
      await startFlow(ctx, PROMPT_FLOW, 'prompt');
      await ctx.reply(ctx.t('generate-ask', { cost: generate.settings.costTokens }));
      return;
    }
    let started: Awaited<ReturnType<GenerateService['start']>>;
    try {
      started = await generate.start({ userId: ctx.from.id, chatId: ctx.chat.id, prompt, locale: ctx.locale });
    } catch (error) {
      if (!isWalletError(error, 'wallet.insufficient_funds')) throw error;
      await ctx.reply(ctx.t('generate-insufficient', { cost: generate.settings.costTokens, balance: Number(error.details.balance ?? 0) }), {
        reply_markup: new InlineKeyboard().text(ctx.t('wallet-buy-button'), 'wallet:buy'),
      });
      return;
    }
    const message = await ctx.reply(ctx.t('generate-started', { cost: started.job.cost, balance: started.balance, bar: progressBar(0) }));
    await generate.attachMessage(started.job.id, message.message_id);
    const work = run(ctx.api, ctx.chat.id, message.message_id, started.job.id, ctx.t).catch((error: unknown) => deps.logger.error({ err: error }, 'generate runner crashed'));
    running.add(work);
    void work.finally(() => running.delete(work));
  };

  composer.command('generate', async (ctx) => {
    await begin(ctx, (typeof ctx.match === 'string' ? ctx.match : '').trim().slice(0, 500));
  });

  composer.callbackQuery('generate:start', async (ctx) => {
    await ctx.answerCallbackQuery();
    await begin(ctx, '');
  });

  const promptFlow = defineFlow({
    ...PROMPT_FLOW,
    steps: {
      prompt: {
        async onMessage(ctx, flow) {
          const text = ctx.message?.text?.trim();
          if (!text) {
            await ctx.reply(ctx.t('generate-ask', { cost: generate.settings.costTokens }));
            return;
          }
          flow.leave();
          await begin(ctx, text.slice(0, 500));
        },
      },
    },
  });

  return { composer, flows: [promptFlow], running };
}
