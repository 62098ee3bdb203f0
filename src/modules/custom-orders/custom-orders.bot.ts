import { Composer, InlineKeyboard, InputFile, type MiddlewareFn } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { BusinessConfig, Locale } from '../../config/business.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, flowControl, startFlow, type FlowControl, type FlowDefinition } from '../../telegram/flow.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { parsePage } from '../../telegram/paginator.ts';
import { DownloadError, TELEGRAM_DOWNLOAD_LIMIT_BYTES, downloadTelegramFile } from './custom-orders.files.ts';
import { parseDeadline, parsePriceInput, parseQuantity } from './custom-orders.input.ts';
import { staffReader } from '../../telegram/refusals.ts';
import type { OrderKindScreens } from '../orders/orders.screens.ts';
import type { Order } from '../orders/orders.service.ts';
import { paymentMethodsData } from '../payments/payments.callbacks.ts';
import type { PaymentsModuleService } from '../payments/payments.module.ts';
import { CAPTION_LIMIT, callbackData, clip, type CustomOrderMessages, type Keyboard } from './custom-orders.messages.ts';
import { PRINT_PURPOSE } from './custom-orders.purpose.ts';
import { CustomOrdersError, printRef, type CustomOrder, type CustomOrdersService } from './custom-orders.service.ts';
import { localised, offeredMaterials, offeredTechnologies, resolveChoice, type CustomOrdersSettings } from './custom-orders.settings.ts';
import { CUSTOM_ORDER_STATUSES, QUOTABLE_STATUSES, SUBSCRIBABLE_STATUSES, canTransition } from './custom-orders.status.ts';
import { ModelError } from './mesh/errors.ts';
import { MODEL_FORMATS, formatOfFileName } from './mesh/model.ts';

/** Name of the customer's ordering flow (stored in sessions: never rename without a version bump). */
export const ORDER_FLOW = 'custom-order';
/** Name of the staff flow that asks for a price or a message. */
export const STAFF_FLOW = 'custom-order-staff';
/** Dependencies of the custom-orders bot. */
export interface CustomOrdersBotDeps {
  service: CustomOrdersService;
  messages: CustomOrderMessages;
  settings: CustomOrdersSettings;
  config: BusinessConfig;
  /** The methods that can pay a job now, for the "how to pay" buttons. */
  payments: Pick<PaymentsModuleService, 'offer' | 'screens'>;
  now(): number;
  /** Brings a user back into broadcasts (the broadcasts module's `/subscribe` did that alone). */
  resubscribeToNews?: (userId: number) => Promise<void>;
  /** Replaces `fetch` for file downloads (tests). */
  fetch?: typeof fetch;
}

/** What the ordering flow remembers between messages. */
interface OrderFlowData extends Record<string, unknown> {
  files: number[];
  technology?: string;
  material?: string;
  colour?: string;
  infill?: number | null;
  quantity?: number;
  comment?: string | null;
  deadline?: string | null;
  previewFileId?: string;
}

/** What the staff flow remembers: which order, and who is typing. */
interface StaffFlowData extends Record<string, unknown> {
  orderId: number;
  staffId: number;
}

const toKeyboard = (markup: Keyboard): InlineKeyboard => new InlineKeyboard(markup.inline_keyboard as InlineKeyboardButton[][]);

/**
 * Custom orders in the bot: the `/new_order` flow (files → technology → material → colour →
 * infill → quantity → comment → deadline → summary with preview and quote → confirm and pay
 * through the payments module), the customer's card of a job and notification choices, and
 * the staff side (status buttons, refunds, price adjustment, messages). The customer's list,
 * `/track_order` and `/stats` are the orders module's, which shows print jobs through
 * `screens`.
 */
