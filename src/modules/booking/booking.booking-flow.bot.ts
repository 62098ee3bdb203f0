/**
 * The customer's booking in the bot: `/book` → branch → service → doctor (or any) → a month's
 * calendar of days with free slots → time → confirm → booked (or the alternatives to a taken slot).
 */
import { InlineKeyboard } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { compactDate, expandDate, expandMonth, formatDay, fromMinutes, toMinutes, type BookingBotShared, type CalendarData, type PrivateChats } from './booking.bot.shared.ts';
import { shiftMonth } from './booking.calendar.ts';
import { formatVisitTime } from './booking.messages.ts';
import { pickLocalised } from './booking.settings.ts';
import { BookingError, type FreeSlot } from './booking.service.ts';
import { localDateOf } from './slots.ts';

/** Registers the new-booking screens, from `/book` to "booked". */
export function registerBookingFlow(privateChats: PrivateChats, shared: BookingBotShared): void {
  const { booking, timeZone, needRegistration, monthScreen, timesKeyboard, alternativesKeyboard, bookedScreen } = shared;

  const branchesScreen = async (ctx: BotContext) => {
    const branches = await booking.listBranches();
    const keyboard = new InlineKeyboard();
    for (const branch of branches) keyboard.text(`🏥 ${pickLocalised(branch.title, ctx.locale)}`, `bk:b:${branch.id}`).row();
    keyboard.text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    return { text: branches.length > 0 ? ctx.t('booking-choose-branch') : ctx.t('booking-no-branches'), keyboard };
  };

  const startBooking = async (ctx: BotContext) => {
    if (await needRegistration(ctx, 'booking:new')) return;
    const screen = await branchesScreen(ctx);
    await editOrReply(ctx, screen.text, { reply_markup: screen.keyboard });
  };

  privateChats.command('book', startBooking);
  privateChats.callbackQuery('booking:new', async (ctx) => {
    await ctx.answerCallbackQuery();
    await startBooking(ctx);
  });

  privateChats.callbackQuery(/^bk:b:(\d{1,9})$/, async (ctx, next) => {
    const branch = await booking.getBranch(Number(ctx.match[1]));
    if (!branch || branch.is_active !== 1) return next();
    await ctx.answerCallbackQuery();
    const services = await booking.servicesAtBranch(branch.id);
    const keyboard = new InlineKeyboard();
    for (const service of services) {
      const label = ctx.t('booking-service-button', {
        service: pickLocalised(service.title, ctx.locale),
        minutes: service.duration_minutes,
        price: formatMoney(service.price_minor, service.currency, ctx.locale),
      });
      keyboard.text(label, `bk:s:${branch.id}:${service.id}`).row();
    }
    keyboard.text(ctx.t('booking-back'), 'booking:new');
    await editOrReply(ctx, ctx.t('booking-choose-service', { branch: pickLocalised(branch.title, ctx.locale) }), { reply_markup: keyboard });
  });

  privateChats.callbackQuery(/^bk:s:(\d{1,9}):(\d{1,9})$/, async (ctx, next) => {
    const [branchId, serviceId] = [Number(ctx.match[1]), Number(ctx.match[2])];
    const doctors = await booking.listDoctors({ branchId, serviceId });
    const service = await booking.getService(serviceId);
    if (doctors.length === 0 || !service) return next();
    await ctx.answerCallbackQuery();
    const keyboard = new InlineKeyboard().text(ctx.t('booking-any-doctor'), `bk:d:${branchId}:${serviceId}:0`).row();
    for (const doctor of doctors) {
      keyboard.text(`👩‍⚕️ ${pickLocalised(doctor.name, ctx.locale)} · ${pickLocalised(doctor.specialty, ctx.locale)}`, `bk:d:${branchId}:${serviceId}:${doctor.id}`).row();
    }
    keyboard.text(ctx.t('booking-back'), `bk:b:${branchId}`);
    await editOrReply(ctx, ctx.t('booking-choose-doctor', { service: pickLocalised(service.title, ctx.locale) }), { reply_markup: keyboard });
  });

  const newBookingData = (branchId: number, serviceId: number, doctorId: number): CalendarData => ({
    month: (month: string) => `bk:m:${branchId}:${serviceId}:${doctorId}:${month.replace('-', '')}`,
    day: (date: string) => `bk:day:${branchId}:${serviceId}:${doctorId}:${compactDate(date)}`,
    back: `bk:s:${branchId}:${serviceId}`,
  });

  const choiceTitle = async (ctx: BotContext, branchId: number, serviceId: number, doctorId: number) => {
    const [service, doctor] = await Promise.all([booking.getService(serviceId), doctorId ? booking.getDoctor(doctorId) : undefined]);
    return ctx.t('booking-choice', {
      service: service ? pickLocalised(service.title, ctx.locale) : '—',
      doctor: doctor ? pickLocalised(doctor.name, ctx.locale) : ctx.t('booking-any-doctor-short'),
    });
  };

  privateChats.callbackQuery(/^bk:(?:d|m):(\d{1,9}):(\d{1,9}):(\d{1,9})(?::(\d{6}))?$/, async (ctx, next) => {
    const [branchId, serviceId, doctorId] = [Number(ctx.match[1]), Number(ctx.match[2]), Number(ctx.match[3])];
    const doctors = await booking.listDoctors({ branchId, serviceId });
    if (doctors.length === 0 || (doctorId !== 0 && !doctors.some((doctor) => doctor.id === doctorId))) return next();
    await ctx.answerCallbackQuery();
    const window = booking.bookingWindow();
    let month = ctx.match[4] ? expandMonth(ctx.match[4]) : window.firstDate.slice(0, 7);
    if (month < window.firstDate.slice(0, 7) || month > window.lastDate.slice(0, 7)) month = window.firstDate.slice(0, 7);
    const query = { branchId, serviceId, doctorId: doctorId || undefined };
    // Late in the month the first free day may be next month: open there rather than on an empty page.
    if (!ctx.match[4] && (await booking.datesWithSlots({ ...query, month })).size === 0) month = shiftMonth(month, 1);
    await monthScreen(ctx, query, month, newBookingData(branchId, serviceId, doctorId), await choiceTitle(ctx, branchId, serviceId, doctorId));
  });

  privateChats.callbackQuery('bk:nop', async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t('booking-no-slots-that-day') });
  });

  privateChats.callbackQuery(/^bk:day:(\d{1,9}):(\d{1,9}):(\d{1,9}):(\d{8})$/, async (ctx, next) => {
    const [branchId, serviceId, doctorId] = [Number(ctx.match[1]), Number(ctx.match[2]), Number(ctx.match[3])];
    const date = expandDate(ctx.match[4] as string);
    if (!date) return next();
    let slots: FreeSlot[];
    try {
      slots = await booking.freeSlots({ branchId, serviceId, doctorId: doctorId || undefined, fromDate: date, toDate: date });
    } catch (error) {
      if (error instanceof BookingError) return next();
      throw error;
    }
    await ctx.answerCallbackQuery();
    const data = newBookingData(branchId, serviceId, doctorId);
    const keyboard = timesKeyboard(ctx, slots, (slot) => `bk:t:${branchId}:${serviceId}:${doctorId}:${toMinutes(slot.startMs)}`);
    keyboard.text(ctx.t('booking-other-day'), data.month(date.slice(0, 7)));
    const day = formatDay(date, ctx);
    await editOrReply(ctx, slots.length > 0 ? ctx.t('booking-choose-time', { day }) : ctx.t('booking-day-full', { day }), { reply_markup: keyboard });
  });

  privateChats.callbackQuery(/^bk:t:(\d{1,9}):(\d{1,9}):(\d{1,9}):(\d{1,10})$/, async (ctx, next) => {
    const [branchId, serviceId, doctorId] = [Number(ctx.match[1]), Number(ctx.match[2]), Number(ctx.match[3])];
    const startMs = fromMinutes(ctx.match[4] as string);
    const [branch, service, doctor] = await Promise.all([booking.getBranch(branchId), booking.getService(serviceId), doctorId ? booking.getDoctor(doctorId) : undefined]);
    if (!branch || !service || (doctorId && !doctor)) return next();
    await ctx.answerCallbackQuery();
    const text = ctx.t('booking-confirm', {
      branch: pickLocalised(branch.title, ctx.locale),
      address: pickLocalised(branch.address, ctx.locale),
      service: pickLocalised(service.title, ctx.locale),
      doctor: doctor ? pickLocalised(doctor.name, ctx.locale) : ctx.t('booking-any-doctor-short'),
      time: formatVisitTime(startMs, ctx.locale, timeZone()),
      price: formatMoney(service.price_minor, service.currency, ctx.locale),
    });
    const keyboard = new InlineKeyboard()
      .text(ctx.t('booking-button-confirm'), `bk:ok:${branchId}:${serviceId}:${doctorId}:${ctx.match[4]}`)
      .row()
      .text(ctx.t('booking-back'), `bk:day:${branchId}:${serviceId}:${doctorId}:${compactDate(localDateOf(startMs, timeZone()))}`);
    await editOrReply(ctx, text, { reply_markup: keyboard });
  });

  privateChats.callbackQuery(/^bk:ok:(\d{1,9}):(\d{1,9}):(\d{1,9}):(\d{1,10})$/, async (ctx) => {
    const [branchId, serviceId, doctorId] = [Number(ctx.match[1]), Number(ctx.match[2]), Number(ctx.match[3])];
    const startMs = fromMinutes(ctx.match[4] as string);
    if (await needRegistration(ctx, 'booking:new')) return void (await ctx.answerCallbackQuery());
    try {
      const appointment = await booking.book({ patientId: ctx.from.id, branchId, serviceId, doctorId: doctorId || undefined, startMs, locale: ctx.locale });
      await ctx.answerCallbackQuery({ text: ctx.t('booking-booked-toast') });
      await bookedScreen(ctx, appointment, ctx.t('booking-booked'));
    } catch (error) {
      if (!(error instanceof BookingError)) throw error;
      await ctx.answerCallbackQuery();
      const alternatives = (error.details.alternatives as FreeSlot[] | undefined) ?? [];
      const data = newBookingData(branchId, serviceId, doctorId);
      const keyboard = alternativesKeyboard(ctx, alternatives, (slot) => `bk:t:${branchId}:${serviceId}:${doctorId}:${toMinutes(slot.startMs)}`, data.month(localDateOf(startMs, timeZone()).slice(0, 7)));
      const reason = error.code === 'booking.slot_taken' ? 'booking-slot-taken' : error.code === 'booking.not_registered' ? 'booking-need-registration' : 'booking-slot-unavailable';
      await editOrReply(ctx, `${ctx.t(reason)}${alternatives.length > 0 ? `\n\n${ctx.t('booking-alternatives')}` : ''}`, { reply_markup: keyboard });
    }
  });
}
