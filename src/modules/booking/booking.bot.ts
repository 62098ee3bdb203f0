import { Composer, InlineKeyboard } from 'grammy';
import { formatMoney } from '../../config/money.ts';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { paymentMethodsData } from '../payments/payments.callbacks.ts';
import { calendarKeyboard, shiftMonth } from './booking.calendar.ts';
import { formatClockTime, formatVisitTime, visitVariables } from './booking.messages.ts';
import { VISIT_PURPOSE } from './booking.purpose.ts';
import { pickLocalised } from './booking.settings.ts';
import { BookingError, type BookingService, type FreeSlot } from './booking.service.ts';
import type { AppointmentRecord } from './booking.tables.ts';
import { addDays, localDateOf } from './slots.ts';

/** Dependencies of the booking composer. */
export interface BookingComposerDeps {
  booking: BookingService;
  isRegistered(userId: number): Promise<boolean>;
  /** The patients module's callback data that sends a user to register, then to `then`. */
  registrationData(then: string): string;
  /** The business time zone now (the owner may change it while Lavka runs). */
  timeZone(): string;
  /** Whether visits can be paid in the bot (the payments module is running). */
  payments: boolean;
  now(): number;
}

/** Time buttons per row on a day's screen. */
const TIMES_PER_ROW = 4;

/** Callback minutes: epoch milliseconds / 60 000, short enough for callback data. */
const toMinutes = (ms: number) => Math.round(ms / 60_000);
const fromMinutes = (minutes: string | number) => Number(minutes) * 60_000;
const compactDate = (date: string) => date.replaceAll('-', '');
/** `YYYYMMDD` → `YYYY-MM-DD`, or undefined for a day that does not exist (forged data). */
const expandDate = (compact: string): string | undefined => {
  const date = `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
  const parsed = Date.parse(`${date}T12:00:00Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().slice(0, 10) === date ? date : undefined;
};
const expandMonth = (compact: string) => `${compact.slice(0, 4)}-${compact.slice(4, 6)}`;

/**
 * Booking in the bot: branch → service → doctor (or any) → a calendar of days with free
 * slots → time → confirm; "My appointments" with reschedule and cancel; reminder answers;
 * the balance; and `/visits` for staff (today's visits, completed / no-show). Callback data
 * carries the whole choice (`bk:t:<branch>:<service>:<doctor>:<minute>`), so an old message
 * still works after a restart and forged data is checked like any other input.
 */
export function createBookingComposer(deps: BookingComposerDeps): Composer<BotContext> {
  const { booking } = deps;
  const timeZone = () => deps.timeZone();
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType('private');

  const needRegistration = async (ctx: BotContext, then: string): Promise<boolean> => {
    if (await deps.isRegistered(ctx.from?.id ?? 0)) return false;
    const keyboard = new InlineKeyboard().text(ctx.t('patients-register-button'), deps.registrationData(then)).row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    await editOrReply(ctx, ctx.t('booking-need-registration'), { reply_markup: keyboard });
    return true;
  };

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

  /** The calendar of a month for a new booking (`prefix` = `bk:m:b:s:d`) or a reschedule (`bk:rm:<id>`). */
  const monthScreen = async (
    ctx: BotContext,
    query: { branchId: number; serviceId: number; doctorId?: number },
    month: string,
    data: { month(month: string): string; day(date: string): string; back: string },
    title: string,
  ) => {
    const window = booking.bookingWindow();
    const available = await booking.datesWithSlots({ ...query, month });
    const keyboard = calendarKeyboard({
      month,
      locale: ctx.locale,
      available,
      dayData: data.day,
      monthData: (other) => (other >= window.firstDate.slice(0, 7) && other <= window.lastDate.slice(0, 7) ? data.month(other) : undefined),
      noopData: 'bk:nop',
      weekdayNames: ctx.t('booking-calendar-weekdays').split(/\s+/),
    });
    keyboard.text(ctx.t('booking-back'), data.back);
    const text = available.size > 0 ? `${title}\n\n${ctx.t('booking-choose-date')}` : `${title}\n\n${ctx.t('booking-month-full')}`;
    await editOrReply(ctx, text, { reply_markup: keyboard });
  };

  const timesKeyboard = (ctx: BotContext, slots: readonly FreeSlot[], data: (slot: FreeSlot) => string) => {
    const keyboard = new InlineKeyboard();
    slots.forEach((slot, index) => {
      keyboard.text(formatClockTime(slot.startMs, ctx.locale, timeZone()), data(slot));
      if ((index + 1) % TIMES_PER_ROW === 0) keyboard.row();
    });
    if (slots.length % TIMES_PER_ROW !== 0) keyboard.row();
    return keyboard;
  };

  const newBookingData = (branchId: number, serviceId: number, doctorId: number) => ({
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

  const alternativesKeyboard = (ctx: BotContext, alternatives: readonly FreeSlot[], data: (slot: FreeSlot) => string, otherDay: string) => {
    const keyboard = new InlineKeyboard();
    for (const slot of alternatives) keyboard.text(formatVisitTime(slot.startMs, ctx.locale, timeZone()), data(slot)).row();
    keyboard.text(ctx.t('booking-other-day'), otherDay);
    return keyboard;
  };

  const bookedScreen = async (ctx: BotContext, appointment: AppointmentRecord, headline: string) => {
    const view = await booking.describe(appointment, ctx.locale);
    const keyboard = new InlineKeyboard();
    if (deps.payments && appointment.price_minor > appointment.paid_minor) keyboard.text(ctx.t('booking-button-pay'), paymentMethodsData(VISIT_PURPOSE, String(appointment.id))).row();
    keyboard.text(ctx.t('booking-my'), 'booking:my').row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    await editOrReply(ctx, `${headline}\n\n${ctx.t('booking-details', visitVariables(view, ctx.locale, timeZone()))}`, { reply_markup: keyboard });
  };

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

  // ── my appointments ────────────────────────────────────────────────────────────────────────
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

  privateChats.callbackQuery(/^bk:a:(\d{1,12})$/, async (ctx, next) => {
    const appointment = await own(ctx, ctx.match[1]);
    if (!appointment) return next();
    await ctx.answerCallbackQuery();
    await cardScreen(ctx, appointment);
  });

  const refusal = async (ctx: BotContext, error: unknown, appointmentId: number) => {
    if (!(error instanceof BookingError)) throw error;
    const key = error.code === 'booking.too_late' ? 'booking-too-late' : error.code === 'booking.not_active' ? 'booking-not-active' : 'booking-slot-unavailable';
    await ctx.answerCallbackQuery({ text: ctx.t(key, { hours: Math.round(Number(error.details.cutoffMinutes ?? 0) / 6) / 10 }), show_alert: true });
    const fresh = await booking.get(appointmentId);
    if (fresh) await cardScreen(ctx, fresh);
  };

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

  // Reschedule: same doctor, a new day and time; the old slot is freed in the same transaction.
  const rescheduleData = (appointmentId: number) => ({
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

  // ── staff: today's visits ──────────────────────────────────────────────────────────────────
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

  return composer;
}

/** `вторник, 10 марта` in the user's language. */
function formatDay(date: string, ctx: BotContext): string {
  return new Intl.DateTimeFormat(ctx.locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(Date.parse(`${date}T12:00:00Z`));
}
