import { localeOr, type Locale } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import { createUsersRepository } from './users.repository.ts';

/** A chat that receives staff alerts, with the language its alerts are written in. */
export interface StaffChat {
  chatId: number;
  locale: Locale;
}

/**
 * The language each staff chat reads in: a person's own chat (a positive id, an admin is a
 * user too) in the language that person chose in the bot, else their Telegram language; a
 * group chat, which many people read, in `fallback` (the business's default language).
 * Reads through `executor`, so it may run inside the transaction that enqueues the alerts.
 */
export async function staffChatLocales(executor: DbExecutor, chatIds: readonly number[], fallback: Locale): Promise<StaffChat[]> {
  const people = new Map((await createUsersRepository(executor).languagesOf(chatIds.filter((id) => id > 0))).map((row) => [row.id, row]));
  return chatIds.map((chatId) => {
    const person = chatId > 0 ? people.get(chatId) : undefined;
    return { chatId, locale: localeOr(person?.locale ?? person?.language_code?.slice(0, 2), fallback) };
  });
}

/**
 * The language a user reads in now: the one they chose in the bot, else their Telegram
 * language, else `fallback` (say, the language they ordered in). Reads through `executor`, so
 * a notification enqueued inside a transaction follows a language switched since the order.
 */
export async function readerLocale(executor: DbExecutor, userId: number, fallback: Locale): Promise<Locale> {
  const [person] = await createUsersRepository(executor).languagesOf([userId]);
  return localeOr(person?.locale ?? person?.language_code?.slice(0, 2), fallback);
}
