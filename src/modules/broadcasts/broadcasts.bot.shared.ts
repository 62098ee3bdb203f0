/**
 * What the parts of the broadcasts bot share: their dependencies, the compose flow's name and
 * stored data, and the screens more than one part shows (errors, the audience choice, the
 * confirmation, the preview).
 */
import { InlineKeyboard } from 'grammy';
import type { BusinessConfig } from '../../config/business.ts';
import type { BotContext } from '../../telegram/context.ts';
import { startFlow } from '../../telegram/flow.ts';
import { BroadcastError, type Audience, type BroadcastsService } from './broadcasts.service.ts';
import type { BroadcastRow } from './broadcasts.tables.ts';

/** Data the /broadcast flow keeps between messages. */
export interface BroadcastFlowData extends Record<string, unknown> {
  broadcastId?: number;
  segment?: string;
  negate?: boolean;
}

export const FLOW = { name: 'broadcasts.compose', version: 1 } as const;

/** What the bot side of broadcasts needs. */
export interface BroadcastsBotDeps {
  broadcasts: BroadcastsService;
  config: BusinessConfig;
  /** PAID_BROADCAST=on: show the paid-broadcast switch. */
  paidBroadcastAllowed: boolean;
  now(): number;
}

/** What the parts of the broadcasts bot share. */
export interface BroadcastsBotScreens {
  /** The admin's message for a refused action (rethrows anything but a `BroadcastError`). */
  errorText(ctx: BotContext, error: unknown): string;
  audienceKeyboard(ctx: BotContext, id: number): InlineKeyboard;
  askAudience(ctx: BotContext, id: number): Promise<void>;
  confirmScreen(ctx: BotContext, row: BroadcastRow, size: number): { text: string; reply_markup: InlineKeyboard };
  /** Sends the message exactly as recipients in the admin's language will see it. */
  sendPreview(ctx: BotContext, id: number): Promise<boolean>;
  /** After the audience is chosen: its size, the preview, then send / schedule. */
  setAudienceAndConfirm(ctx: BotContext, id: number, audience: Audience): Promise<void>;
}