export function createCustomOrdersBot(deps: CustomOrdersBotDeps): {
  composer: Composer<BotContext>;
  flows: FlowDefinition[];
  guard: MiddlewareFn<BotContext>;
  screens: OrderKindScreens;
} {
  const { service, messages, settings, config } = deps;
  const currency = config.business.currency;
  const maxFileBytes = Math.min(TELEGRAM_DOWNLOAD_LIMIT_BYTES, Math.floor(settings.maxFileMb * 1024 * 1024));
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType('private');

  // ---------- helpers ----------

  const orderFlow = async (ctx: BotContext, step?: string): Promise<FlowControl<OrderFlowData> | undefined> => {
    const session = await ctx.session;
    const state = session.flow;
    if (!state || state.name !== ORDER_FLOW || (step !== undefined && state.step !== step)) return undefined;
    return flowControl(session, state) as unknown as FlowControl<OrderFlowData>;
  };

  const stale = async (ctx: BotContext) => {
    await ctx.answerCallbackQuery({ text: ctx.t('menu-outdated') });
  };

  const refuseNonAdmin = async (ctx: BotContext): Promise<boolean> => {
    if (ctx.isAdmin) return false;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('co-admin-only'), show_alert: true });
    else await ctx.reply(ctx.t('co-admin-only'));
    return true;
  };

  const errorText = (ctx: BotContext, error: ModelError): string =>
    ctx.t(`co-error-${error.code.replace('.', '-')}`, { limitMb: settings.maxFileMb, kind: '?', maxTriangles: 0, ...error.details, accepted: acceptedText(ctx) });

  const acceptedText = (ctx: BotContext) => ctx.t('co-accepted-formats', { formats: MODEL_FORMATS.map((format) => format.toUpperCase()).join(', '), mb: settings.maxFileMb });

  const cancelRow = (ctx: BotContext, keyboard: InlineKeyboard) => keyboard.row().text(ctx.t('co-flow-cancel'), 'co:f:cancel');

  // ---------- the ordering flow ----------

  const startOrder = async (ctx: BotContext) => {
    await startFlow(ctx, { name: ORDER_FLOW, version: 1 }, 'files', { files: [] } satisfies OrderFlowData);
    await ctx.reply(ctx.t('co-flow-send-files', { max: settings.maxFiles }) + '\n' + acceptedText(ctx), {
      reply_markup: new InlineKeyboard().text(ctx.t('co-flow-cancel'), 'co:f:cancel'),
    });
  };

  const filesKeyboard = (ctx: BotContext, count: number) =>
    new InlineKeyboard().text(ctx.t('co-flow-files-done', { count }), 'co:f:next').row().text(ctx.t('co-flow-cancel'), 'co:f:cancel');

  /** Downloads, checks and stores one document; replies with its measurements or what is wrong. */
  const receiveDocument = async (ctx: BotContext, control: FlowControl<OrderFlowData>) => {
    const document = ctx.message?.document;
    if (!document || !ctx.from) return;
    const fileName = document.file_name ?? 'model';
    if (control.data.files.length >= settings.maxFiles) {
      await ctx.reply(ctx.t('co-flow-too-many-files', { max: settings.maxFiles }), { reply_markup: filesKeyboard(ctx, control.data.files.length) });
      return;
    }
    if (!formatOfFileName(fileName)) {
      await ctx.reply(errorText(ctx, new ModelError('model.unsupported_format', 'unsupported', { fileName: clip(fileName, 60) })));
      return;
    }
    if (document.file_size !== undefined && document.file_size > maxFileBytes) {
      const error = new ModelError('model.too_large', 'too large', { sizeMb: Math.round((document.file_size / 1048576) * 10) / 10, limitMb: settings.maxFileMb });
      await ctx.reply(errorText(ctx, error));
      return;
    }
    await ctx.replyWithChatAction('typing').catch(() => undefined);
    let accepted;
    try {
      const bytes = await downloadTelegramFile(ctx.api, document.file_id, { maxBytes: maxFileBytes, fetch: deps.fetch });
      accepted = await service.acceptFile({
        userId: ctx.from.id,
        fileName,
        telegramFileId: document.file_id,
        telegramFileUniqueId: document.file_unique_id,
        bytes,
      });
    } catch (error) {
      if (error instanceof ModelError) {
        await ctx.reply(`${clip(fileName, 60)}: ${errorText(ctx, error)}`);
        return;
      }
      if (error instanceof DownloadError) {
        ctx.log.warn({ err: error }, 'model download failed');
        await ctx.reply(ctx.t('co-error-download'));
        return;
      }
      throw error;
    }
    const files = [...control.data.files, accepted.id];
    control.update({ files });
    const lines = [ctx.t('co-flow-file-accepted', { name: clip(fileName, 60) }), messages.measurementsText(accepted.measurements, ctx.locale)];
    if (!accepted.measurements.isClosed) lines.push(ctx.t('co-flow-file-open-warning'));
    lines.push(ctx.t('co-flow-more-files'));
    await ctx.reply(lines.join('\n'), { reply_markup: filesKeyboard(ctx, files.length) });
  };

  const technologyScreen = async (ctx: BotContext, control: FlowControl<OrderFlowData>) => {
    const technologies = offeredTechnologies(settings);
    if (technologies.length === 1) {
      control.update({ technology: technologies[0]?.id });
      return materialScreen(ctx, control);
    }
    control.go('technology');
    const keyboard = new InlineKeyboard();
    for (const technology of technologies) keyboard.text(localised(technology.title, ctx.locale), `co:f:tech:${technology.id}`).row();
    await editOrReply(ctx, ctx.t('co-flow-choose-technology'), { reply_markup: cancelRow(ctx, keyboard) });
  };

  const materialScreen = async (ctx: BotContext, control: FlowControl<OrderFlowData>) => {
    control.go('material');
    const keyboard = new InlineKeyboard();
    for (const material of offeredMaterials(settings, control.data.technology ?? '')) {
      keyboard.text(localised(material.title, ctx.locale), `co:f:mat:${material.id}`).row();
    }
    await editOrReply(ctx, ctx.t('co-flow-choose-material', { technology: messages.technologyTitle(control.data.technology ?? '', ctx.locale) }), {
      reply_markup: cancelRow(ctx, keyboard),
    });
  };

  const colourScreen = async (ctx: BotContext, control: FlowControl<OrderFlowData>) => {
    control.go('colour');
    const material = settings.materials.find((item) => item.id === control.data.material);
    const keyboard = new InlineKeyboard();
    let inRow = 0;
    for (const colour of material?.colours.filter((item) => item.available) ?? []) {
      if (inRow === 2) {
        keyboard.row();
        inRow = 0;
      }
      keyboard.text(localised(colour.title, ctx.locale), `co:f:col:${colour.id}`);
      inRow += 1;
    }
    await editOrReply(ctx, ctx.t('co-flow-choose-colour', { material: messages.materialTitle(control.data.material ?? '', ctx.locale) }), {
      reply_markup: cancelRow(ctx, keyboard),
    });
  };

  const infillScreen = async (ctx: BotContext, control: FlowControl<OrderFlowData>) => {
    const technology = settings.technologies.find((item) => item.id === control.data.technology);
    if (!technology || technology.infillPercents.length === 0) {
      control.update({ infill: null });
      return quantityScreen(ctx, control);
    }
    control.go('infill');
    const keyboard = new InlineKeyboard();
    for (const percent of technology.infillPercents) {
      const label = percent === technology.defaultInfillPercent ? ctx.t('co-flow-infill-recommended', { percent }) : ctx.t('co-infill-value', { percent });
      keyboard.text(label, `co:f:inf:${percent}`);
    }
    await editOrReply(ctx, ctx.t('co-flow-choose-infill'), { reply_markup: cancelRow(ctx, keyboard) });
  };

  const quantityScreen = async (ctx: BotContext, control: FlowControl<OrderFlowData>) => {
    control.go('quantity');
    const keyboard = new InlineKeyboard();
    for (const quantity of settings.quantities.filter((item) => item <= settings.maxQuantity)) keyboard.text(String(quantity), `co:f:qty:${quantity}`);
    await editOrReply(ctx, ctx.t('co-flow-choose-quantity', { max: settings.maxQuantity }), { reply_markup: cancelRow(ctx, keyboard) });
  };

  const commentScreen = async (ctx: BotContext, control: FlowControl<OrderFlowData>) => {
    control.go('comment');
    await editOrReply(ctx, ctx.t('co-flow-ask-comment'), { reply_markup: cancelRow(ctx, new InlineKeyboard().text(ctx.t('co-flow-skip'), 'co:f:skip')) });
  };

  const deadlineScreen = async (ctx: BotContext, control: FlowControl<OrderFlowData>) => {
    control.go('deadline');
    await editOrReply(ctx, ctx.t('co-flow-ask-deadline'), { reply_markup: cancelRow(ctx, new InlineKeyboard().text(ctx.t('co-flow-skip'), 'co:f:skip')) });
  };

  /** The summary: coloured preview, choice, measurements, the quote and what to do next. */
  const summaryScreen = async (ctx: BotContext, control: FlowControl<OrderFlowData>) => {
    if (!ctx.from) return;
    const data = control.data;
    const files = await service.draftFiles(ctx.from.id, data.files);
    if (files.length !== data.files.length || files.length === 0) {
      control.leave();
      await ctx.reply(ctx.t('co-flow-files-gone'));
      return;
    }
    const choice = { technology: data.technology ?? '', material: data.material ?? '', colour: data.colour ?? '', infillPercent: data.infill ?? null, quantity: data.quantity ?? 1 };
    const resolved = resolveChoice(settings, choice);
    const quote = service.quote(files, choice);
    if (!resolved || !quote) {
      await ctx.reply(ctx.t('co-flow-choice-unavailable'));
      await technologyScreen(ctx, control);
      return;
    }
    control.go('summary');
    const lines = [
      ctx.t('co-summary-title'),
      messages.choiceText({ technology: choice.technology, material: choice.material, colour: choice.colour, infill_percent: quote.infillPercent, quantity: choice.quantity }, ctx.locale),
      ...files.map((file, index) => messages.fileLine(file, index, ctx.locale)),
      '',
      messages.quoteText(quote, files.map((file) => file.file_name), ctx.locale),
    ];
    if (data.deadline) lines.push(ctx.t('co-deadline-line', { date: data.deadline }));
    if (data.comment) lines.push(ctx.t('co-comment-line', { comment: clip(data.comment, 300) }));
    if (!quote.fitsBuildVolume) lines.push('', ctx.t('co-summary-too-large'));
    else lines.push('', ctx.t('co-summary-confirm-hint'));
    const keyboard = new InlineKeyboard();
    if (quote.fitsBuildVolume) keyboard.text(ctx.t('co-summary-confirm'), 'co:f:ok').row();
    keyboard.text(ctx.t('co-summary-manual'), 'co:f:manual').row().text(ctx.t('co-flow-cancel'), 'co:f:cancel');
    const text = lines.join('\n');
    const preview = await service.preview(files[0]?.id ?? 0, resolved.colour.hex);
    await ctx.replyWithChatAction('upload_photo').catch(() => undefined);
    const photo = new InputFile(preview, 'preview.png');
    let sent;
    if (text.length <= CAPTION_LIMIT) {
      sent = await ctx.replyWithPhoto(photo, { caption: text, reply_markup: keyboard });
    } else {
      sent = await ctx.replyWithPhoto(photo, { caption: ctx.t('co-summary-title') });
      await ctx.reply(clip(text, 4000), { reply_markup: keyboard });
    }
    control.update({ previewFileId: sent.photo.at(-1)?.file_id });
  };

  /**
   * The payment methods of a job awaiting payment (the payments module's buttons, paused
   * gateways marked), with a button to open the job; undefined when nothing can pay it now.
   */
  const payKeyboard = async (ctx: BotContext, order: CustomOrder): Promise<InlineKeyboard | undefined> => {
    if (!ctx.from || order.status !== 'awaiting_payment') return undefined;
    const offer = await deps.payments.offer(PRINT_PURPOSE, printRef(order), ctx.from.id, ctx.locale);
    if (!offer || offer.methods.length === 0) return undefined;
    return deps.payments.screens.methodRows(new InlineKeyboard(), ctx, PRINT_PURPOSE, printRef(order), offer.methods).text(ctx.t('co-open-order'), callbackData.open(order.id));
  };

  /** Asks the customer to pay for a job now awaiting payment, in a new message. */
  const askToPay = async (ctx: BotContext, order: CustomOrder, heading: string) => {
    const keyboard = await payKeyboard(ctx, order);
    if (keyboard) {
      await ctx.reply(`${heading}\n${ctx.t('co-pay-choose', { price: deps.messages.priceText(order, ctx.locale) })}`, { reply_markup: keyboard });
      return;
    }
    await ctx.reply(`${heading}\n${ctx.t('co-pay-unavailable')}`, { reply_markup: toKeyboard({ inline_keyboard: [[{ text: ctx.t('co-open-order'), callback_data: callbackData.open(order.id) }]] }) });
  };

  const orderFlowDefinition = defineFlow<OrderFlowData>({
    name: ORDER_FLOW,
    version: 1,
    steps: {
      files: {
        async onMessage(ctx, control) {
          if (ctx.message?.document) return receiveDocument(ctx, control);
          if (ctx.message?.photo) {
            await ctx.reply(ctx.t('co-flow-send-as-file'));
            return;
          }
          await ctx.reply(`${ctx.t('co-flow-expect-file')}\n${acceptedText(ctx)}`, {
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
          await summaryScreen(ctx, control);
        },
      },
    },
  });

  const useButtons = async (ctx: BotContext) => {
    await ctx.reply(ctx.t('co-flow-use-buttons'));
  };

  privateChats.command('new_order', (ctx) => startOrder(ctx));
  composer.callbackQuery('custom-orders:new', async (ctx) => {
    await ctx.answerCallbackQuery();
    if (ctx.chat?.type !== 'private') return;
    await startOrder(ctx);
  });

  // A model sent without /new_order starts an order with it.
  privateChats.on('message:document', async (ctx, next) => {
    if (!formatOfFileName(ctx.message.document.file_name ?? '')) return next();
    await startFlow(ctx, { name: ORDER_FLOW, version: 1 }, 'files', { files: [] } satisfies OrderFlowData);
    const control = await orderFlow(ctx, 'files');
    if (control) await receiveDocument(ctx, control);
  });

  composer.callbackQuery('co:f:cancel', async (ctx) => {
    const control = await orderFlow(ctx);
    if (!control) return stale(ctx);
    control.leave();
    await ctx.answerCallbackQuery({ text: ctx.t('cancel-done') });
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t('co-flow-cancelled'), { reply_markup: new InlineKeyboard().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION) });
  });

  composer.callbackQuery('co:f:next', async (ctx) => {
    const control = await orderFlow(ctx, 'files');
    if (!control || control.data.files.length === 0) return stale(ctx);
    await ctx.answerCallbackQuery();
    await technologyScreen(ctx, control);
  });

  composer.callbackQuery(/^co:f:(tech|mat|col|inf|qty):([a-z0-9_]{1,16})$/, async (ctx) => {
    const kind = ctx.match[1] as string;
    const value = ctx.match[2] as string;
    const step = { tech: 'technology', mat: 'material', col: 'colour', inf: 'infill', qty: 'quantity' }[kind] as string;
    const control = await orderFlow(ctx, step);
    if (!control) return stale(ctx);
    const data = control.data;
    if (kind === 'tech') {
      if (!offeredTechnologies(settings).some((item) => item.id === value)) return stale(ctx);
      await ctx.answerCallbackQuery();
      control.update({ technology: value, material: undefined, colour: undefined, infill: undefined });
      return materialScreen(ctx, control);
    }
    if (kind === 'mat') {
      if (!offeredMaterials(settings, data.technology ?? '').some((item) => item.id === value)) return stale(ctx);
      await ctx.answerCallbackQuery();
      control.update({ material: value, colour: undefined });
      return colourScreen(ctx, control);
    }
    if (kind === 'col') {
      const material = offeredMaterials(settings, data.technology ?? '').find((item) => item.id === data.material);
      if (!material?.colours.some((item) => item.id === value && item.available)) return stale(ctx);
      await ctx.answerCallbackQuery();
      control.update({ colour: value });
      return infillScreen(ctx, control);
    }
    if (kind === 'inf') {
      const technology = settings.technologies.find((item) => item.id === data.technology);
      const percent = Number(value);
      if (!technology?.infillPercents.includes(percent)) return stale(ctx);
      await ctx.answerCallbackQuery();
      control.update({ infill: percent });
      return quantityScreen(ctx, control);
    }
    const quantity = parseQuantity(value, settings.maxQuantity);
    if (quantity === undefined) return stale(ctx);
    await ctx.answerCallbackQuery();
    control.update({ quantity });
    return commentScreen(ctx, control);
  });

  composer.callbackQuery('co:f:skip', async (ctx) => {
    const control = await orderFlow(ctx);
    if (!control || (control.step !== 'comment' && control.step !== 'deadline')) return stale(ctx);
    await ctx.answerCallbackQuery();
    if (control.step === 'comment') {
      control.update({ comment: null });
      return deadlineScreen(ctx, control);
    }
    control.update({ deadline: null });
    return summaryScreen(ctx, control);
  });

  composer.callbackQuery(/^co:f:(ok|manual)$/, async (ctx) => {
    const control = await orderFlow(ctx, 'summary');
    if (!control || !ctx.from) return stale(ctx);
    const manual = ctx.match[1] === 'manual';
    const data = control.data;
    let order;
    try {
      order = await service.placeOrder({
        userId: ctx.from.id,
        contactName: [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(' ') + (ctx.from.username ? ` (@${ctx.from.username})` : ''),
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
        return technologyScreen(ctx, control);
      }
      control.leave();
      await ctx.reply(ctx.t('co-flow-files-gone'));
      return;
    }
    control.leave();
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    if (order.status === 'awaiting_payment') {
      await askToPay(ctx, order, ctx.t('co-placed', { number: order.number }));
    } else {
      await ctx.reply(ctx.t('co-placed-manual', { number: order.number }), { reply_markup: toKeyboard({ inline_keyboard: [[{ text: ctx.t('co-open-order'), callback_data: callbackData.open(order.id) }]] }) });
    }
  });

  /**
   * Runs before flows and other modules' handlers. `/subscribe`: the broadcasts module answers
   * it too (bringing the user back into news), and runs first; here it opens the notification
   * choices, which include that news toggle.
   */
  const guard = new Composer<BotContext>();
  guard.chatType('private').command('subscribe', async (ctx) => {
    const screen = await subscribeScreen(ctx, ctx.from.id);
    await ctx.reply(screen.text, { reply_markup: screen.keyboard });
  });

  // ---------- the customer's card of a job (their list is the orders module's) ----------

  const detailScreen = async (ctx: BotContext, orderId: number, page: number) => {
    const order = await service.detail(orderId);
    if (!order || order.user_id !== ctx.from?.id) return undefined;
    const keyboard = new InlineKeyboard();
    if (order.status === 'quoted' && order.quote_version > 0) keyboard.text(ctx.t('co-accept-price'), callbackData.accept(order.id, order.quote_version)).row();
    // Paying opens the payments module's choice of methods for this very price.
    if (order.status === 'awaiting_payment') keyboard.text(ctx.t('co-pay-button'), paymentMethodsData(PRINT_PURPOSE, printRef(order))).row();
    if (canTransition(order.status, 'cancelled', 'customer')) keyboard.text(ctx.t('co-cancel-order'), callbackData.cancel(order.id)).row();
    keyboard.text(ctx.t('co-back-to-list'), callbackData.list(page)).text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    return { text: messages.customerDetailText(order, ctx.locale), keyboard };
  };

  composer.callbackQuery(/^co:o:(\d{1,12})(?::(\d{1,4}))?$/, async (ctx) => {
    const screen = await detailScreen(ctx, Number(ctx.match[1]), parsePage(ctx.match[2]) ?? 1);
    if (!screen) return stale(ctx);
    await ctx.answerCallbackQuery();
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  /** How print jobs look on the orders module's screens (`/my_orders`, `/track_order`, `/stats`). */
  const screens: OrderKindScreens = {
    statusLabel: (status, locale) => messages.statusLabel(status, locale),
    customerCardData: (orderId, page) => callbackData.open(orderId, page),
    async track(ctx: BotContext, found: Order) {
      const order = await service.get(found.id);
      if (!order) return;
      if (ctx.isAdmin && order.user_id !== ctx.from?.id) {
        await ctx.reply(messages.staffCardText(order, staffReader(ctx)), { reply_markup: toKeyboard(messages.staffKeyboard(order, staffReader(ctx))) });
        return;
      }
      const screen = await detailScreen(ctx, order.id, 1);
      if (screen) await ctx.reply(screen.text, { reply_markup: screen.keyboard });
    },
    stats: (locale) => statsLines(locale),
  };

  composer.callbackQuery(/^co:acc:(\d{1,12}):(\d{1,6})$/, async (ctx) => {
    const orderId = Number(ctx.match[1]);
    try {
      await service.acceptQuote(orderId, ctx.from.id, Number(ctx.match[2]));
    } catch (error) {
      if (!(error instanceof CustomOrdersError)) throw error;
      if (error.code === 'custom_orders.not_found') return stale(ctx);
      await ctx.answerCallbackQuery({ text: ctx.t(error.code === 'custom_orders.quote_outdated' ? 'co-quote-outdated' : 'co-action-not-possible'), show_alert: true });
      const screen = await detailScreen(ctx, orderId, 1);
      if (screen) await ctx.reply(screen.text, { reply_markup: screen.keyboard });
      return;
    }
    await ctx.answerCallbackQuery({ text: ctx.t('co-price-accepted') });
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    const accepted = await service.get(orderId);
    if (accepted) await askToPay(ctx, accepted, ctx.t('co-price-accepted-heading', { number: accepted.number }));
  });

  composer.callbackQuery(/^co:cx:(\d{1,12})$/, async (ctx) => {
    const orderId = Number(ctx.match[1]);
    try {
      await service.changeStatus(orderId, 'cancelled', { role: 'customer', id: ctx.from.id });
    } catch (error) {
      if (!(error instanceof CustomOrdersError)) throw error;
      if (error.code === 'custom_orders.not_found') return stale(ctx);
      await ctx.answerCallbackQuery({ text: ctx.t('co-action-not-possible'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery({ text: ctx.t('co-cancelled-by-you') });
    const screen = await detailScreen(ctx, orderId, 1);
    if (screen) await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  // ---------- notification choices ----------

  const subscribeScreen = async (ctx: BotContext, userId: number) => {
    const chosen = await service.subscriptionsOf(userId);
    const keyboard = new InlineKeyboard();
    for (const status of SUBSCRIBABLE_STATUSES) {
      keyboard.text(`${chosen.includes(status) ? '✅' : '⬜'} ${messages.statusLabel(status, ctx.locale)}`, `co:sub:${status}`).row();
    }
    if (deps.resubscribeToNews) keyboard.text(ctx.t('co-subscribe-news'), 'co:news').row();
    keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    return { text: ctx.t('co-subscribe-title'), keyboard };
  };

  composer.callbackQuery('co:news', async (ctx) => {
    if (!deps.resubscribeToNews) return stale(ctx);
    await deps.resubscribeToNews(ctx.from.id);
    await ctx.answerCallbackQuery({ text: ctx.t('co-subscribe-news-done'), show_alert: true });
  });

  composer.callbackQuery('custom-orders:subscribe', async (ctx) => {
    await ctx.answerCallbackQuery();
    const screen = await subscribeScreen(ctx, ctx.from.id);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  composer.callbackQuery(/^co:sub:([a-z_]{1,16})$/, async (ctx) => {
    const status = ctx.match[1] as string;
    if (!(SUBSCRIBABLE_STATUSES as readonly string[]).includes(status)) return stale(ctx);
    const chosen = await service.toggleSubscription(ctx.from.id, status);
    await ctx.answerCallbackQuery({
      text: ctx.t(chosen.includes(status as never) ? 'co-subscribe-on' : 'co-subscribe-off', { status: messages.statusLabel(status, ctx.locale) }),
    });
    const screen = await subscribeScreen(ctx, ctx.from.id);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  });

  // ---------- staff ----------

  const redrawStaffCard = async (ctx: BotContext, order: CustomOrder, notice: string) => {
    await ctx.answerCallbackQuery({ text: notice });
    await editOrReply(ctx, messages.staffCardText(order, staffReader(ctx)), { reply_markup: toKeyboard(messages.staffKeyboard(order, staffReader(ctx))) });
  };

  composer.callbackQuery(/^co:st:(\d{1,12}):([a-z_]{1,16}):([a-z_]{1,16})$/, async (ctx) => {
    const orderId = Number(ctx.match[1]);
    const from = ctx.match[2] as string;
    const to = ctx.match[3] as string;
    if (!(CUSTOM_ORDER_STATUSES as readonly string[]).includes(to)) return stale(ctx);
    const order = await service.get(orderId);
    if (!order) return stale(ctx);
    if (await refuseNonAdmin(ctx)) return;
    if (order.status !== from) {
      await redrawStaffCard(ctx, order, ctx.t('co-status-stale', { status: messages.statusLabel(order.status, ctx.locale) }));
      return;
    }
    try {
      if (to === 'refunded') {
        // The payment goes back first; its refund moves the order and tells the customer.
        const { order: refunded, refundPending } = await service.refundOrder(orderId, { role: 'staff', id: ctx.from.id }, { expectedFrom: from });
        const notice = refundPending ? ctx.t('co-refund-pending', { number: refunded.number }) : ctx.t('co-status-set', { number: refunded.number, status: messages.statusLabel(refunded.status, ctx.locale) });
        await redrawStaffCard(ctx, refunded, notice);
        return;
      }
      const moved = await service.changeStatus(orderId, to, { role: 'staff', id: ctx.from.id }, { expectedFrom: from });
      await redrawStaffCard(ctx, moved, ctx.t('co-status-set', { number: moved.number, status: messages.statusLabel(moved.status, ctx.locale) }));
    } catch (error) {
      if (!(error instanceof CustomOrdersError)) throw error;
      const current = (await service.get(orderId)) ?? order;
      const notice = error.code === 'custom_orders.refund_failed' ? ctx.t('co-refund-failed', { number: current.number }) : ctx.t('co-status-stale', { status: messages.statusLabel(current.status, ctx.locale) });
      await redrawStaffCard(ctx, current, notice);
    }
  });

  composer.callbackQuery(/^co:(qa|msg):(\d{1,12})$/, async (ctx) => {
    const order = await service.get(Number(ctx.match[2]));
    if (!order) return stale(ctx);
    if (await refuseNonAdmin(ctx)) return;
    const step = ctx.match[1] === 'qa' ? 'quote' : 'message';
    if (step === 'quote' && !(QUOTABLE_STATUSES as readonly string[]).includes(order.status)) {
      await ctx.answerCallbackQuery({ text: ctx.t('co-staff-price-locked', { status: messages.statusLabel(order.status, ctx.locale) }), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await startFlow(ctx, { name: STAFF_FLOW, version: 1 }, step, { orderId: order.id, staffId: ctx.from.id } satisfies StaffFlowData);
    const current = order.total_minor === null ? '—' : messages.money(order.total_minor, order.currency, ctx.locale);
    await ctx.reply(step === 'quote' ? ctx.t('co-staff-ask-price', { number: order.number, currency, current }) : ctx.t('co-staff-ask-message', { number: order.number }));
  });

  const staffFlowDefinition = defineFlow<StaffFlowData>({
    name: STAFF_FLOW,
    version: 1,
    steps: {
      quote: {
        async onMessage(ctx, control) {
          // In a staff group only the member who pressed the button answers.
          if (ctx.from?.id !== control.data.staffId) return;
          const parsed = parsePriceInput(ctx.message?.text ?? '', currency);
          if (!parsed) {
            await ctx.reply(ctx.t('co-staff-price-invalid', { currency }));
            return;
          }
          control.leave();
          try {
            const order = await service.adjustQuote(control.data.orderId, parsed.amountMinor, { role: 'staff', id: ctx.from.id }, { note: parsed.note });
            await ctx.reply(ctx.t('co-staff-price-set', { number: order.number, price: messages.money(parsed.amountMinor, order.currency, ctx.locale) }), {
              reply_markup: toKeyboard(messages.staffKeyboard(order, staffReader(ctx))),
            });
          } catch (error) {
            if (!(error instanceof CustomOrdersError)) throw error;
            await ctx.reply(ctx.t('co-action-not-possible'));
          }
        },
      },
      message: {
        async onMessage(ctx, control) {
          if (ctx.from?.id !== control.data.staffId) return;
          const text = ctx.message?.text?.trim();
          if (!text) {
            await ctx.reply(ctx.t('co-flow-comment-text'));
            return;
          }
          control.leave();
          const order = await service.messageCustomer(control.data.orderId, text);
          await ctx.reply(ctx.t('co-staff-message-sent', { number: order.number }));
        },
      },
    },
  });

  /** The print jobs' section of `/stats`: by status, then orders, paid orders, revenue and money received per period. */
  async function statsLines(locale: Locale): Promise<string[]> {
    const stats = await service.stats();
    const lines = [messages.t(locale, 'co-stats-title'), messages.t(locale, 'co-stats-by-status')];
    for (const status of CUSTOM_ORDER_STATUSES) {
      const count = stats.byStatus.find((item) => item.status === status)?.count ?? 0;
      if (count > 0) lines.push(`• ${messages.statusLabel(status, locale)}: ${count}`);
    }
    if (stats.byStatus.length === 0) lines.push(messages.t(locale, 'co-stats-none'));
    for (const period of stats.periods) {
      const revenue = period.revenue.length === 0 ? messages.money(0, currency, locale) : period.revenue.map((item) => messages.money(item.totalMinor, item.currency, locale)).join(' + ');
      const received = period.received.map((item) => messages.money(item.amount, item.currency, locale)).join(' + ') || '—';
      lines.push('', messages.t(locale, `co-stats-period-${period.key}`), messages.t(locale, 'co-stats-period-line', { orders: period.orders, paid: period.paidOrders, revenue, received }));
    }
    return lines;
  }

  return { composer, flows: [orderFlowDefinition, staffFlowDefinition], guard: guard.middleware(), screens };
}
