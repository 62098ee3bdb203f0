import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import { enqueueOutbox, type OutboxMessage } from '../../delivery/outbox.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { localTicketsBackend, type TicketsBackend } from './connectors/tickets.backend.ts';
import { createTicketsRepository } from './tickets.repository.ts';
import type { TicketMessageRecord, TicketRecord, TicketStatus } from './tickets.tables.ts';
import { type ErrorKind, refusalClass } from '../../platform/errors.ts';

const TICKETS_KINDS: Readonly<Record<TicketsErrorCode, ErrorKind>> = {
  'tickets.not_found': 'not_found',
  'tickets.closed': 'conflict',
  'tickets.empty': 'invalid',
  'tickets.too_long': 'invalid',
};

/** A ticket rule was broken (`tickets.not_found`, `tickets.closed`, `tickets.empty`). */
export class TicketsError extends refusalClass<TicketsErrorCode>('TicketsError', TICKETS_KINDS) {}

/** Every reason a ticket action is refused. */
export type TicketsErrorCode = 'tickets.not_found' | 'tickets.closed' | 'tickets.empty' | 'tickets.too_long';

/** Settings under `settings.tickets`. */
export const ticketsSettingsSchema = z
  .object({
    /** Longest message a patient or staff member may send (Telegram's limit is 4096 with the header). */
    maxTextLength: z.number().int().min(100).max(3500).default(2000),
  })
  .prefault({});

/** Validated tickets settings. */
export type TicketsSettings = z.infer<typeof ticketsSettingsSchema>;

/** The marker staff messages start with; a staff reply to such a message answers that ticket. */
export function ticketMarker(ticketId: number): string {
  return `🎫 #${ticketId}`;
}

