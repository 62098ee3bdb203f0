/**
 * Tickets reported to the clinic's ERP (`connectors.clinic`): a new ticket is queued for the
 * ERP in the transaction that opens it and sent by the clinic ERP's outbox, under a key of the
 * ticket, until the ERP takes it; the id the ERP gives it is kept on the ticket. The ticket
 * works in Lavka the same whether the ERP is up or not.
 */
import type { ClinicErpService } from '../../clinic-erp/clinic-erp.service.ts';
import { erpCreated } from '../../clinic-erp/clinic-erp.contract.ts';
import { createTicketsRepository } from '../tickets.repository.ts';
import type { TicketsBackend } from './tickets.backend.ts';

/** The key the ERP knows a ticket's report by; the creation time keeps it unique if Lavka's ids start again. */
export function ticketReportKey(ticket: { id: number; created_at: number }): string {
  return `lavka-ticket-${ticket.id}-${ticket.created_at}`;
}

const KEY = /^lavka-ticket-(\d{1,15})-\d+$/;

/** The ERP as the clinic's record of support requests. */
export function createErpTicketsBackend(deps: { erp: Pick<ClinicErpService, 'send' | 'onDelivered'> }): TicketsBackend {
  deps.erp.onDelivered('supportTicket', async (executor, delivered) => {
    const ticketId = KEY.exec(delivered.idempotencyKey)?.[1];
    const answer = erpCreated.safeParse(delivered.answer);
    const externalId = answer.success ? (answer.data.ticket_id ?? answer.data.id) : undefined;
    if (ticketId !== undefined && externalId !== undefined) await createTicketsRepository(executor).setExternalId(Number(ticketId), externalId);
  });
  return {
    async opened(executor, ticket, text) {
      await deps.erp.send(executor, {
        operation: 'supportTicket',
        body: { telegram_user_id: ticket.user_id, subject: ticket.subject, message: text },
        idempotencyKey: ticketReportKey(ticket),
      });
    },
  };
}
