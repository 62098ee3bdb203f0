import type { BusinessConfig, Locale } from '../../config/business.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import { enqueueOutbox, type OutboxMessage } from '../../delivery/outbox.ts';
import { createSupportRepository } from './support.repository.ts';
import { pageWindow, type PageWindow } from '../../telegram/paginator.ts';
import type { SupportMessageRecord, SupportThreadRecord, SupportThreadStatus } from './support.tables.ts';
import { type ErrorKind, refusalClass } from '../../platform/errors.ts';
import type { Events } from '../../platform/events.ts';

/** Longest text forwarded in one message (Telegram's limit minus the header). */
export const MAX_SUPPORT_TEXT = 3500;

/** A customer message to pass on to the staff. */
export interface SupportMessageInput {
  userId: number;
  /** The sender's name and username, for the header staff read. */
  name: string;
  username?: string;
  chatId: number;
  messageId: number;
  kind: 'text' | 'photo' | 'document';
  text: string | null;
}

/** Builds the texts; supplied by the module, which knows the translations. */
export interface SupportTexts {
  /** The header line naming the sender, as HTML, in `locale` (the staff chat's) when given. */
  header(input: SupportMessageInput, locale?: Locale): string;
  /** A staff answer from the admin panel as the customer reads it (plain text). */
  reply?(locale: Locale, text: string): string;
  /** Tells the customer the staff closed the conversation. */
  closed?(locale: Locale): string;
  /** The button under an answer that lets the customer write again. */
  writeAgain?(locale: Locale): string;
}

const SUPPORT_KINDS: Readonly<Record<SupportErrorCode, ErrorKind>> = {
  'support.not_found': 'not_found',
  'support.closed': 'conflict',
  'support.empty': 'invalid',
  'support.too_long': 'invalid',
  'support.unavailable': 'unavailable',
};

/** A support rule was broken (`support.not_found`, `support.closed`, `support.empty`, `support.too_long`). */
export class SupportError extends refusalClass<SupportErrorCode>('SupportError', SUPPORT_KINDS) {}

/** Every reason a support action is refused. */
export type SupportErrorCode = 'support.not_found' | 'support.closed' | 'support.empty' | 'support.too_long' | 'support.unavailable';

/** One entry of a conversation: a customer message or a staff answer. */
export type ThreadEntry =
  | { author: 'customer'; id: number; kind: SupportMessageRecord['kind']; text: string | null; createdAt: number }
  | { author: 'staff'; id: number; staffName: string; text: string; createdAt: number };

/** A conversation in the inbox list. */
export interface ThreadSummary {
  userId: number;
  status: SupportThreadStatus;
  lastMessageAt: number;
  updatedAt: number;
  /** The customer's latest message: its text or caption, and whether it was a photo or file. */
  lastText: string | null;
  lastKind: SupportMessageRecord['kind'] | null;
}

/** Who answers from the admin panel. */
export interface SupportStaff {
  id: string;
  name: string;
}

/** The business's published contacts (`business.support` in the config). */
export type SupportContacts = BusinessConfig['business']['support'];

/** Escapes text for Telegram's HTML parse mode. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Support: the business's contacts, and customer messages passed to the staff chats. A
 * message is stored and its staff copies enqueued in one transaction, so none is lost or
 * delivered twice.
 */
