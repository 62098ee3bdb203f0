import type { BusinessConfig, Locale } from '../config/business.ts';
import type { DbExecutor } from '../db/database.ts';
import type { ModuleInstance } from '../modules/module.ts';
import type { UsersService } from '../modules/users/users.service.ts';
import type { Translator } from '../telegram/i18n.ts';
import { enqueueOutbox } from './outbox.ts';
import type { JobHandler } from './scheduler.ts';
import { formatLocalDateTime, zonedParts } from './zoned-time.ts';
import { staffChatIds } from './staff-chats.ts';

/** The scheduled job kind of the daily report. */
export const DAILY_REPORT_JOB = 'core.daily_report';

/** What the daily report needs. */
export interface DailyReportDeps {
  db: DbExecutor;
  config: BusinessConfig;
  i18n: Translator;
  users: UsersService;
  /** Telegram ids of the admins (ADMIN_IDS), used when no admin chat is configured. */
  adminIds: readonly number[];
  modules: readonly { name: string; instance: ModuleInstance }[];
  now(): number;
}

/**
 * The daily report to the admin chat: new users, messages delivered and failed in the last
 * 24 hours, plus whatever each module adds (orders, bookings, payments…). It goes through
 * the outbox with a per-day key, so a job re-run after a crash never sends it twice.
 */
export function createDailyReportHandler(deps: DailyReportDeps): JobHandler {
  return async () => {
    const untilMs = deps.now();
    const sinceMs = untilMs - 86_400_000;
    const defaultLocale = deps.config.business.defaultLocale;
    const timeZone = deps.config.business.timeZone;
    const recipients = staffChatIds(deps.config, deps.adminIds);
    if (recipients.length === 0) return;

    const outbox = await deps.db
      .selectFrom('outbox')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('updated_at', '>=', sinceMs)
      .where('status', 'in', ['sent', 'failed'])
      .groupBy('status')
      .execute();
    const count = (status: string) => Number(outbox.find((row) => row.status === status)?.n ?? 0);
    const newUsers = await deps.users.countSince(sinceMs);
    const totalUsers = await deps.users.countAll();
    const date = formatLocalDateTime(untilMs, timeZone).slice(0, 10);

    // Each admin reads it in their own language; group chats get the business's.
    const texts = new Map<Locale, string>();
    const textIn = async (locale: Locale): Promise<string> => {
      const cached = texts.get(locale);
      if (cached) return cached;
      const lines = [
        deps.i18n.t(locale, 'delivery-report-title', { business: deps.config.business.name, date }),
        deps.i18n.t(locale, 'delivery-report-users', { new: newUsers, total: totalUsers }),
        deps.i18n.t(locale, 'delivery-report-messages', { sent: count('sent'), failed: count('failed') }),
      ];
      for (const { name, instance } of deps.modules) {
        if (!instance.dailyReport) continue;
        try {
          lines.push(...(await instance.dailyReport({ sinceMs, untilMs, locale })));
        } catch (error) {
          lines.push(deps.i18n.t(locale, 'delivery-report-section-failed', { module: name, error: (error as Error).message.slice(0, 100) }));
        }
      }
      const text = lines.join('\n').slice(0, 4096);
      texts.set(locale, text);
      return text;
    };

    const day = zonedParts(untilMs, timeZone);
    const dayKey = `${day.year}-${day.month}-${day.day}`;
    const messages = [];
    for (const chatId of recipients) {
      const user = chatId > 0 ? await deps.users.get(chatId) : undefined;
      const locale = user ? deps.users.localeOf(user, defaultLocale) : defaultLocale;
      messages.push({
        chatId,
        method: 'sendMessage' as const,
        payload: { text: await textIn(locale) },
        priority: 'normal' as const,
        dedupeKey: `core:daily-report:${dayKey}:${chatId}`,
      });
    }
    await enqueueOutbox(deps.db, messages, untilMs);
  };
}
