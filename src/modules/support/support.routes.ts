import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { describeIssues } from '../../platform/route.ts';
import { noteAudit } from '../../platform/audit.ts';
import { staffOf } from '../../platform/principal.ts';
import { MAX_SUPPORT_TEXT, SupportError, type SupportService } from './support.service.ts';

const STATUSES = ['open', 'answered', 'closed'] as const;
const listQuery = z.object({
  status: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(z.enum(STATUSES)).max(3))
    .optional(),
  page: z.coerce.number().int().min(1).max(9999).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
const userParams = z.object({ userId: z.coerce.number().int().positive().max(2 ** 52) });
const replyBody = z.object({ text: z.string().trim().min(1).max(MAX_SUPPORT_TEXT) });

const STATUS_CODES: Record<string, number> = { 'support.not_found': 404, 'support.closed': 409, 'support.empty': 400, 'support.too_long': 400, 'support.unavailable': 503 };

/** How the inbox names a customer. */
export interface SupportCustomer {
  name: string;
  username: string | null;
}

/**
 * The shop's support inbox under `/api/support` (behind the admin gate): conversations by
 * status, one conversation, an answer (delivered in the bot through the outbox) and closing.
 */
export function createSupportRoutes(deps: { support: SupportService; customerOf(userId: number): Promise<SupportCustomer | undefined> }): FastifyPluginAsync {
  const { support } = deps;
  const fail = (reply: FastifyReply, error: unknown) => {
    if (error instanceof SupportError) return reply.code(STATUS_CODES[error.code] ?? 400).send({ error: error.code, message: error.message });
    throw error;
  };
  const invalid = (reply: FastifyReply, error: z.ZodError) => reply.code(400).send({ error: 'support.invalid_request', message: describeIssues(error.issues) });

  return async (app) => {
    app.get('/', async (request, reply) => {
      const query = listQuery.safeParse(request.query);
      if (!query.success) return invalid(reply, query.error);
      const { threads, window } = await support.threads(query.data.status, query.data.page, query.data.pageSize);
      const named = await Promise.all(threads.map(async (thread) => ({ ...thread, customer: (await deps.customerOf(thread.userId)) ?? null })));
      return { threads: named, page: window.page, pages: window.pages, total: window.total };
    });

    app.get('/:userId', async (request, reply) => {
      const params = userParams.safeParse(request.params);
      if (!params.success) return invalid(reply, params.error);
      const found = await support.thread(params.data.userId);
      if (!found) return reply.code(404).send({ error: 'support.not_found', message: 'This customer has not written to support.' });
      return {
        thread: { userId: Number(found.thread.user_id), status: found.thread.status, lastMessageAt: found.thread.last_message_at, updatedAt: found.thread.updated_at, closedAt: found.thread.closed_at },
        customer: (await deps.customerOf(params.data.userId)) ?? null,
        entries: found.entries,
      };
    });

    app.post('/:userId/reply', async (request, reply) => {
      const params = userParams.safeParse(request.params);
      const body = replyBody.safeParse(request.body);
      if (!params.success) return invalid(reply, params.error);
      if (!body.success) return invalid(reply, body.error);
      const { staff } = staffOf(request);
      try {
        const thread = await support.reply(params.data.userId, body.data.text, { id: `staff:${staff.id}`, name: staff.displayName });
        noteAudit(request, { subject: { type: 'user', id: params.data.userId }, summary: { length: body.data.text.length } });
        return { status: thread.status };
      } catch (error) {
        return fail(reply, error);
      }
    });

    app.post('/:userId/close', async (request, reply) => {
      const params = userParams.safeParse(request.params);
      if (!params.success) return invalid(reply, params.error);
      try {
        const thread = await support.close(params.data.userId);
        noteAudit(request, { subject: { type: 'user', id: params.data.userId } });
        return { status: thread.status };
      } catch (error) {
        return fail(reply, error);
      }
    });
  };
}
