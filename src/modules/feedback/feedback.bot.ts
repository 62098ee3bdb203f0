import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { activeFlow, defineFlow, leaveFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { FeedbackError, type FeedbackService } from './feedback.service.ts';

const COMMENT_FLOW = { name: 'feedback.comment', version: 1 } as const;

/** Score buttons (`fb:s:<visit>:<score>`), the optional comment, and "Skip". */
export function createFeedbackComposer(deps: { feedback: FeedbackService }): { composer: Composer<BotContext>; flows: FlowDefinition[] } {
  const { feedback } = deps;
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType('private');
  const done = (ctx: BotContext) => new InlineKeyboard().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);

  privateChats.callbackQuery(/^fb:s:(\d{1,12}):(\d{1,2})$/, async (ctx, next) => {
    const appointmentId = Number(ctx.match[1]);
    let result: Awaited<ReturnType<FeedbackService['score']>>;
    try {
      result = await feedback.score(appointmentId, ctx.from.id, Number(ctx.match[2]));
    } catch (error) {
      if (error instanceof FeedbackError) return next();
      throw error;
    }
    if (!result.created) {
      await ctx.answerCallbackQuery({ text: ctx.t('feedback-already', { score: result.feedback.score }) });
      return;
    }
    await ctx.answerCallbackQuery({ text: ctx.t('feedback-thanks-toast') });
    await startFlow(ctx, COMMENT_FLOW, 'comment', { appointmentId });
    await editOrReply(ctx, ctx.t('feedback-ask-comment', { score: result.feedback.score }), {
      reply_markup: new InlineKeyboard().text(ctx.t('feedback-button-skip'), 'fb:skip'),
    });
  });

  privateChats.callbackQuery('fb:skip', async (ctx, next) => {
    if (!(await activeFlow(ctx, COMMENT_FLOW.name))) return next();
    await leaveFlow(ctx);
    await ctx.answerCallbackQuery();
    await editOrReply(ctx, ctx.t('feedback-thanks'), { reply_markup: done(ctx) });
  });

  const commentFlow = defineFlow<{ appointmentId?: number }>({
    ...COMMENT_FLOW,
    steps: {
      comment: {
        async onMessage(ctx, flow) {
          const text = ctx.message?.text;
          if (!text) {
            await ctx.reply(ctx.t('feedback-text-only'));
            return;
          }
          flow.leave();
          await feedback.comment(flow.data.appointmentId as number, ctx.from?.id as number, text);
          await ctx.reply(ctx.t('feedback-thanks'), { reply_markup: done(ctx) });
        },
      },
    },
  });

  return { composer, flows: [commentFlow] };
}
