/**
 * The customer's own appointments in the bot: "My appointments" (upcoming and past), an
 * appointment's card, cancelling it, confirming attendance from a reminder, and the balance.
 */
import { InlineKeyboard } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { paymentMethodsData } from '../payments/payments.callbacks.ts';
import type { BookingBotShared, PrivateChats } from './booking.bot.shared.ts';
import { formatVisitTime, visitVariables } from './booking.messages.ts';
import { VISIT_PURPOSE } from './booking.purpose.ts';
import { BookingError } from './booking.service.ts';
import type { AppointmentRecord } from './booking.tables.ts';

/** The screens of a customer's own appointment, shown by the card and the reschedule parts. */
export interface VisitScreens {
  /** The patient's own appointment, or undefined for someone else's or a made-up id. */
  own(ctx: BotContext, id: string | undefined): Promise<AppointmentRecord | undefined>;
  cardScreen(ctx: BotContext, appointment: AppointmentRecord, notice?: string): Promise<void>;
  /** Answers a refused cancel / confirm / reschedule and shows the card again. */
  refusal(ctx: BotContext, error: unknown, appointmentId: number): Promise<void>;
}

/** The appointment's card and what goes with it. */
export function createVisitScreens(shared: BookingBotShared): VisitScreens {
  const { booking, timeZone, deps } = shared;

  /** The patient's own appointment, or undefined for someone else's or a made-up id. */
  const own = async (ctx: BotContext, id: string | undefined) => {
    const appointment = await booking.get(Number(id));
    return appointment && appointment.patient_id === ctx.from?.id ? appointment : undefined;
  };

  const cardScreen = async (ctx: BotContext, appointment: AppointmentRecord, notice?: string) => {
    const view = await booking.describe(appointment, ctx.locale);
    const lines = [ctx.t('booking-details', visitVariables(view, ctx.locale, timeZone())), ctx.t('booking-status-line', { status: ctx.t(`booking-status-${appointment.status.replace('_', '-')}`) })];
    if (appointment.status === 'booked' && appointment.confirmed_at) lines.push(ctx.t('booking-you-confirmed'));
    lines.push(
      appointment.paid_minor >= appointment.price_minor
        ? ctx.t('booking-paid-in-full')
        : ctx.t('booking-to-pay', { amount: formatMoney(appointment.price_minor - appointment.paid_minor, appointment.currency, ctx.locale) }),
    );
    const keyboard = new InlineKeyboard();
    if (appointment.status === 'booked' && appointment.starts_at > deps.now()) {
      keyboard.text(ctx.t('booking-button-reschedule'), `bk:r:${appointment.id}`).text(ctx.t('booking-button-cancel'), `bk:cx:${appointment.id}`).row();
    }
    if (deps.payments && ['booked', 'completed'].includes(appointment.status) && appointment.paid_minor < appointment.price_minor) {
      keyboard.text(ctx.t('booking-button-pay'), paymentMethodsData(VISIT_PURPOSE, String(appointment.id))).row();
    }
    keyboard.text(ctx.t('booking-my'), 'booking:my');
    await editOrReply(ctx, `${notice ? `${notice}\n\n` : ''}${lines.join('\n')}`, { reply_markup: keyboard });
  };

  const refusal = async (ctx: BotContext, error: unknown, appointmentId: number) => {
    if (!(error instanceof BookingError)) throw error;
    const key = error.code === 'booking.too_late' ? 'booking-too-late' : error.code === 'booking.not_active' ? 'booking-not-active' : 'booking-slot-unavailable';
    await ctx.answerCallbackQuery({ text: ctx.t(key, { hours: Math.round(Number(error.details.cutoffMinutes ?? 0) / 6) / 10 }), show_alert: true });
    const fresh = await booking.get(appointmentId);
    if (fresh) await cardScreen(ctx, fresh);
  };

  return { own, cardScreen, refusal };
}

