import { Composer, InlineKeyboard } from 'grammy';
import type { BusinessConfig, Locale } from '../../config/business.ts';
import { formatLocalDateTime, parseLocalDateTime } from '../../delivery/zoned-time.ts';
import type { BotContext } from '../../telegram/context.ts';
import { defineFlow, leaveFlow, startFlow, type FlowDefinition } from '../../telegram/flow.ts';
import {
  BroadcastError,
  TRACKED_BUTTON_PREFIX,
  UNSUBSCRIBE_PREFIX,
  type Audience,
  type BroadcastsService,
} from './broadcasts.service.ts';
import type { BroadcastButton, BroadcastRow } from './broadcasts.tables.ts';

/** Data the /broadcast flow keeps between messages. */
interface BroadcastFlowData extends Record<string, unknown> {
  broadcastId?: number;
  segment?: string;
  negate?: boolean;
}

const FLOW = { name: 'broadcasts.compose', version: 1 } as const;

/** What the bot side of broadcasts needs. */
export interface BroadcastsBotDeps {
  broadcasts: BroadcastsService;
  config: BusinessConfig;
  /** PAID_BROADCAST=on: show the paid-broadcast switch. */
  paidBroadcastAllowed: boolean;
  now(): number;
}

/**
 * `/broadcast` for admins — compose (text or photo, formatting kept) → buttons → audience →
 * preview → send now or schedule — plus the progress message's pause/resume/cancel buttons,
 * tracked buttons (presses counted once per user) and the unsubscribe button.
 */
