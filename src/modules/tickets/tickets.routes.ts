import { z } from 'zod';
import { route, type AnyApiRoute } from '../../platform/route.ts';
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

/**
 * The support inbox for the admin panel: tickets by status, one conversation, answering
 * (delivered to the patient in the bot) and closing. Answers and closings record the
 * logged-in staff member by the name the panel shows.
 */
export function createTicketsRoutes(deps: { tickets: TicketsService }): AnyApiRoute[] {
  return [
    route({
      method: 'GET',
      url: '/',
      summary: 'Tickets by status, newest activity first',
      query: listQuery,
      handler: async ({ query }) => {
        const { status, page, pageSize } = query;
        const tickets = await deps.tickets.list(status, pageSize, (page - 1) * pageSize);
        const total = await deps.tickets.count(status);
        const named = await Promise.all(tickets.map(async (ticket) => ({ ...ticket, who: await deps.tickets.describeUser(ticket.user_id) })));
        return { tickets: named, page, pages: Math.max(1, Math.ceil(total / pageSize)), total };
      },
    }),
    route({
      method: 'GET',
      url: '/:id',
      summary: 'One ticket with its conversation',
      params: idParams,
      handler: async ({ params }) => {
        const ticket = await deps.tickets.get(params.id);
        if (!ticket) throw new TicketsError('tickets.not_found', 'There is no such ticket.');
        return { ticket, who: await deps.tickets.describeUser(ticket.user_id), messages: await deps.tickets.thread(ticket.id, 200) };
      },
    }),
    route({
      method: 'POST',
      url: '/:id/reply',
      summary: 'Answers a ticket; the answer reaches the patient in the bot',
      params: idParams,
      body: replyBody,
      handler: async ({ params, body, principal }) => ({ ticket: await deps.tickets.staffReply(params.id, body.text, principal.staff.displayName.slice(0, 64)) }),
    }),
    route({
      method: 'POST',
      url: '/:id/close',
      summary: 'Closes a ticket',
      params: idParams,
      handler: async ({ params, principal }) => ({ ticket: await deps.tickets.close(params.id, { type: 'staff', id: principal.staff.displayName.slice(0, 64) }) }),
    }),
  ];
}