/** The screens shared by the parts of the broadcasts bot. */
export function createBroadcastsBotScreens(deps: BroadcastsBotDeps): BroadcastsBotScreens {
  const { broadcasts } = deps;

  const errorText = (ctx: BotContext, error: unknown): string => {
    if (!(error instanceof BroadcastError)) throw error;
    const key = {
      'broadcasts.invalid': 'broadcasts-error-invalid',
      'broadcasts.wrong_status': 'broadcasts-error-wrong-status',
      'broadcasts.past_time': 'broadcasts-error-past-time',
      'broadcasts.far_time': 'broadcasts-error-far-time',
      'broadcasts.unknown_segment': 'broadcasts-error-unknown-segment',
      // Only the integration API sets business ids; the chat never meets this refusal.
      'broadcasts.external_id_taken': 'broadcasts-error-invalid',
      'broadcasts.not_found': 'menu-outdated',
    }[error.code];
    return ctx.t(key ?? 'error-generic', { details: error.message });
  };

  const describeAudience = (ctx: BotContext, audience: Audience): string => {
    switch (audience.kind) {
      case 'everyone':
        return ctx.t('broadcasts-audience-everyone');
      case 'language':
        return ctx.t('broadcasts-audience-language-is', { languages: audience.locales.join(', ') });
      case 'tag':
        return ctx.t('broadcasts-audience-tag-is', { tags: audience.tags.join(', ') });
      case 'ids':
        return ctx.t('broadcasts-audience-ids-are', { count: audience.ids.length });
      case 'segment': {
        const segment = broadcasts.segments().find((item) => item.name === audience.name);
        const label = segment ? ctx.t(segment.label) : audience.name;
        const text = audience.parameter === undefined ? label : `${label}: ${audience.parameter}`;
        return audience.negate ? ctx.t('broadcasts-audience-not', { segment: text }) : text;
      }
    }
  };

  const audienceKeyboard = (ctx: BotContext, id: number) => {
    const keyboard = new InlineKeyboard()
      .text(ctx.t('broadcasts-audience-everyone'), `bc:f:aud:${id}:everyone`)
      .text(ctx.t('broadcasts-audience-language'), `bc:f:aud:${id}:language`)
      .row()
      .text(ctx.t('broadcasts-audience-tag'), `bc:f:aud:${id}:tag`)
      .text(ctx.t('broadcasts-audience-ids'), `bc:f:aud:${id}:ids`)
      .row();
    broadcasts.segments().forEach((segment, index) => {
      keyboard
        .text(ctx.t(segment.label), `bc:f:seg:${id}:${index}:0`)
        .text(ctx.t('broadcasts-audience-not', { segment: ctx.t(segment.label) }), `bc:f:seg:${id}:${index}:1`)
        .row();
    });
    return keyboard.text(ctx.t('broadcasts-button-discard'), `bc:f:discard:${id}`);
  };

  const askAudience = async (ctx: BotContext, id: number) => {
    await startFlow(ctx, FLOW, 'audience', { broadcastId: id });
    await ctx.reply(ctx.t('broadcasts-audience-prompt'), { reply_markup: audienceKeyboard(ctx, id) });
  };

  const confirmScreen = (ctx: BotContext, row: BroadcastRow, size: number) => {
    const keyboard = new InlineKeyboard()
      .text(ctx.t('broadcasts-button-send-now'), `bc:f:send:${row.id}`)
      .text(ctx.t('broadcasts-button-schedule'), `bc:f:sched:${row.id}`)
      .row()
      .text(ctx.t(row.unsubscribe_button ? 'broadcasts-button-unsubscribe-on' : 'broadcasts-button-unsubscribe-off'), `bc:f:unsub:${row.id}`)
      .row();
    if (deps.paidBroadcastAllowed) {
      keyboard.text(ctx.t(row.paid ? 'broadcasts-button-paid-on' : 'broadcasts-button-paid-off'), `bc:f:paid:${row.id}`).row();
    }
    keyboard.text(ctx.t('broadcasts-button-preview'), `bc:f:preview:${row.id}`).text(ctx.t('broadcasts-button-discard'), `bc:f:discard:${row.id}`);
    const audience = JSON.parse(row.audience) as Audience;
    return { text: ctx.t('broadcasts-confirm', { id: row.id, size, audience: describeAudience(ctx, audience) }), reply_markup: keyboard };
  };

  /** Sends the message exactly as recipients in the admin's language will see it. */
  const sendPreview = async (ctx: BotContext, id: number): Promise<boolean> => {
    const { method, payload } = await broadcasts.render(id, ctx.locale);
    const { allow_paid_broadcast: _paid, ...rest } = payload;
    try {
      const raw = ctx.api.raw as unknown as Record<string, (params: Record<string, unknown>) => Promise<unknown>>;
      await raw[method]!({ chat_id: ctx.chat?.id, ...rest });
      return true;
    } catch (error) {
      await ctx.reply(ctx.t('broadcasts-preview-failed', { details: (error as Error).message.slice(0, 300) }));
      return false;
    }
  };

  /** After the audience is chosen: its size, the preview, then send / schedule. */
  const setAudienceAndConfirm = async (ctx: BotContext, id: number, audience: Audience) => {
    let row: BroadcastRow;
    let size: number;
    try {
      row = await broadcasts.updateDraft(id, { audience });
      size = await broadcasts.countAudience(audience);
    } catch (error) {
      await ctx.reply(errorText(ctx, error));
      return;
    }
    if (size === 0) {
      await ctx.reply(ctx.t('broadcasts-audience-empty'), { reply_markup: audienceKeyboard(ctx, id) });
      return;
    }
    await startFlow(ctx, FLOW, 'confirm', { broadcastId: id });
    await ctx.reply(ctx.t('broadcasts-preview-title'));
    if (!(await sendPreview(ctx, id))) return;
    await ctx.reply(confirmScreen(ctx, row, size).text, { reply_markup: confirmScreen(ctx, row, size).reply_markup });
  };

  return { errorText, audienceKeyboard, askAudience, confirmScreen, sendPreview, setAudienceAndConfirm };
}
