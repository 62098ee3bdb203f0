import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { staffOf } from '../../platform/principal.ts';
import { TicketsError, type TicketsService } from './tickets.service.ts';

const STATUSES = ['open', 'answered', 'closed'] as const;
const listQuery = z.object({
  status: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(z.enum(STATUSES)))
    .optional(),
  page: z.coerce.number().int().min(1).max(9999).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });
const replyBody = z.object({ text: z.string().min(1).max(3500) });

const STATUS_CODES: Record<string, number> = { 'tickets.not_found': 404, 'tickets.closed': 409, 'tickets.empty': 400, 'tickets.too_long': 400 };

/**
 * The support inbox for the admin panel: tickets by status, one conversation, answering
 * (delivered to the patient in the bot) and closing.
 * // admin-only: mounted under /api/tickets, which the admin panel's auth wraps.
 */
export function createTicketsRoutes(deps: { tickets: TicketsService }): FastifyPluginAsync {
  return async (app) => {
    const fail = (reply: FastifyReply, error: unknown) => {
      if (error instanceof TicketsError) return reply.code(STATUS_CODES[error.code] ?? 400).send({ error: error.code, message: error.message });
      throw error;
    };

    // admin-only
    app.get('/', async (request, reply) => {
      const query = listQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'tickets.invalid_query' });
      const { status, page, pageSize } = query.data;
      const tickets = await deps.tickets.list(status, pageSize, (page - 1) * pageSize);
      const total = await deps.tickets.count(status);
      const named = await Promise.all(tickets.map(async (ticket) => ({ ...ticket, who: await deps.tickets.describeUser(ticket.user_id) })));
      return { tickets: named, page, pages: Math.max(1, Math.ceil(total / pageSize)), total };
    });

    // admin-only
    app.get('/:id', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'tickets.invalid_id' });
      const ticket = await deps.tickets.get(params.data.id);
      if (!ticket) return reply.code(404).send({ error: 'tickets.not_found' });
      return { ticket, who: await deps.tickets.describeUser(ticket.user_id), messages: await deps.tickets.thread(ticket.id, 200) };
    });

    // admin-only
    app.post('/:id/reply', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = replyBody.safeParse(request.body);
      if (!params.success || !body.success) return reply.code(400).send({ error: 'tickets.invalid_request' });
      try {
        // The message records who answered: the logged-in staff member, by the name the panel shows.
        return { ticket: await deps.tickets.staffReply(params.data.id, body.data.text, staffOf(request).staff.displayName.slice(0, 64)) };
      } catch (error) {
        return fail(reply, error);
      }
    });

    // admin-only
    app.post('/:id/close', async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'tickets.invalid_id' });
      try {
        return { ticket: await deps.tickets.close(params.data.id, { type: 'staff', id: staffOf(request).staff.displayName.slice(0, 64) }) };
      } catch (error) {
        return fail(reply, error);
      }
    });
  };
}
