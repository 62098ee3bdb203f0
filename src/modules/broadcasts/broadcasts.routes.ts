import { z } from 'zod';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { parseLocalDateTime } from '../../delivery/zoned-time.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { BroadcastError, type BroadcastsService } from './broadcasts.service.ts';
import type { BroadcastRow } from './broadcasts.tables.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const scheduleBody = z.object({
  /** An ISO time with offset (`2025-06-01T18:00:00+05:00`) or a local `YYYY-MM-DD HH:MM` in the business time zone. */
  at: z.string().min(4).max(40),
  progressChatId: z.number().int().optional(),
});
const previewBody = z.object({ chatId: z.number().int() });
const startBody = z.object({ progressChatId: z.number().int().optional() }).default({});
const segmentsQuery = z.object({ locale: z.enum(SUPPORTED_LOCALES).optional() });

/** A broadcast as the admin panel sees it. */
function view(row: BroadcastRow) {
  return {
    id: row.id,
    status: row.status,
    text: row.text,
    entities: row.entities ? (JSON.parse(row.entities) as unknown) : null,
    parseMode: row.parse_mode,
    photo: row.photo,
    buttons: JSON.parse(row.buttons) as unknown,
    unsubscribeButton: row.unsubscribe_button === 1,
    paid: row.paid === 1,
    audience: JSON.parse(row.audience) as unknown,
    audienceSize: row.audience_size,
    scheduledAt: row.scheduled_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    createdAt: row.created_at,
  };
}

/**
 * The admin API for broadcasts, under `/api/broadcasts`: drafts, their audience, a preview,
 * sending now or at a time, pausing, resuming and cancelling, and progress. Input no schema
 * accepts is `broadcasts.invalid` (the module's `invalidInputCode`).
 */
export function createBroadcastsRoutes(deps: { broadcasts: BroadcastsService; now(): number; i18n?: Translator; defaultLocale?: Locale }): AnyApiRoute[] {
  const { broadcasts } = deps;
  const actions = (['pause', 'resume', 'cancel'] as const).map((action) =>
    route({
      method: 'POST',
      url: `/:id/${action}`,
      summary: `${action[0]?.toUpperCase()}${action.slice(1)}s a broadcast`,
      params: idParams,
      handler: async ({ params }) => ({ broadcast: view(await broadcasts[action](params.id)) }),
    }),
  );
  return [
    route({ method: 'GET', url: '/', summary: 'Every broadcast, newest first', handler: async () => ({ broadcasts: (await broadcasts.list()).map(view) }) }),
    route({
      method: 'GET',
      url: '/segments',
      summary: 'The audiences a broadcast can have, with their labels in every panel language',
      query: segmentsQuery,
      handler: async ({ query }) => {
        // The composer shows a segment by its label, in the panel's language; all three come
        // along so that switching languages needs no second request.
        const titlesOf = (label: string) => Object.fromEntries(SUPPORTED_LOCALES.map((locale) => [locale, deps.i18n ? deps.i18n.t(locale, label) : label]));
        return {
          builtIn: ['everyone', 'language', 'tag', 'ids'],
          modules: broadcasts.segments().map((segment) => {
            const titles = titlesOf(segment.label);
            return { ...segment, title: titles[query.locale ?? deps.defaultLocale ?? 'ru'] ?? segment.label, titles };
          }),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/audience-size',
      summary: 'Counts an audience while the owner composes it',
      // Counting changes nothing: no audit entry for every recount.
      audit: false,
      handler: async ({ request }) => ({ size: await broadcasts.countAudience((request.body as { audience?: unknown } | undefined)?.audience) }),
    }),
    route({
      method: 'POST',
      url: '/',
      summary: 'Creates a draft (checked by the broadcasts service)',
      handler: async ({ request, reply }) => {
        const row = await broadcasts.createDraft(request.body);
        return reply.code(201).send({ broadcast: view(row), audienceSize: await broadcasts.countAudience(JSON.parse(row.audience)) });
      },
    }),
    route({
      method: 'GET',
      url: '/:id',
      summary: 'A broadcast with its delivery analytics',
      params: idParams,
      handler: async ({ params }) => {
        const row = await broadcasts.get(params.id);
        if (!row) throw new BroadcastError('broadcasts.not_found', `broadcast ${params.id} does not exist`);
        return { broadcast: view(row), analytics: await broadcasts.analytics(row.id) };
      },
    }),
    route({
      method: 'PATCH',
      url: '/:id',
      summary: 'Changes a draft',
      params: idParams,
      handler: async ({ params, request }) => ({ broadcast: view(await broadcasts.updateDraft(params.id, request.body)) }),
    }),
    route({
      method: 'POST',
      url: '/:id/preview',
      summary: 'Sends the broadcast to one chat to look at it',
      params: idParams,
      body: previewBody,
      handler: async ({ params, body, reply }) => {
        await broadcasts.preview(params.id, body.chatId);
        return reply.code(202).send({ queued: true });
      },
    }),
    route({
      method: 'POST',
      url: '/:id/send',
      summary: 'Starts sending now',
      params: idParams,
      body: startBody,
      handler: async ({ params, body }) => ({ broadcast: view(await broadcasts.start(params.id, body)) }),
    }),
    route({
      method: 'POST',
      url: '/:id/schedule',
      summary: 'Schedules sending at a time (ISO with offset, or local YYYY-MM-DD HH:MM)',
      params: idParams,
      body: scheduleBody,
      handler: async ({ params, body }) => {
        const at = /[zZ]|[+-]\d{2}:\d{2}$/.test(body.at) ? Date.parse(body.at) : parseLocalDateTime(body.at, broadcasts.timeZone, deps.now());
        if (at === undefined || Number.isNaN(at)) throw new BroadcastError('broadcasts.invalid', `at: expected an ISO time or YYYY-MM-DD HH:MM in ${broadcasts.timeZone}`);
        return { broadcast: view(await broadcasts.schedule(params.id, at, { progressChatId: body.progressChatId })) };
      },
    }),
    ...actions,
    route({
      method: 'GET',
      url: '/:id/progress',
      summary: 'How far a broadcast is and how long it still needs',
      params: idParams,
      handler: async ({ params }) => ({ progress: await broadcasts.progress(params.id) }),
    }),
  ];
}