export function createBroadcastsBot(deps: BroadcastsBotDeps): { composer: Composer<BotContext>; flow: FlowDefinition } {
  const { broadcasts } = deps;
  const composer = new Composer<BotContext>();

  const errorText = (ctx: BotContext, error: unknown): string => {
    if (!(error instanceof BroadcastError)) throw error;
    const key = {
      'broadcasts.invalid': 'broadcasts-error-invalid',
      'broadcasts.wrong_status': 'broadcasts-error-wrong-status',
      'broadcasts.past_time': 'broadcasts-error-past-time',
      'broadcasts.far_time': 'broadcasts-error-far-time',
      'broadcasts.unknown_segment': 'broadcasts-error-unknown-segment',
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

  const flow = defineFlow<BroadcastFlowData>({
    ...FLOW,
    steps: {
      compose: {
        async onMessage(ctx, state) {
          const message = ctx.message;
          if (!message) return;
          let input: Record<string, unknown>;
          if (message.photo && message.photo.length > 0) {
            const largest = message.photo[message.photo.length - 1];
            input = { text: message.caption ?? '', photo: largest?.file_id, ...(message.caption_entities ? { entities: message.caption_entities } : {}) };
            if (!message.caption) {
              await ctx.reply(ctx.t('broadcasts-compose-caption-needed'));
              return;
            }
          } else if (message.text) {
            input = { text: message.text, ...(message.entities ? { entities: message.entities } : {}) };
          } else {
            await ctx.reply(ctx.t('broadcasts-compose-unsupported'));
            return;
          }
          try {
            const row = await broadcasts.createDraft(input, { createdBy: ctx.from?.id });
            state.go('buttons', { broadcastId: row.id });
            await ctx.reply(ctx.t('broadcasts-buttons-prompt'), {
              reply_markup: new InlineKeyboard().text(ctx.t('broadcasts-button-no-buttons'), `bc:f:skip:${row.id}`),
            });
          } catch (error) {
            await ctx.reply(errorText(ctx, error));
          }
        },
      },
      buttons: {
        async onMessage(ctx, state) {
          const id = state.data.broadcastId as number;
          const parsed = parseButtonLines(ctx.message?.text ?? '');
          if (!parsed) {
            await ctx.reply(ctx.t('broadcasts-buttons-invalid'));
            return;
          }
          try {
            await broadcasts.updateDraft(id, { buttons: parsed.map((button) => [button]) });
          } catch (error) {
            await ctx.reply(errorText(ctx, error));
            return;
          }
          await askAudience(ctx, id);
        },
      },
      audience: {
        async onMessage(ctx, state) {
          await ctx.reply(ctx.t('broadcasts-audience-prompt'), { reply_markup: audienceKeyboard(ctx, state.data.broadcastId as number) });
        },
      },
      audience_tag: {
        async onMessage(ctx, state) {
          const tags = (ctx.message?.text ?? '').split(/[\s,]+/).map((tag) => tag.replace(/^#/, '').trim().toLowerCase()).filter(Boolean);
          if (tags.length === 0) {
            await ctx.reply(ctx.t('broadcasts-audience-tag-prompt'));
            return;
          }
          await setAudienceAndConfirm(ctx, state.data.broadcastId as number, { kind: 'tag', tags });
        },
      },
      audience_ids: {
        async onMessage(ctx, state) {
          const parts = (ctx.message?.text ?? '').split(/[\s,;]+/).filter(Boolean);
          const ids = parts.map(Number);
          if (ids.length === 0 || ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) {
            await ctx.reply(ctx.t('broadcasts-audience-ids-invalid'));
            return;
          }
          await setAudienceAndConfirm(ctx, state.data.broadcastId as number, { kind: 'ids', ids });
        },
      },
      audience_param: {
        async onMessage(ctx, state) {
          const segment = broadcasts.segments().find((item) => item.name === state.data.segment);
          const text = (ctx.message?.text ?? '').trim();
          if (!segment) {
            await askAudience(ctx, state.data.broadcastId as number);
            return;
          }
          const numeric = segment.parameter === 'days' || segment.parameter === 'amount';
          if (numeric && !/^\d{1,9}$/.test(text)) {
            await ctx.reply(ctx.t('broadcasts-audience-param-number'));
            return;
          }
          if (!numeric && (text.length === 0 || text.length > 100)) {
            await ctx.reply(ctx.t('broadcasts-audience-param-text'));
            return;
          }
          await setAudienceAndConfirm(ctx, state.data.broadcastId as number, {
            kind: 'segment',
            name: segment.name,
            parameter: numeric ? Number(text) : text,
            negate: state.data.negate === true,
          });
        },
      },
      confirm: {
        async onMessage(ctx) {
          await ctx.reply(ctx.t('broadcasts-confirm-use-buttons'));
        },
      },
      schedule: {
        async onMessage(ctx, state) {
          const id = state.data.broadcastId as number;
          const at = parseLocalDateTime(ctx.message?.text ?? '', broadcasts.timeZone, deps.now());
          if (at === undefined) {
            await ctx.reply(ctx.t('broadcasts-schedule-invalid', { timeZone: broadcasts.timeZone }));
            return;
          }
          try {
            await broadcasts.schedule(id, at, { progressChatId: ctx.chat?.id });
          } catch (error) {
            await ctx.reply(errorText(ctx, error));
            return;
          }
          state.leave();
          await ctx.reply(ctx.t('broadcasts-scheduled', { id, at: formatLocalDateTime(at, broadcasts.timeZone), timeZone: broadcasts.timeZone }));
        },
      },
    },
  });

  composer.command('broadcast', async (ctx) => {
    if (!ctx.isAdmin) {
      await ctx.reply(ctx.t('broadcasts-admins-only'));
      return;
    }
    if (ctx.chat.type !== 'private') {
      await ctx.reply(ctx.t('broadcasts-private-only'));
      return;
    }
    await startFlow(ctx, FLOW, 'compose', {});
    await ctx.reply(ctx.t('broadcasts-compose-prompt'));
  });

  // The composer's buttons: only admins, only for a broadcast still being composed.
  composer.callbackQuery(/^bc:f:([a-z]+):(\d{1,12})(?::([a-z0-9_]+))?(?::([01]))?$/, async (ctx) => {
    if (!ctx.isAdmin) {
      await ctx.answerCallbackQuery({ text: ctx.t('broadcasts-admins-only') });
      return;
    }
    const [, action, rawId, argument, flag] = ctx.match;
    const id = Number(rawId);
    const row = await broadcasts.get(id);
    if (!row || row.status !== 'draft') {
      await ctx.answerCallbackQuery({ text: ctx.t('menu-outdated') });
      return;
    }
    await ctx.answerCallbackQuery();
    switch (action) {
      case 'skip':
        await askAudience(ctx, id);
        return;
      case 'aud':
        if (argument === 'everyone') return setAudienceAndConfirm(ctx, id, { kind: 'everyone' });
        if (argument === 'language') {
          const keyboard = new InlineKeyboard();
          for (const locale of deps.config.business.locales) keyboard.text(LANGUAGE_NAMES[locale], `bc:f:lang:${id}:${locale}`);
          await ctx.reply(ctx.t('broadcasts-audience-language-prompt'), { reply_markup: keyboard });
          return;
        }
        if (argument === 'tag') {
          await startFlow(ctx, FLOW, 'audience_tag', { broadcastId: id });
          await ctx.reply(ctx.t('broadcasts-audience-tag-prompt'));
          return;
        }
        if (argument === 'ids') {
          await startFlow(ctx, FLOW, 'audience_ids', { broadcastId: id });
          await ctx.reply(ctx.t('broadcasts-audience-ids-prompt'));
          return;
        }
        return;
      case 'lang':
        if (!argument || !(deps.config.business.locales as readonly string[]).includes(argument)) return;
        return setAudienceAndConfirm(ctx, id, { kind: 'language', locales: [argument as Locale] });
      case 'seg': {
        const segment = broadcasts.segments()[Number(argument)];
        if (!segment) return;
        const negate = flag === '1';
        if (segment.parameter === 'none') return setAudienceAndConfirm(ctx, id, { kind: 'segment', name: segment.name, negate });
        await startFlow(ctx, FLOW, 'audience_param', { broadcastId: id, segment: segment.name, negate });
        await ctx.reply(ctx.t(`broadcasts-audience-param-${segment.parameter}`));
        return;
      }
      case 'unsub':
      case 'paid': {
        const updated = await broadcasts.updateDraft(id, action === 'unsub' ? { unsubscribeButton: row.unsubscribe_button !== 1 } : { paid: row.paid !== 1 });
        const size = await broadcasts.countAudience(JSON.parse(updated.audience));
        const screen = confirmScreen(ctx, updated, size);
        await ctx.editMessageText(screen.text, { reply_markup: screen.reply_markup }).catch(() => undefined);
        return;
      }
      case 'preview':
        await sendPreview(ctx, id);
        return;
      case 'sched':
        await startFlow(ctx, FLOW, 'schedule', { broadcastId: id });
        await ctx.reply(ctx.t('broadcasts-schedule-prompt', { timeZone: broadcasts.timeZone }));
        return;
      case 'send':
        try {
          const started = await broadcasts.start(id, { progressChatId: ctx.chat?.id });
          await leaveFlow(ctx);
          await ctx.editMessageText(ctx.t('broadcasts-started', { id, count: started.audience_size ?? 0 })).catch(() => undefined);
        } catch (error) {
          await ctx.reply(errorText(ctx, error));
        }
        return;
      case 'discard':
        await broadcasts.cancel(id);
        await leaveFlow(ctx);
        await ctx.editMessageText(ctx.t('broadcasts-discarded')).catch(() => undefined);
        return;
    }
  });

  // The progress message's buttons.
  composer.callbackQuery(/^bc:c:(pause|resume|cancel):(\d{1,12})$/, async (ctx) => {
    if (!ctx.isAdmin) {
      await ctx.answerCallbackQuery({ text: ctx.t('broadcasts-admins-only') });
      return;
    }
    const [, action, rawId] = ctx.match;
    const id = Number(rawId);
    try {
      if (action === 'pause') await broadcasts.pause(id);
      else if (action === 'resume') await broadcasts.resume(id);
      else await broadcasts.cancel(id);
      await ctx.answerCallbackQuery({ text: ctx.t(`broadcasts-${action}-done`) });
    } catch (error) {
      await ctx.answerCallbackQuery({ text: errorText(ctx, error).slice(0, 200) });
    }
  });

  composer.callbackQuery(new RegExp(`^${TRACKED_BUTTON_PREFIX}(\\d{1,12}):(\\d{1,3})$`), async (ctx, next) => {
    const result = await broadcasts.pressTracked(Number(ctx.match[1]), Number(ctx.match[2]), ctx.from.id);
    // A forged or stale button: the fallback gives a fresh menu.
    if (!result) return next();
    await ctx.answerCallbackQuery({ text: result.answer ?? ctx.t('broadcasts-button-thanks') });
  });

  composer.callbackQuery(new RegExp(`^${UNSUBSCRIBE_PREFIX}(\\d{1,12})$`), async (ctx) => {
    const broadcastId = Number(ctx.match[1]);
    const row = await broadcasts.get(broadcastId);
    await broadcasts.unsubscribe(ctx.from.id, row ? broadcastId : null);
    await ctx.answerCallbackQuery({ text: ctx.t('broadcasts-unsubscribed'), show_alert: true });
  });

  composer.command('subscribe', async (ctx) => {
    if (!ctx.from) return;
    await broadcasts.resubscribe(ctx.from.id);
    await ctx.reply(ctx.t('broadcasts-resubscribed'));
  });

  return { composer, flow };
}

/** Language names as their speakers write them. */
const LANGUAGE_NAMES: Record<Locale, string> = { ru: 'Русский', en: 'English', kk: 'Қазақша' };

/**
 * Reads the buttons an admin types, one per line: `Label | https://link` (or `Label - https://link`)
 * for a link, a bare `Label` for a tracked button. Undefined when a line is not valid.
 */
export function parseButtonLines(text: string): BroadcastButton[] | undefined {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length === 0 || lines.length > 10) return undefined;
  const buttons: BroadcastButton[] = [];
  for (const line of lines) {
    const match = /^(.+?)\s+[|-]\s+((?:https?|tg):\/\/\S+)$/.exec(line);
    const label = (match ? match[1] : line)?.trim() ?? '';
    if (label.length === 0 || label.length > 64) return undefined;
    if (!match && /(?:https?|tg):\/\//.test(line)) return undefined;
    buttons.push(match ? { text: label, url: match[2] as string } : { text: label, tracked: true });
  }
  return buttons;
}
