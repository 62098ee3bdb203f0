import type { Insertable } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { TicketMessageRecord, TicketMessagesTable, TicketRecord, TicketStatus, TicketsTable } from './tickets.tables.ts';

/** SQL for the tickets and ticket_messages tables. */
export function createTicketsRepository(db: DbExecutor) {
  return {
    async setExternalId(id: number, externalId: string): Promise<void> {
      await db.updateTable('tickets').set({ external_id: externalId }).where('id', '=', id).execute();
    },

    insert(row: Insertable<TicketsTable>): Promise<TicketRecord> {
      return db.insertInto('tickets').values(row).returningAll().executeTakeFirstOrThrow();
    },

    find(id: number): Promise<TicketRecord | undefined> {
      return db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Moves a ticket to `status` from one of `from`; undefined when it was elsewhere. */
    setStatus(id: number, from: readonly TicketStatus[], status: TicketStatus, nowMs: number): Promise<TicketRecord | undefined> {
      return db
        .updateTable('tickets')
        .set({ status, updated_at: nowMs, closed_at: status === 'closed' ? nowMs : null })
        .where('id', '=', id)
        .where('status', 'in', from)
        .returningAll()
        .executeTakeFirst();
    },

    addMessage(row: Insertable<TicketMessagesTable>): Promise<TicketMessageRecord> {
      return db.insertInto('ticket_messages').values(row).returningAll().executeTakeFirstOrThrow();
    },

    messagesOf(ticketId: number, limit: number): Promise<TicketMessageRecord[]> {
      return db.selectFrom('ticket_messages').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },

    listForUser(userId: number, limit: number): Promise<TicketRecord[]> {
      return db.selectFrom('tickets').selectAll().where('user_id', '=', userId).orderBy('updated_at', 'desc').limit(limit).execute();
    },

    async count(statuses: readonly TicketStatus[] | undefined): Promise<number> {
      let query = db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n'));
      if (statuses && statuses.length > 0) query = query.where('status', 'in', statuses);
      return Number((await query.executeTakeFirstOrThrow()).n);
    },

    list(statuses: readonly TicketStatus[] | undefined, limit: number, offset: number): Promise<TicketRecord[]> {
      let query = db.selectFrom('tickets').selectAll();
      if (statuses && statuses.length > 0) query = query.where('status', 'in', statuses);
      return query.orderBy('updated_at', 'desc').limit(limit).offset(offset).execute();
    },
  };
}