export function createSupportService(deps: {
  db: Db;
  now(): number;
  contacts: SupportContacts;
  staffChatIds(): readonly number[];
  /** The language each staff chat reads in, through `executor` (the forward's transaction); without it, the header's default. */
  staffLocales?(executor: DbExecutor, chatIds: readonly number[]): Promise<readonly { chatId: number; locale: Locale }[]>;
  texts: SupportTexts;
  /** The customer's language, for answers from the panel. Never called inside a transaction. */
  localeOf?(userId: number): Promise<Locale>;
  /** Where `support.message_received` is published (for webhooks); absent in tests that need none. */
  events?: Events;
}) {
  const repository = createSupportRepository(deps.db);

  const customerMessage = (userId: number, key: string, text: string, withWriteAgain: boolean, locale: Locale): OutboxMessage => ({
    chatId: userId,
    method: 'sendMessage',
    payload: {
      text,
      ...(withWriteAgain && deps.texts.writeAgain ? { reply_markup: { inline_keyboard: [[{ text: deps.texts.writeAgain(locale), callback_data: 'support:write' }]] } } : {}),
    },
    priority: 'high',
    dedupeKey: key,
  });

  const openThreadOf = async (userId: number): Promise<SupportThreadRecord> => {
    const thread = await repository.findThread(userId);
    if (!thread) throw new SupportError('support.not_found', 'This customer has not written to support.');
    if (thread.status === 'closed') throw new SupportError('support.closed', 'This conversation is closed. It opens again when the customer writes.');
    return thread;
  };

  return {
    contacts: deps.contacts,

    /** True when there is someone to write to. */
    get canReceive(): boolean {
      return deps.staffChatIds().length > 0;
    },

    /** Stores the message and enqueues a copy to every staff chat; returns the stored row. */
    async forwardToStaff(input: SupportMessageInput): Promise<SupportMessageRecord> {
      const text = input.text === null ? null : input.text.slice(0, MAX_SUPPORT_TEXT);
      return deps.db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const scoped = createSupportRepository(trx);
        // The conversation waits for staff again, whatever it was.
        await scoped.openThread(input.userId, nowMs);
        const row = await scoped.insert({
          user_id: input.userId,
          chat_id: input.chatId,
          message_id: input.messageId,
          kind: input.kind,
          text,
          created_at: nowMs,
        });
        const chatIds = deps.staffChatIds();
        // Each staff chat reads the header (who wrote) in its own language.
        const locales = new Map((await deps.staffLocales?.(trx, chatIds))?.map((chat) => [chat.chatId, chat.locale]));
        const messages = chatIds.map((chatId): OutboxMessage => {
          const header = deps.texts.header(input, locales.get(chatId));
          if (input.kind === 'text') {
            return {
              chatId,
              method: 'sendMessage',
              payload: { text: `${header}\n\n${escapeHtml(text ?? '')}`, parse_mode: 'HTML' },
              priority: 'high',
              dedupeKey: `support:${row.id}:staff:${chatId}`,
            };
          }
          return {
            chatId,
            method: 'copyMessage',
            payload: {
              from_chat_id: input.chatId,
              message_id: input.messageId,
              caption: text ? `${header}\n\n${escapeHtml(text.slice(0, 800))}` : header,
              parse_mode: 'HTML',
            },
            priority: 'high',
            dedupeKey: `support:${row.id}:staff:${chatId}`,
          };
        });
        await enqueueOutbox(trx, messages, nowMs);
        await deps.events?.publish(trx, {
          type: 'support.message_received',
          resource: { type: 'support_thread', id: input.userId },
          data: { message: { object: 'support_message', id: row.id, customer_id: row.user_id, kind: row.kind, text: row.text, created_at: new Date(row.created_at).toISOString() } },
        });
        return row;
      });
    },

    /** Recent messages for the admin panel, newest first. */
    list: repository.list,

    /** Conversations for the inbox (with a status, all of them without), most recent first, one page. */
    async threads(statuses: readonly SupportThreadStatus[] | undefined, page: number, pageSize: number): Promise<{ threads: ThreadSummary[]; window: PageWindow }> {
      const window = pageWindow(await repository.countThreads(statuses), page, pageSize);
      const rows = await repository.listThreads(statuses, window.limit, window.offset);
      const last = await repository.lastMessages(rows.map((row) => row.user_id));
      return {
        window,
        threads: rows.map((row) => ({
          userId: Number(row.user_id),
          status: row.status,
          lastMessageAt: row.last_message_at,
          updatedAt: row.updated_at,
          lastText: last.get(Number(row.user_id))?.text ?? null,
          lastKind: last.get(Number(row.user_id))?.kind ?? null,
        })),
      };
    },

    /** One customer's conversation, oldest first (the latest `limit` messages and answers). */
    async thread(userId: number, limit = 200): Promise<{ thread: SupportThreadRecord; entries: ThreadEntry[] } | undefined> {
      const thread = await repository.findThread(userId);
      if (!thread) return undefined;
      const entries: ThreadEntry[] = [
        ...(await repository.messagesOf(userId, limit)).map((row): ThreadEntry => ({ author: 'customer', id: row.id, kind: row.kind, text: row.text, createdAt: row.created_at })),
        ...(await repository.repliesOf(userId, limit)).map((row): ThreadEntry => ({ author: 'staff', id: row.id, staffName: row.staff_name, text: row.text, createdAt: row.created_at })),
      ];
      entries.sort((a, b) => a.createdAt - b.createdAt || (a.author === b.author ? a.id - b.id : a.author === 'customer' ? -1 : 1));
      return { thread, entries: entries.slice(-limit) };
    },

    /**
     * Answers a customer from the admin panel: the answer is stored and its delivery enqueued
     * in one transaction (the customer gets it in the bot, in their language, with a button to
     * write again); the conversation becomes `answered`.
     */
    async reply(userId: number, raw: string, staff: SupportStaff): Promise<SupportThreadRecord> {
      const text = raw.trim();
      if (!text) throw new SupportError('support.empty', 'The answer is empty.');
      if (text.length > MAX_SUPPORT_TEXT) throw new SupportError('support.too_long', `The answer is longer than ${MAX_SUPPORT_TEXT} characters.`);
      if (!deps.texts.reply || !deps.localeOf) throw new SupportError('support.unavailable', 'Answers from the panel are not set up.');
      await openThreadOf(userId);
      const locale = await deps.localeOf(userId);
      const body = deps.texts.reply(locale, text);
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createSupportRepository(trx);
        const nowMs = deps.now();
        const updated = await scoped.setThreadStatus(userId, ['open', 'answered'], 'answered', nowMs);
        if (!updated) throw new SupportError('support.closed', 'This conversation was closed meanwhile.');
        const row = await scoped.insertReply({ user_id: userId, staff_id: staff.id, staff_name: staff.name.slice(0, 128), text, created_at: nowMs });
        await enqueueOutbox(trx, customerMessage(userId, `support:reply:${row.id}`, body, true, locale), nowMs);
        return updated;
      });
    },

    /** Closes a conversation; the customer is told and may write again to open it. */
    async close(userId: number): Promise<SupportThreadRecord> {
      const thread = await openThreadOf(userId);
      const locale = deps.localeOf ? await deps.localeOf(userId) : undefined;
      return deps.db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const closed = await createSupportRepository(trx).setThreadStatus(userId, ['open', 'answered'], 'closed', nowMs);
        if (!closed) throw new SupportError('support.closed', 'This conversation is closed already.');
        if (deps.texts.closed && locale) {
          await enqueueOutbox(trx, customerMessage(userId, `support:closed:${userId}:${thread.last_message_at}`, deps.texts.closed(locale), true, locale), nowMs);
        }
        return closed;
      });
    },
  };
}

/** The support service's shape. */
export type SupportService = ReturnType<typeof createSupportService>;
