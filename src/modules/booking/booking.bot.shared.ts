/**
 * What the parts of the booking bot share: their dependencies, the compact callback encodings
 * (minutes, dates, months), and the screens more than one part shows (a month's calendar, a
 * day's times, the alternatives to a taken slot, "booked").
 */
import { InlineKeyboard, type ChatTypeContext, type Composer } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import { MAIN_MENU_ACTION, editOrReply } from '../../telegram/menu.ts';
import { paymentMethodsData } from '../payments/payments.callbacks.ts';
import { calendarKeyboard } from './booking.calendar.ts';
import { formatClockTime, formatVisitTime, visitVariables } from './booking.messages.ts';
import { VISIT_PURPOSE } from './booking.purpose.ts';
import type { BookingService, FreeSlot } from './booking.service.ts';
import type { AppointmentRecord } from './booking.tables.ts';
import type { ErpClinicAccount } from './connectors/booking.erp-account.ts';

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
  /** The patient's account as the clinic's ERP keeps it (connectors.clinic); without it, Lavka's own visit balance. */
  clinicAccount?: ErpClinicAccount;
  now(): number;
}

/** The booking composer's handlers for private chats. */
export type PrivateChats = Composer<ChatTypeContext<BotContext, 'private'>>;

/** Time buttons per row on a day's screen. */
const TIMES_PER_ROW = 4;

/** Callback minutes: epoch milliseconds / 60 000, short enough for callback data. */
export const toMinutes = (ms: number): number => Math.round(ms / 60_000);
export const fromMinutes = (minutes: string | number): number => Number(minutes) * 60_000;
export const compactDate = (date: string): string => date.replaceAll('-', '');
/** `YYYYMMDD` → `YYYY-MM-DD`, or undefined for a day that does not exist (forged data). */
export const expandDate = (compact: string): string | undefined => {
  const date = `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
  const parsed = Date.parse(`${date}T12:00:00Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().slice(0, 10) === date ? date : undefined;
};
export const expandMonth = (compact: string): string => `${compact.slice(0, 4)}-${compact.slice(4, 6)}`;

/** `вторник, 10 марта` in the user's language. */
export function formatDay(date: string, ctx: BotContext): string {
  return new Intl.DateTimeFormat(ctx.locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(Date.parse(`${date}T12:00:00Z`));
}

/** Callback data of a calendar: a month's page, a day, and the way back. */
export interface CalendarData {
  month(month: string): string;
  day(date: string): string;
  back: string;
}

/** What the parts of the booking bot share. */
export interface BookingBotShared {
  deps: BookingComposerDeps;
  booking: BookingService;
  timeZone(): string;
  /** Sends an unregistered user to register (then to `then`); true when it did. */
  needRegistration(ctx: BotContext, then: string): Promise<boolean>;
  monthScreen(ctx: BotContext, query: { branchId: number; serviceId: number; doctorId?: number }, month: string, data: CalendarData, title: string): Promise<void>;
  timesKeyboard(ctx: BotContext, slots: readonly FreeSlot[], data: (slot: FreeSlot) => string): InlineKeyboard;
  alternativesKeyboard(ctx: BotContext, alternatives: readonly FreeSlot[], data: (slot: FreeSlot) => string, otherDay: string): InlineKeyboard;
  bookedScreen(ctx: BotContext, appointment: AppointmentRecord, headline: string): Promise<void>;
}

/** The helpers and screens shared by the parts of the booking bot. */
export function createBookingBotShared(deps: BookingComposerDeps): BookingBotShared {
  const { booking } = deps;
  const timeZone = () => deps.timeZone();

  const needRegistration = async (ctx: BotContext, then: string): Promise<boolean> => {
    if (await deps.isRegistered(ctx.from?.id ?? 0)) return false;
    const keyboard = new InlineKeyboard().text(ctx.t('patients-register-button'), deps.registrationData(then)).row().text(ctx.t('menu-back-to-main'), MAIN_MENU_ACTION);
    await editOrReply(ctx, ctx.t('booking-need-registration'), { reply_markup: keyboard });
    return true;
  };

  /** The calendar of a month for a new booking (`prefix` = `bk:m:b:s:d`) or a reschedule (`bk:rm:<id>`). */
  const monthScreen = async (
    ctx: BotContext,
    query: { branchId: number; serviceId: number; doctorId?: number },
    month: string,
    data: CalendarData,
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

  return { deps, booking, timeZone, needRegistration, monthScreen, timesKeyboard, alternativesKeyboard, bookedScreen };
}
