import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
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

const STATUS_OF: Record<string, number> = {
  'broadcasts.not_found': 404,
  'broadcasts.invalid': 400,
  'broadcasts.unknown_segment': 400,
  'broadcasts.past_time': 400,
  'broadcasts.far_time': 400,
  'broadcasts.wrong_status': 409,
};

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
 * The admin API for broadcasts, under `/api/broadcasts`. Mounted as the module's `routes`,
 * so every route sits behind the admin login (staff session, role, CSRF).
 */
export function createBroadcastsRoutes(deps: { broadcasts: BroadcastsService; now(): number; i18n?: Translator; defaultLocale?: Locale }): FastifyPluginAsync {
  const { broadcasts } = deps;
  const fail = (reply: FastifyReply, error: unknown) => {
    if (error instanceof BroadcastError) return reply.code(STATUS_OF[error.code] ?? 400).send({ error: error.code, message: error.message });
    throw error;
  };
  const badRequest = (reply: FastifyReply, issues: z.core.$ZodIssue[]) =>
    reply.code(400).send({ error: 'broadcasts.invalid', message: issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ') });

  return async (app) => {
    app.get('/', async () => ({ broadcasts: (await broadcasts.list()).map(view) }));

    app.get('/segments', async (request, reply) => {
      const query = segmentsQuery.safeParse(request.query);
      if (!query.success) return badRequest(reply, query.error.issues);
      // The composer shows a segment by its label, in the panel's language; all three come
      // along so that switching languages needs no second request.
      const titlesOf = (label: string) => Object.fromEntries(SUPPORTED_LOCALES.map((locale) => [locale, deps.i18n ? deps.i18n.t(locale, label) : label]));
      return {
        builtIn: ['everyone', 'language', 'tag', 'ids'],
        modules: broadcasts.segments().map((segment) => {
          const titles = titlesOf(segment.label);
          return { ...segment, title: titles[query.data.locale ?? deps.defaultLocale ?? 'ru'] ?? segment.label, titles };
        }),
      };
    });

    // Counting an audience changes nothing: no audit entry for every recount while composing.
    app.post('/audience-size', { config: { audit: false } }, async (request, reply) => {
      try {
        return { size: await broadcasts.countAudience((request.body as { audience?: unknown } | undefined)?.audience) };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.post('/', async (request, reply) => {
      try {
        const row = await broadcasts.createDraft(request.body);
        return reply.code(201).send({ broadcast: view(row), audienceSize: await broadcasts.countAudience(JSON.parse(row.audience)) });
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.get('/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return badRequest(reply, params.error.issues);
      const row = await broadcasts.get(params.data.id);
      if (!row) return reply.code(404).send({ error: 'broadcasts.not_found', message: `broadcast ${params.data.id} does not exist` });
      return { broadcast: view(row), analytics: await broadcasts.analytics(row.id) };
    });

    app.patch('/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return badRequest(reply, params.error.issues);
      try {
        return { broadcast: view(await broadcasts.updateDraft(params.data.id, request.body)) };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.post('/:id/preview', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = previewBody.safeParse(request.body);
      if (!params.success) return badRequest(reply, params.error.issues);
      if (!body.success) return badRequest(reply, body.error.issues);
      try {
        await broadcasts.preview(params.data.id, body.data.chatId);
        return reply.code(202).send({ queued: true });
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.post('/:id/send', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = startBody.safeParse(request.body ?? {});
      if (!params.success) return badRequest(reply, params.error.issues);
      if (!body.success) return badRequest(reply, body.error.issues);
      try {
        return { broadcast: view(await broadcasts.start(params.data.id, body.data)) };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.post('/:id/schedule', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = scheduleBody.safeParse(request.body);
      if (!params.success) return badRequest(reply, params.error.issues);
      if (!body.success) return badRequest(reply, body.error.issues);
      const at = /[zZ]|[+-]\d{2}:\d{2}$/.test(body.data.at) ? Date.parse(body.data.at) : parseLocalDateTime(body.data.at, broadcasts.timeZone, deps.now());
      if (at === undefined || Number.isNaN(at)) {
        return reply.code(400).send({ error: 'broadcasts.invalid', message: `at: expected an ISO time or YYYY-MM-DD HH:MM in ${broadcasts.timeZone}` });
      }
      try {
        return { broadcast: view(await broadcasts.schedule(params.data.id, at, { progressChatId: body.data.progressChatId })) };
      } catch (error) {
        return fail(reply, error);
      }
    });

    for (const action of ['pause', 'resume', 'cancel'] as const) {
      app.post(`/:id/${action}`, async (request, reply) => {
        const params = idParams.safeParse(request.params);
        if (!params.success) return badRequest(reply, params.error.issues);
        try {
          return { broadcast: view(await broadcasts[action](params.data.id)) };
        } catch (error) {
          return fail(reply, error);
        }
      });
    }

    app.get('/:id/progress', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return badRequest(reply, params.error.issues);
      try {
        return { progress: await broadcasts.progress(params.data.id) };
      } catch (error) {
        return fail(reply, error);
      }
    });
  };
}
