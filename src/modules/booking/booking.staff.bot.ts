/**
 * The staff side of booking in the bot: `/visits` — a day's visits, day by day, with buttons
 * marking a visit completed or a no-show. Admins only; everyone else falls through.
 */
import { InlineKeyboard, type Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { editOrReply } from '../../telegram/menu.ts';
import { compactDate, expandDate, formatDay, type BookingBotShared } from './booking.bot.shared.ts';
import { formatClockTime } from './booking.messages.ts';
import { BookingError } from './booking.service.ts';
import { addDays, localDateOf } from './slots.ts';

/** Registers `/visits` and its buttons. */
export function registerStaffVisits(composer: Composer<BotContext>, shared: BookingBotShared): void {
  const { booking, timeZone, deps } = shared;

  const visitsScreen = async (ctx: BotContext, date: string, notice?: string) => {
    const list = await booking.list({ fromMs: Date.parse(`${addDays(date, -1)}T12:00:00Z`), toMs: Date.parse(`${addDays(date, 1)}T12:00:00Z`) });
    const ofDay = list.filter((item) => localDateOf(item.starts_at, timeZone()) === date && item.status !== 'cancelled');
    const keyboard = new InlineKeyboard();
    const lines = [ctx.t('booking-visits-title', { day: formatDay(date, ctx) })];
    for (const item of ofDay) {
      const view = await booking.describe(item, ctx.locale);
      const status = item.status === 'booked' ? (item.confirmed_at ? '✅' : '🗓') : item.status === 'completed' ? '✔️' : '⚠️';
      lines.push(`${status} #${item.id} ${formatClockTime(item.starts_at, ctx.locale, timeZone())} · ${view.doctorName} · ${view.serviceTitle}`);
      if (item.status === 'booked') keyboard.text(`✔️ #${item.id}`, `bk:vc:${item.id}`).text(`⚠️ #${item.id}`, `bk:vn:${item.id}`).row();
    }
    if (ofDay.length === 0) lines.push(ctx.t('booking-visits-empty'));
    keyboard.text('‹', `bk:vd:${compactDate(addDays(date, -1))}`).text('›', `bk:vd:${compactDate(addDays(date, 1))}`);
    await editOrReply(ctx, `${notice ? `${notice}\n\n` : ''}${lines.join('\n')}`, { reply_markup: keyboard });
  };

  composer.command('visits', async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    await visitsScreen(ctx, localDateOf(deps.now(), timeZone()));
  });

  composer.callbackQuery(/^bk:vd:(\d{8})$/, async (ctx, next) => {
    const date = expandDate(ctx.match[1] as string);
    if (!ctx.isAdmin || !date) return next();
    await ctx.answerCallbackQuery();
    await visitsScreen(ctx, date);
  });

  composer.callbackQuery(/^bk:v(c|n):(\d{1,12})$/, async (ctx, next) => {
    if (!ctx.isAdmin) return next();
    const appointment = await booking.get(Number(ctx.match[2]));
    if (!appointment) return next();
    try {
      await booking.markVisit(appointment.id, ctx.match[1] === 'c' ? 'completed' : 'no_show', { type: 'staff', id: ctx.from.id });
      await ctx.answerCallbackQuery({ text: ctx.t(ctx.match[1] === 'c' ? 'booking-visit-completed' : 'booking-visit-no-show') });
    } catch (error) {
      if (!(error instanceof BookingError)) throw error;
      await ctx.answerCallbackQuery({ text: ctx.t('booking-not-active'), show_alert: true });
    }
    await visitsScreen(ctx, localDateOf(appointment.starts_at, timeZone()));
  });
}
