/**
 * The screens of the customer's ordering flow, one function per step: files → technology →
 * material → colour → infill → quantity → comment → deadline → summary (preview and quote).
 * Each moves the flow to its step and shows it; a step with one possible answer is skipped.
 */
import { InlineKeyboard, InputFile } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { startFlow, type FlowControl } from '../../telegram/flow.ts';
import { editOrReply } from '../../telegram/menu.ts';
import { ORDER_FLOW, type CustomOrdersBotDeps, type OrderFlowData } from './custom-orders.bot.shared.ts';
import { DownloadError, TELEGRAM_DOWNLOAD_LIMIT_BYTES, downloadTelegramFile } from './custom-orders.files.ts';
import { CAPTION_LIMIT, clip } from './custom-orders.messages.ts';
import { localised, offeredMaterials, offeredTechnologies, resolveChoice } from './custom-orders.settings.ts';
import { ModelError } from './mesh/errors.ts';
import { MODEL_FORMATS, formatOfFileName } from './mesh/model.ts';

type Control = FlowControl<OrderFlowData>;

/** What formats and size a model may have, in the user's language. */
export const acceptedText = (deps: CustomOrdersBotDeps, ctx: BotContext): string =>
  ctx.t('co-accepted-formats', { formats: MODEL_FORMATS.map((format) => format.toUpperCase()).join(', '), mb: deps.settings.maxFileMb });

const errorText = (deps: CustomOrdersBotDeps, ctx: BotContext, error: ModelError): string =>
  ctx.t(`co-error-${error.code.replace('.', '-')}`, { limitMb: deps.settings.maxFileMb, kind: '?', maxTriangles: 0, ...error.details, accepted: acceptedText(deps, ctx) });

const cancelRow = (ctx: BotContext, keyboard: InlineKeyboard) => keyboard.row().text(ctx.t('co-flow-cancel'), 'co:f:cancel');

/** "Done with files (n)" and "cancel". */
export const filesKeyboard = (ctx: BotContext, count: number): InlineKeyboard =>
  new InlineKeyboard().text(ctx.t('co-flow-files-done', { count }), 'co:f:next').row().text(ctx.t('co-flow-cancel'), 'co:f:cancel');

/** Starts a new order: the flow waits for model files. */
export async function startOrder(deps: CustomOrdersBotDeps, ctx: BotContext): Promise<void> {
  await startFlow(ctx, { name: ORDER_FLOW, version: 1 }, 'files', { files: [] } satisfies OrderFlowData);
  await ctx.reply(ctx.t('co-flow-send-files', { max: deps.settings.maxFiles }) + '\n' + acceptedText(deps, ctx), {
    reply_markup: new InlineKeyboard().text(ctx.t('co-flow-cancel'), 'co:f:cancel'),
  });
}