/** Registers "My appointments", the card, cancel and confirm-attendance. */
export function registerMyVisits(privateChats: PrivateChats, shared: BookingBotShared, screens: VisitScreens): void {
  const { booking, timeZone } = shared;
  const { own, cardScreen, refusal } = screens;

  const appointmentLabel = async (ctx: BotContext, appointment: AppointmentRecord) => {
    const view = await booking.describe(appointment, ctx.locale);
    const mark = { booked: appointment.confirmed_at ? '✅' : '🗓', completed: '✔️', no_show: '⚠️', cancelled: '✖️' }[appointment.status];
    return `${mark} ${formatVisitTime(appointment.starts_at, ctx.locale, timeZone())} · ${view.serviceTitle}`;
  };

  const myScreen = async (ctx: BotContext, which: 'upcoming' | 'past') => {
    const list = await booking.listForPatient(ctx.from?.id ?? 0, which, 10);
    const keyboard = new InlineKeyboard();
    for (const appointment of list) keyboard.text(await appointmentLabel(ctx, appointment), `bk:a:${appointment.id}`).row();
    if (which === 'upcoming') keyboard.text(ctx.t('booking-past'), 'booking:past').row().text(ctx.t('booking-new'), 'booking:new').row();
    else keyboard.text(ctx.t('booking-upcoming'), 'booking:my').row();
    keyboard.text(ctx.t('booking-balance-button'), 'booking:balance').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    const empty = which === 'upcoming' ? 'booking-my-empty' : 'booking-past-empty';
    await editOrReply(ctx, list.length > 0 ? ctx.t(which === 'upcoming' ? 'booking-my-title' : 'booking-past-title') : ctx.t(empty), { reply_markup: keyboard });
  };

  privateChats.command('appointments', async (ctx) => myScreen(ctx, 'upcoming'));
  privateChats.callbackQuery(/^booking:(my|past)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await myScreen(ctx, ctx.match[1] === 'my' ? 'upcoming' : 'past');
  });

  privateChats.callbackQuery(/^bk:a:(\d{1,12})$/, async (ctx, next) => {
    const appointment = await own(ctx, ctx.match[1]);
    if (!appointment) return next();
    await ctx.answerCallbackQuery();
    await cardScreen(ctx, appointment);
  });

  // Cancel: from the card or a reminder, with one confirmation step.
  privateChats.callbackQuery(/^bk:cx:(\d{1,12})$/, async (ctx, next) => {
    const appointment = await own(ctx, ctx.match[1]);
    if (!appointment) return next();
    await ctx.answerCallbackQuery();
    if (appointment.status !== 'booked') return cardScreen(ctx, appointment);
    const view = await booking.describe(appointment, ctx.locale);
    const keyboard = new InlineKeyboard().text(ctx.t('booking-button-cancel-yes'), `bk:cxy:${appointment.id}`).row().text(ctx.t('booking-button-keep'), `bk:a:${appointment.id}`);
    await editOrReply(ctx, ctx.t('booking-cancel-ask', visitVariables(view, ctx.locale, timeZone())), { reply_markup: keyboard });
  });

  privateChats.callbackQuery(/^bk:cxy:(\d{1,12})$/, async (ctx, next) => {
    const appointment = await own(ctx, ctx.match[1]);
    if (!appointment) return next();
    try {
      const cancelled = await booking.cancel(appointment.id, { type: 'patient', id: ctx.from.id });
      await ctx.answerCallbackQuery({ text: ctx.t('booking-cancelled-toast') });
      await cardScreen(ctx, cancelled, ctx.t('booking-cancelled'));
    } catch (error) {
      await refusal(ctx, error, appointment.id);
    }
  });

  privateChats.callbackQuery(/^bk:cf:(\d{1,12})$/, async (ctx, next) => {
    const appointment = await own(ctx, ctx.match[1]);
    if (!appointment) return next();
    try {
      await booking.confirmAttendance(appointment.id, ctx.from.id);
      await ctx.answerCallbackQuery({ text: ctx.t('booking-confirmed-toast') });
      const view = await booking.describe(appointment, ctx.locale);
      await editOrReply(ctx, `${ctx.t('booking-details', visitVariables(view, ctx.locale, timeZone()))}\n\n${ctx.t('booking-you-confirmed')}`, {
        reply_markup: new InlineKeyboard().text(ctx.t('booking-button-open'), `bk:a:${appointment.id}`),
      });
    } catch (error) {
      await refusal(ctx, error, appointment.id);
    }
  });
}

/** Registers the balance screen. */
export function registerBalance(privateChats: PrivateChats, shared: BookingBotShared): void {
  const { booking } = shared;

  privateChats.callbackQuery('booking:balance', async (ctx) => {
    await ctx.answerCallbackQuery();
    const rows = await booking.balanceOf(ctx.from.id);
    const lines = [ctx.t('booking-balance-title')];
    if (rows.length === 0) lines.push(ctx.t('booking-balance-empty'));
    for (const row of rows) {
      lines.push(
        ctx.t('booking-balance-line', {
          balance: formatMoney(row.balanceMinor, row.currency, ctx.locale),
          paid: formatMoney(row.paidMinor, row.currency, ctx.locale),
          charged: formatMoney(row.chargedMinor, row.currency, ctx.locale),
          due: formatMoney(row.dueMinor, row.currency, ctx.locale),
        }),
      );
    }
    await editOrReply(ctx, lines.join('\n\n'), { reply_markup: new InlineKeyboard().text(ctx.t('booking-my'), 'booking:my').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION) });
  });
}
