/**
 * The customer's ordering flow in the bot: `/new_order` (or a model file sent on its own), the
 * buttons of each step, typed answers, and placing the order, which then asks to pay or waits
 * for the studio's price.
 */
import type { Composer} from 'grammy';
import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, flowControl, startFlow, type FlowControl, type FlowDefinition } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION } from '../../telegram/menu.ts';
import { ORDER_FLOW, answerStale, askToPay, openOrderKeyboard, type CustomOrdersBotDeps, type OrderFlowData } from './custom-orders.bot.shared.ts';
import { parseDeadline, parseQuantity } from './custom-orders.input.ts';
import {
  acceptedText,
  colourScreen,
  commentScreen,
  deadlineScreen,
  filesKeyboard,
  infillScreen,
  materialScreen,
  quantityScreen,
  receiveDocument,
  startOrder,
  summaryScreen,
  technologyScreen,
} from './custom-orders.intake.screens.ts';
import { CustomOrdersError } from './custom-orders.service.ts';
import { offeredMaterials, offeredTechnologies } from './custom-orders.settings.ts';
import { formatOfFileName } from './mesh/model.ts';
import { fullName } from '../users/users.names.ts';

type Control = FlowControl<OrderFlowData>;

/** The ordering flow of this chat, when it is at `step` (any step when omitted). */
async function orderFlow(ctx: BotContext, step?: string): Promise<Control | undefined> {
  const session = await ctx.session;
  const state = session.flow;
  if (!state || state.name !== ORDER_FLOW || (step !== undefined && state.step !== step)) return undefined;
  return flowControl(session, state) as unknown as Control;
}

const useButtons = async (ctx: BotContext) => {
  await ctx.reply(ctx.t('co-flow-use-buttons'));
};

/** What the flow does with a typed message at each step. */
export function orderFlowDefinition(deps: CustomOrdersBotDeps): FlowDefinition {
  const { settings, config } = deps;
  return defineFlow<OrderFlowData>({
    name: ORDER_FLOW,
    version: 1,
    steps: {
      files: {
        async onMessage(ctx, control) {
          if (ctx.message?.document) return receiveDocument(deps, ctx, control);
          if (ctx.message?.photo) {
            await ctx.reply(ctx.t('co-flow-send-as-file'));
            return;
          }
          await ctx.reply(`${ctx.t('co-flow-expect-file')}\n${acceptedText(deps, ctx)}`, {
            reply_markup: control.data.files.length > 0 ? filesKeyboard(ctx, control.data.files.length) : undefined,
          });
        },
      },
      technology: { onMessage: (ctx) => useButtons(ctx) },
      material: { onMessage: (ctx) => useButtons(ctx) },
      colour: { onMessage: (ctx) => useButtons(ctx) },
      infill: { onMessage: (ctx) => useButtons(ctx) },
      summary: { onMessage: (ctx) => useButtons(ctx) },
      quantity: {
        async onMessage(ctx, control) {
          const quantity = parseQuantity(ctx.message?.text ?? '', settings.maxQuantity);
          if (quantity === undefined) {
            await ctx.reply(ctx.t('co-flow-quantity-invalid', { max: settings.maxQuantity }));
            return;
          }
          control.update({ quantity });
          await commentScreen(ctx, control);
        },
      },
      comment: {
        async onMessage(ctx, control) {
          const text = ctx.message?.text?.trim();
          if (!text) {
            await ctx.reply(ctx.t('co-flow-comment-text'));
            return;
          }
          control.update({ comment: text.slice(0, 1000) });
          await deadlineScreen(ctx, control);
        },
      },
      deadline: {
        async onMessage(ctx, control) {
          const deadline = parseDeadline(ctx.message?.text ?? '', config.business.timeZone, deps.now());
          if (!deadline) {
            await ctx.reply(ctx.t('co-flow-deadline-invalid'));
            return;
          }
          control.update({ deadline });
          await summaryScreen(deps, ctx, control);
        },
      },
    },
  });
}

const STEP_OF_CHOICE: Record<string, string> = { tech: 'technology', mat: 'material', col: 'colour', inf: 'infill', qty: 'quantity' };

/** A pressed choice (technology, material, colour, infill, quantity): checked against what is offered now, then the next step. */
async function choose(deps: CustomOrdersBotDeps, ctx: BotContext, kind: string, value: string): Promise<void> {
  const { settings } = deps;
  const control = await orderFlow(ctx, STEP_OF_CHOICE[kind]);
  if (!control) return answerStale(ctx);
  const data = control.data;
  if (kind === 'tech') {
    if (!offeredTechnologies(settings).some((item) => item.id === value)) return answerStale(ctx);
    await ctx.answerCallbackQuery();
    control.update({ technology: value, material: undefined, colour: undefined, infill: undefined });
    return materialScreen(deps, ctx, control);
  }
  if (kind === 'mat') {
    if (!offeredMaterials(settings, data.technology ?? '').some((item) => item.id === value)) return answerStale(ctx);
    await ctx.answerCallbackQuery();
    control.update({ material: value, colour: undefined });
    return colourScreen(deps, ctx, control);
  }
  if (kind === 'col') {
    const material = offeredMaterials(settings, data.technology ?? '').find((item) => item.id === data.material);
    if (!material?.colours.some((item) => item.id === value && item.available)) return answerStale(ctx);
    await ctx.answerCallbackQuery();
    control.update({ colour: value });
    return infillScreen(deps, ctx, control);
  }
  if (kind === 'inf') {
    const technology = settings.technologies.find((item) => item.id === data.technology);
    const percent = Number(value);
    if (!technology?.infillPercents.includes(percent)) return answerStale(ctx);
    await ctx.answerCallbackQuery();
    control.update({ infill: percent });
    return quantityScreen(deps, ctx, control);
  }
  const quantity = parseQuantity(value, settings.maxQuantity);
  if (quantity === undefined) return answerStale(ctx);
  await ctx.answerCallbackQuery();
  control.update({ quantity });
  return commentScreen(ctx, control);
}

