import { Composer, InlineKeyboard, InputFile, type Api } from 'grammy';
import type { Logger } from 'pino';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION } from '../../telegram/menu.ts';
import { isWalletError } from '../wallet/wallet.errors.ts';
import { progressBar, type GenerateService } from './generate.service.ts';

/** The flow that asks for a prompt when the task is started from the menu. */
export const PROMPT_FLOW = { name: 'generate-prompt', version: 1 } as const;

/**
 * `/generate <prompt>`: debits the task's cost and answers with one progress message, which the
 * job edits (through the outbox) from "queued" through its progress to the result; a picture
 * comes as a photo with the prompt as its caption. A failed task refunds and says so in the same
 * message. The work runs detached from the update, so the chat stays responsive meanwhile.
 */
export function createGenerateComposer(deps: { generate: GenerateService; logger: Logger }): { composer: Composer<BotContext>; flows: FlowDefinition[]; running: Set<Promise<void>> } {
  const { generate } = deps;
  const composer = new Composer<BotContext>();
  const running = new Set<Promise<void>>();

  const run = async (api: Api, jobId: number, t: BotContext['t']) => {
    const status = await generate.run(jobId, async (job, picture) => {
      const caption = t('generate-picture-caption', { prompt: job.prompt.slice(0, 900), cost: job.cost });
      const keyboard = new InlineKeyboard().text(t('generate-again-button'), 'generate:start').text(t('wallet-balance-button'), 'wallet:balance').row().text(t('menu-back-to-main'), MAIN_MENU_ACTION);
      await api.sendPhoto(job.chat_id, new InputFile(picture.png, `lavka-${job.id}.png`), { caption, reply_markup: keyboard });
    });
    if (status === 'failed') deps.logger.info({ jobId }, 'generate job failed; refunded');
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
    const work = run(ctx.api, started.job.id, ctx.t).catch((error: unknown) => deps.logger.error({ err: error }, 'generate runner crashed'));
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