/** Reads the ticket id from a staff message the bot sent, if it is one. */
export function ticketIdFromStaffMessage(text: string | undefined): number | undefined {
  const match = /^\u{1F3AB} #(\d{1,12})\b/u.exec(text ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Dependencies of the tickets service. */
export interface TicketsServiceDeps {
  db: Db;
  now(): number;
  settings: TicketsSettings;
  i18n: Translator;
  /** How staff see the patient: name, phone when known. Never called inside a transaction. */
  describeUser(userId: number): Promise<string>;
  /** The patient's language. Never called inside a transaction. */
  localeOf(userId: number): Promise<Locale>;
  /** Chats that receive staff alerts, each with the language it reads in, read through `executor` (the change's transaction). */
  staffChats(executor: DbExecutor): Promise<readonly { chatId: number; locale: Locale }[]>;
  /** Where else new tickets are recorded (the clinic's ERP); default: nowhere. */
  backend?: TicketsBackend;
}

/**
 * Support tickets: a patient's request goes to the staff chat; a staff member answers by
 * replying to it there (or from the admin panel) and the answer reaches the patient in the
 * bot. Statuses: open (waiting for staff), answered, closed. Every message and its delivery
 * commit together.
 */
export function createTicketsService(deps: TicketsServiceDeps) {
  const repository = createTicketsRepository(deps.db);
  const backend = deps.backend ?? localTicketsBackend;
  const { i18n } = deps;

  const checkText = (raw: string): string => {
    const text = raw.trim();
    if (!text) throw new TicketsError('tickets.empty', 'the message is empty');
    if (text.length > deps.settings.maxTextLength) throw new TicketsError('tickets.too_long', `at most ${deps.settings.maxTextLength} characters`);
    return text;
  };

  /** A notice for every staff chat, written by `render` in each chat's language, keyed so that it goes out once. */
  const staffMessages = async (executor: DbExecutor, ticketId: number, render: (locale: Locale) => string, key: string, withClose: boolean): Promise<OutboxMessage[]> =>
    (await deps.staffChats(executor)).map(({ chatId, locale }) => ({
      chatId,
      method: 'sendMessage',
      payload: {
        text: `${ticketMarker(ticketId)} ${render(locale)}`,
        ...(withClose ? { reply_markup: { inline_keyboard: [[{ text: i18n.t(locale, 'tickets-staff-button-close'), callback_data: `tk:sc:${ticketId}` }]] } } : {}),
      },
      priority: 'high',
      dedupeKey: `${key}:staff:${chatId}`,
    }));

  const service = {
    get: repository.find,
    listForUser: (userId: number, limit = 10) => repository.listForUser(userId, limit),
    list: (statuses?: readonly TicketStatus[], limit = 50, offset = 0) => repository.list(statuses, limit, offset),
    /** How many tickets have one of `statuses` (all of them without). */
    count: (statuses?: readonly TicketStatus[]) => repository.count(statuses),
    /** How staff see the patient (name and phone when registered), for the admin inbox. */
    describeUser: (userId: number) => deps.describeUser(userId),

    /** The conversation, oldest first (the last `limit` messages). */
    async thread(ticketId: number, limit = 20): Promise<TicketMessageRecord[]> {
      return (await repository.messagesOf(ticketId, limit)).reverse();
    },

    /** Opens a ticket with the patient's first message and tells the staff (and the clinic's ERP, when there is one). */
    async open(userId: number, raw: string): Promise<TicketRecord> {
      const text = checkText(raw);
      const who = await deps.describeUser(userId);
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createTicketsRepository(trx);
        const nowMs = deps.now();
        const ticket = await scoped.insert({ user_id: userId, status: 'open', subject: text.split('\n')[0]!.slice(0, 80), created_at: nowMs, updated_at: nowMs, closed_at: null, external_id: null });
        const message = await scoped.addMessage({ ticket_id: ticket.id, author: 'patient', author_id: String(userId), text, created_at: nowMs });
        const notice = (locale: Locale) => i18n.t(locale, 'tickets-staff-new', { who, text });
        await enqueueOutbox(trx, await staffMessages(trx, ticket.id, notice, `tickets:${ticket.id}:msg:${message.id}`, true), nowMs);
        await backend.opened(trx, ticket, text);
        return ticket;
      });
    },

    /** A patient writes again in their ticket: it is open again and the staff are told. */
    async patientMessage(ticketId: number, userId: number, raw: string): Promise<TicketRecord> {
      const text = checkText(raw);
      const ticket = await repository.find(ticketId);
      if (!ticket || ticket.user_id !== userId) throw new TicketsError('tickets.not_found', 'no such ticket');
      if (ticket.status === 'closed') throw new TicketsError('tickets.closed', 'the ticket is closed');
      const who = await deps.describeUser(userId);
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createTicketsRepository(trx);
        const nowMs = deps.now();
        const updated = await scoped.setStatus(ticketId, ['open', 'answered'], 'open', nowMs);
        if (!updated) throw new TicketsError('tickets.closed', 'the ticket is closed');
        const message = await scoped.addMessage({ ticket_id: ticketId, author: 'patient', author_id: String(userId), text, created_at: nowMs });
        const notice = (locale: Locale) => i18n.t(locale, 'tickets-staff-more', { who, text });
        await enqueueOutbox(trx, await staffMessages(trx, ticketId, notice, `tickets:${ticketId}:msg:${message.id}`, true), nowMs);
        return updated;
      });
    },

    /** A staff member answers: the patient gets it in the bot, the ticket is `answered`. */
    async staffReply(ticketId: number, raw: string, staffId: string): Promise<TicketRecord> {
      const text = checkText(raw);
      const ticket = await repository.find(ticketId);
      if (!ticket) throw new TicketsError('tickets.not_found', 'no such ticket');
      if (ticket.status === 'closed') throw new TicketsError('tickets.closed', 'the ticket is closed');
      const locale = await deps.localeOf(ticket.user_id);
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createTicketsRepository(trx);
        const nowMs = deps.now();
        const updated = await scoped.setStatus(ticketId, ['open', 'answered'], 'answered', nowMs);
        if (!updated) throw new TicketsError('tickets.closed', 'the ticket is closed');
        const message = await scoped.addMessage({ ticket_id: ticketId, author: 'staff', author_id: staffId, text, created_at: nowMs });
        await enqueueOutbox(
          trx,
          {
            chatId: ticket.user_id,
            method: 'sendMessage',
            payload: {
              text: i18n.t(locale, 'tickets-reply-received', { id: ticketId, text }),
              reply_markup: {
                inline_keyboard: [
                  [
                    { text: i18n.t(locale, 'tickets-button-reply'), callback_data: `tk:r:${ticketId}` },
                    { text: i18n.t(locale, 'tickets-button-close'), callback_data: `tk:c:${ticketId}` },
                  ],
                ],
              },
            },
            priority: 'high',
            dedupeKey: `tickets:${ticketId}:msg:${message.id}:patient`,
          },
          nowMs,
        );
        return updated;
      });
    },

    /** Closes a ticket; the other side is told. */
    async close(ticketId: number, actor: { type: 'patient'; id: number } | { type: 'staff'; id: string }): Promise<TicketRecord> {
      const ticket = await repository.find(ticketId);
      if (!ticket || (actor.type === 'patient' && ticket.user_id !== actor.id)) throw new TicketsError('tickets.not_found', 'no such ticket');
      const locale = await deps.localeOf(ticket.user_id);
      const who = actor.type === 'patient' ? await deps.describeUser(ticket.user_id) : '';
      return deps.db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const closed = await createTicketsRepository(trx).setStatus(ticketId, ['open', 'answered'], 'closed', nowMs);
        if (!closed) throw new TicketsError('tickets.closed', 'the ticket is closed already');
        if (actor.type === 'staff') {
          await enqueueOutbox(
            trx,
            { chatId: ticket.user_id, method: 'sendMessage', payload: { text: i18n.t(locale, 'tickets-closed-by-staff', { id: ticketId }) }, priority: 'normal', dedupeKey: `tickets:${ticketId}:closed:patient` },
            nowMs,
          );
        } else {
          const notice = (locale: Locale) => i18n.t(locale, 'tickets-staff-closed', { who });
          await enqueueOutbox(trx, await staffMessages(trx, ticketId, notice, `tickets:${ticketId}:closed`, false), nowMs);
        }
        return closed;
      });
    },
  };
  return service;
}

/** The tickets service's shape. */
export type TicketsService = ReturnType<typeof createTicketsService>;