/** Places the order from the summary: with the quote (then asks to pay) or for a manual price. */
async function placeOrder(deps: CustomOrdersBotDeps, ctx: BotContext, control: Control, manual: boolean): Promise<void> {
  if (!ctx.from) return;
  const data = control.data;
  let order;
  try {
    order = await deps.service.placeOrder({
      userId: ctx.from.id,
      contactName: fullName(ctx.from) + (ctx.from.username ? ` (@${ctx.from.username})` : ''),
      fileIds: data.files,
      technology: data.technology ?? '',
      material: data.material ?? '',
      colour: data.colour ?? '',
      infillPercent: data.infill ?? null,
      quantity: data.quantity ?? 1,
      comment: data.comment ?? null,
      deadline: data.deadline ?? null,
      manualQuote: manual,
      previewFileId: data.previewFileId ?? null,
    });
  } catch (error) {
    if (!(error instanceof CustomOrdersError)) throw error;
    await ctx.answerCallbackQuery();
    if (error.code === 'custom_orders.choice_unavailable') {
      await ctx.reply(ctx.t('co-flow-choice-unavailable'));
      return technologyScreen(deps, ctx, control);
    }
    control.leave();
    await ctx.reply(ctx.t('co-flow-files-gone'));
    return;
  }
  control.leave();
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  if (order.status === 'awaiting_payment') {
    await askToPay(deps, ctx, order, ctx.t('co-placed', { number: order.number }));
  } else {
    await ctx.reply(ctx.t('co-placed-manual', { number: order.number }), { reply_markup: openOrderKeyboard(ctx, order) });
  }
}

/** Registers the ordering flow's commands and buttons. */
export function registerIntake(composer: Composer<BotContext>, deps: CustomOrdersBotDeps): void {
  const privateChats = composer.chatType('private');
  privateChats.command('new_order', (ctx) => startOrder(deps, ctx));
  composer.callbackQuery('custom-orders:new', async (ctx) => {
    await ctx.answerCallbackQuery();
    if (ctx.chat?.type !== 'private') return;
    await startOrder(deps, ctx);
  });

  // A model sent without /new_order starts an order with it.
  privateChats.on('message:document', async (ctx, next) => {
    if (!formatOfFileName(ctx.message.document.file_name ?? '')) return next();
    await startFlow(ctx, { name: ORDER_FLOW, version: 1 }, 'files', { files: [] } satisfies OrderFlowData);
    const control = await orderFlow(ctx, 'files');
    if (control) await receiveDocument(deps, ctx, control);
  });

  composer.callbackQuery('co:f:cancel', async (ctx) => {
    const control = await orderFlow(ctx);
    if (!control) return answerStale(ctx);
    control.leave();
    await ctx.answerCallbackQuery({ text: ctx.t('cancel-done') });
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t('co-flow-cancelled'), { reply_markup: new InlineKeyboard().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION) });
  });

  composer.callbackQuery('co:f:next', async (ctx) => {
    const control = await orderFlow(ctx, 'files');
    if (!control || control.data.files.length === 0) return answerStale(ctx);
    await ctx.answerCallbackQuery();
    await technologyScreen(deps, ctx, control);
  });

  composer.callbackQuery(/^co:f:(tech|mat|col|inf|qty):([a-z0-9_]{1,16})$/, (ctx) => choose(deps, ctx, ctx.match[1] as string, ctx.match[2] as string));

  composer.callbackQuery('co:f:skip', async (ctx) => {
    const control = await orderFlow(ctx);
    if (!control || (control.step !== 'comment' && control.step !== 'deadline')) return answerStale(ctx);
    await ctx.answerCallbackQuery();
    if (control.step === 'comment') {
      control.update({ comment: null });
      return deadlineScreen(ctx, control);
    }
    control.update({ deadline: null });
    return summaryScreen(deps, ctx, control);
  });

  composer.callbackQuery(/^co:f:(ok|manual)$/, async (ctx) => {
    const control = await orderFlow(ctx, 'summary');
    if (!control || !ctx.from) return answerStale(ctx);
    await placeOrder(deps, ctx, control, ctx.match[1] === 'manual');
  });
}