/** Downloads, checks and stores one document; replies with its measurements or what is wrong. */
export async function receiveDocument(deps: CustomOrdersBotDeps, ctx: BotContext, control: Control): Promise<void> {
  const { settings } = deps;
  const document = ctx.message?.document;
  if (!document || !ctx.from) return;
  const maxFileBytes = Math.min(TELEGRAM_DOWNLOAD_LIMIT_BYTES, Math.floor(settings.maxFileMb * 1024 * 1024));
  const fileName = document.file_name ?? 'model';
  if (control.data.files.length >= settings.maxFiles) {
    await ctx.reply(ctx.t('co-flow-too-many-files', { max: settings.maxFiles }), { reply_markup: filesKeyboard(ctx, control.data.files.length) });
    return;
  }
  if (!formatOfFileName(fileName)) {
    await ctx.reply(errorText(deps, ctx, new ModelError('model.unsupported_format', 'unsupported', { fileName: clip(fileName, 60) })));
    return;
  }
  if (document.file_size !== undefined && document.file_size > maxFileBytes) {
    const error = new ModelError('model.too_large', 'too large', { sizeMb: Math.round((document.file_size / 1048576) * 10) / 10, limitMb: settings.maxFileMb });
    await ctx.reply(errorText(deps, ctx, error));
    return;
  }
  await ctx.replyWithChatAction('typing').catch(() => undefined);
  let accepted;
  try {
    const bytes = await downloadTelegramFile(ctx.api, document.file_id, { maxBytes: maxFileBytes, fetch: deps.fetch });
    accepted = await deps.service.acceptFile({
      userId: ctx.from.id,
      fileName,
      telegramFileId: document.file_id,
      telegramFileUniqueId: document.file_unique_id,
      bytes,
    });
  } catch (error) {
    if (error instanceof ModelError) {
      await ctx.reply(`${clip(fileName, 60)}: ${errorText(deps, ctx, error)}`);
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
  const lines = [ctx.t('co-flow-file-accepted', { name: clip(fileName, 60) }), deps.messages.measurementsText(accepted.measurements, ctx.locale)];
  if (!accepted.measurements.isClosed) lines.push(ctx.t('co-flow-file-open-warning'));
  lines.push(ctx.t('co-flow-more-files'));
  await ctx.reply(lines.join('\n'), { reply_markup: filesKeyboard(ctx, files.length) });
}

export async function technologyScreen(deps: CustomOrdersBotDeps, ctx: BotContext, control: Control): Promise<void> {
  const technologies = offeredTechnologies(deps.settings);
  if (technologies.length === 1) {
    control.update({ technology: technologies[0]?.id });
    return materialScreen(deps, ctx, control);
  }
  control.go('technology');
  const keyboard = new InlineKeyboard();
  for (const technology of technologies) keyboard.text(localised(technology.title, ctx.locale), `co:f:tech:${technology.id}`).row();
  await editOrReply(ctx, ctx.t('co-flow-choose-technology'), { reply_markup: cancelRow(ctx, keyboard) });
}

export async function materialScreen(deps: CustomOrdersBotDeps, ctx: BotContext, control: Control): Promise<void> {
  control.go('material');
  const keyboard = new InlineKeyboard();
  for (const material of offeredMaterials(deps.settings, control.data.technology ?? '')) {
    keyboard.text(localised(material.title, ctx.locale), `co:f:mat:${material.id}`).row();
  }
  await editOrReply(ctx, ctx.t('co-flow-choose-material', { technology: deps.messages.technologyTitle(control.data.technology ?? '', ctx.locale) }), {
    reply_markup: cancelRow(ctx, keyboard),
  });
}

export async function colourScreen(deps: CustomOrdersBotDeps, ctx: BotContext, control: Control): Promise<void> {
  control.go('colour');
  const material = deps.settings.materials.find((item) => item.id === control.data.material);
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
  await editOrReply(ctx, ctx.t('co-flow-choose-colour', { material: deps.messages.materialTitle(control.data.material ?? '', ctx.locale) }), {
    reply_markup: cancelRow(ctx, keyboard),
  });
}

export async function infillScreen(deps: CustomOrdersBotDeps, ctx: BotContext, control: Control): Promise<void> {
  const technology = deps.settings.technologies.find((item) => item.id === control.data.technology);
  if (!technology || technology.infillPercents.length === 0) {
    control.update({ infill: null });
    return quantityScreen(deps, ctx, control);
  }
  control.go('infill');
  const keyboard = new InlineKeyboard();
  for (const percent of technology.infillPercents) {
    const label = percent === technology.defaultInfillPercent ? ctx.t('co-flow-infill-recommended', { percent }) : ctx.t('co-infill-value', { percent });
    keyboard.text(label, `co:f:inf:${percent}`);
  }
  await editOrReply(ctx, ctx.t('co-flow-choose-infill'), { reply_markup: cancelRow(ctx, keyboard) });
}

export async function quantityScreen(deps: CustomOrdersBotDeps, ctx: BotContext, control: Control): Promise<void> {
  const { settings } = deps;
  control.go('quantity');
  const keyboard = new InlineKeyboard();
  for (const quantity of settings.quantities.filter((item) => item <= settings.maxQuantity)) keyboard.text(String(quantity), `co:f:qty:${quantity}`);
  await editOrReply(ctx, ctx.t('co-flow-choose-quantity', { max: settings.maxQuantity }), { reply_markup: cancelRow(ctx, keyboard) });
}

export async function commentScreen(ctx: BotContext, control: Control): Promise<void> {
  control.go('comment');
  await editOrReply(ctx, ctx.t('co-flow-ask-comment'), { reply_markup: cancelRow(ctx, new InlineKeyboard().text(ctx.t('co-flow-skip'), 'co:f:skip')) });
}

export async function deadlineScreen(ctx: BotContext, control: Control): Promise<void> {
  control.go('deadline');
  await editOrReply(ctx, ctx.t('co-flow-ask-deadline'), { reply_markup: cancelRow(ctx, new InlineKeyboard().text(ctx.t('co-flow-skip'), 'co:f:skip')) });
}

/** The summary: coloured preview, choice, measurements, the quote and what to do next. */
export async function summaryScreen(deps: CustomOrdersBotDeps, ctx: BotContext, control: Control): Promise<void> {
  const { service, messages, settings } = deps;
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
    await technologyScreen(deps, ctx, control);
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
}
