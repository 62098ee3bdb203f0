import { z } from 'zod';
import { noteAudit } from '../../platform/audit.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
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

/** How the inbox names a customer. */
export interface SupportCustomer {
  name: string;
  username: string | null;
}

/**
 * The shop's support inbox under `/api/support`: conversations by status, one conversation,
 * an answer (delivered in the bot through the outbox) and closing.
 */
export function createSupportRoutes(deps: { support: SupportService; customerOf(userId: number): Promise<SupportCustomer | undefined> }): AnyApiRoute[] {
  const { support } = deps;
  return [
    route({
      method: 'GET',
      url: '/',
      summary: 'Conversations by status, most recent first',
      query: listQuery,
      handler: async ({ query }) => {
        const { threads, window } = await support.threads(query.status, query.page, query.pageSize);
        const named = await Promise.all(threads.map(async (thread) => ({ ...thread, customer: (await deps.customerOf(thread.userId)) ?? null })));
        return { threads: named, page: window.page, pages: window.pages, total: window.total };
      },
    }),
    route({
      method: 'GET',
      url: '/:userId',
      summary: 'One customer’s conversation',
      params: userParams,
      handler: async ({ params }) => {
        const found = await support.thread(params.userId);
        if (!found) throw new SupportError('support.not_found', 'This customer has not written to support.');
        return {
          thread: { userId: Number(found.thread.user_id), status: found.thread.status, lastMessageAt: found.thread.last_message_at, updatedAt: found.thread.updated_at, closedAt: found.thread.closed_at },
          customer: (await deps.customerOf(params.userId)) ?? null,
          entries: found.entries,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/:userId/reply',
      summary: 'Answers a customer; the answer reaches them in the bot',
      params: userParams,
      body: replyBody,
      handler: async ({ params, body, principal, request }) => {
        const { staff } = principal;
        const thread = await support.reply(params.userId, body.text, { id: `staff:${staff.id}`, name: staff.displayName });
        noteAudit(request, { subject: { type: 'user', id: params.userId }, summary: { length: body.text.length } });
        return { status: thread.status };
      },
    }),
    route({
      method: 'POST',
      url: '/:userId/close',
      summary: 'Closes a conversation',
      params: userParams,
      handler: async ({ params, request }) => {
        const thread = await support.close(params.userId);
        noteAudit(request, { subject: { type: 'user', id: params.userId } });
        return { status: thread.status };
      },
    }),
  ];
}
