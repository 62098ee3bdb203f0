/**
 * The `/broadcast` flow's typed steps: the message (text or photo, formatting kept), its
 * buttons, the audience's tags, ids or segment parameter, and the time of a scheduled send.
 */
import { InlineKeyboard } from 'grammy';
import { formatLocalDateTime, parseLocalDateTime } from '../../delivery/zoned-time.ts';
import { defineFlow, type FlowDefinition } from '../../telegram/flow.ts';
import { FLOW, type BroadcastFlowData, type BroadcastsBotDeps, type BroadcastsBotScreens } from './broadcasts.bot.shared.ts';
import type { BroadcastButton } from './broadcasts.tables.ts';

/** The compose flow: what an admin types at each step. */
export function createComposeFlow(deps: BroadcastsBotDeps, screens: BroadcastsBotScreens): FlowDefinition {
  const { broadcasts } = deps;
  const { errorText, audienceKeyboard, askAudience, setAudienceAndConfirm } = screens;

  return defineFlow<BroadcastFlowData>({
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
}

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
