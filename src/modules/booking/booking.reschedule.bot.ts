/**
 * Rescheduling a customer's appointment in the bot: same doctor, a new day and time, with the
 * alternatives when the chosen slot was just taken.
 */
import { InlineKeyboard } from 'grammy';
import { editOrReply } from '../../telegram/menu.ts';
import { compactDate, expandDate, expandMonth, formatDay, fromMinutes, toMinutes, type BookingBotShared, type CalendarData, type PrivateChats } from './booking.bot.shared.ts';
import { formatVisitTime, visitVariables } from './booking.messages.ts';
import { BookingError, type FreeSlot } from './booking.service.ts';
import type { VisitScreens } from './booking.visits.bot.ts';
import { localDateOf } from './slots.ts';

/** Registers the reschedule screens: month, day, time, confirm. */
export function registerReschedule(privateChats: PrivateChats, shared: BookingBotShared, screens: VisitScreens): void {
  const { booking, timeZone, deps, monthScreen, timesKeyboard, alternativesKeyboard, bookedScreen } = shared;
  const { own, cardScreen, refusal } = screens;

  // Reschedule: same doctor, a new day and time; the old slot is freed in the same transaction.
  const rescheduleData = (appointmentId: number): CalendarData => ({
    month: (month: string) => `bk:rm:${appointmentId}:${month.replace('-', '')}`,
    day: (date: string) => `bk:rd:${appointmentId}:${compactDate(date)}`,
    back: `bk:a:${appointmentId}`,
  });

  privateChats.callbackQuery(/^bk:(?:r|rm):(\d{1,12})(?::(\d{6}))?$/, async (ctx, next) => {
    const appointment = await own(ctx, ctx.match[1]);
    if (!appointment) return next();
    if (appointment.status !== 'booked') {
      await ctx.answerCallbackQuery();
      return cardScreen(ctx, appointment);
    }
    await ctx.answerCallbackQuery();
    const window = booking.bookingWindow();
    let month = ctx.match[2] ? expandMonth(ctx.match[2]) : localDateOf(Math.max(appointment.starts_at, deps.now()), timeZone()).slice(0, 7);
    if (month < window.firstDate.slice(0, 7) || month > window.lastDate.slice(0, 7)) month = window.firstDate.slice(0, 7);
    const view = await booking.describe(appointment, ctx.locale);
    await monthScreen(
      ctx,
      { branchId: appointment.branch_id, serviceId: appointment.service_id, doctorId: appointment.doctor_id },
      month,
      rescheduleData(appointment.id),
      ctx.t('booking-reschedule-title', visitVariables(view, ctx.locale, timeZone())),
    );
  });

  privateChats.callbackQuery(/^bk:rd:(\d{1,12}):(\d{8})$/, async (ctx, next) => {
    const appointment = await own(ctx, ctx.match[1]);
    const date = expandDate(ctx.match[2] as string);
    if (!appointment || appointment.status !== 'booked' || !date) return next();
    await ctx.answerCallbackQuery();
    const slots = await booking.freeSlots({ branchId: appointment.branch_id, serviceId: appointment.service_id, doctorId: appointment.doctor_id, fromDate: date, toDate: date });
    const keyboard = timesKeyboard(ctx, slots, (slot) => `bk:rt:${appointment.id}:${toMinutes(slot.startMs)}`);
    keyboard.text(ctx.t('booking-other-day'), rescheduleData(appointment.id).month(date.slice(0, 7)));
    const day = formatDay(date, ctx);
    await editOrReply(ctx, slots.length > 0 ? ctx.t('booking-choose-time', { day }) : ctx.t('booking-day-full', { day }), { reply_markup: keyboard });
  });

  privateChats.callbackQuery(/^bk:rt:(\d{1,12}):(\d{1,10})$/, async (ctx, next) => {
    const appointment = await own(ctx, ctx.match[1]);
    if (!appointment || appointment.status !== 'booked') return next();
    await ctx.answerCallbackQuery();
    const startMs = fromMinutes(ctx.match[2] as string);
    const view = await booking.describe(appointment, ctx.locale);
    const keyboard = new InlineKeyboard()
      .text(ctx.t('booking-button-confirm'), `bk:ro:${appointment.id}:${ctx.match[2]}`)
      .row()
      .text(ctx.t('booking-back'), `bk:rd:${appointment.id}:${compactDate(localDateOf(startMs, timeZone()))}`);
    await editOrReply(
      ctx,
      ctx.t('booking-reschedule-confirm', { ...visitVariables(view, ctx.locale, timeZone()), new: formatVisitTime(startMs, ctx.locale, timeZone()) }),
      { reply_markup: keyboard },
    );
  });

  privateChats.callbackQuery(/^bk:ro:(\d{1,12}):(\d{1,10})$/, async (ctx, next) => {
    const appointment = await own(ctx, ctx.match[1]);
    if (!appointment) return next();
    const startMs = fromMinutes(ctx.match[2] as string);
    try {
      const moved = await booking.reschedule(appointment.id, startMs, { type: 'patient', id: ctx.from.id });
      await ctx.answerCallbackQuery({ text: ctx.t('booking-rescheduled-toast') });
      await bookedScreen(ctx, moved, ctx.t('booking-rescheduled'));
    } catch (error) {
      if (error instanceof BookingError && (error.code === 'booking.slot_taken' || error.code === 'booking.slot_unavailable')) {
        await ctx.answerCallbackQuery();
        const alternatives = (error.details.alternatives as FreeSlot[] | undefined) ?? [];
        const keyboard = alternativesKeyboard(ctx, alternatives, (slot) => `bk:rt:${appointment.id}:${toMinutes(slot.startMs)}`, rescheduleData(appointment.id).month(localDateOf(startMs, timeZone()).slice(0, 7)));
        await editOrReply(ctx, `${ctx.t(error.code === 'booking.slot_taken' ? 'booking-slot-taken' : 'booking-slot-unavailable')}${alternatives.length > 0 ? `\n\n${ctx.t('booking-alternatives')}` : ''}`, {
          reply_markup: keyboard,
        });
        return;
      }
      await refusal(ctx, error, appointment.id);
    }
  });
}
