// The clinic's booking in the Mini App: branch → service → doctor (or any) → a month of days
// with free times → a day's times → confirm. The same booking service as the bot answers every
// step, so the rules are the bot's: the booking window and lead time, the clinic's time zone,
// a patient registered in the chat, and double booking refused by the database (or by the
// clinic's ERP, when it keeps the schedule). Times and dates are formatted here (in the
// clinic's zone, with the server's full set of languages), so the app never converts a time
// and reads month and day names in Kazakh even where the browser knows none.

import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import { dateFormat } from '../../config/dates.ts';
import { formatMoney } from '../../config/money.ts';
import type { Db } from '../../db/database.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { miniAppRoute, type AnyApiRoute } from '../../platform/route.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { shiftMonth } from './booking.calendar.ts';
import { formatClockTime, visitVariables } from './booking.messages.ts';
import { BookingError, type BookingService, type FreeSlot } from './booking.service.ts';
import { pickLocalised } from './booking.settings.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
/** A choice of branch, service and doctor; no doctor: any doctor free at the time. */
const choice = {
  branch_id: z.coerce.number().int().positive(),
  service_id: z.coerce.number().int().positive(),
  doctor_id: z.coerce.number().int().positive().optional().describe('Absent: any doctor free at that time'),
};

/** Dependencies of the booking routes of the Mini App. */
export interface BookingMiniAppDeps {
  booking: BookingService;
  isRegistered(userId: number): Promise<boolean>;
  /** The patients module's callback data that sends a user to register, then to `then`. */
  registrationData(then: string): string;
  db: Db;
  i18n: Translator;
  timeZone(): string;
  now(): number;
}

/** The booking routes of the Mini App's API. */
export function createBookingMiniAppRoutes(deps: BookingMiniAppDeps): AnyApiRoute[] {
  const { booking, i18n } = deps;

  /** The doctors who may be chosen for a service at a branch; a doctor not among them is refused. */
  const doctorsFor = async (branchId: number, serviceId: number, doctorId: number | undefined) => {
    const doctors = await booking.listDoctors({ branchId, serviceId });
    if (doctors.length === 0 || (doctorId !== undefined && !doctors.some((doctor) => doctor.id === doctorId))) {
      throw new BookingError('booking.unknown_doctor', 'There is no such doctor for this service at this branch.');
    }
    return doctors;
  };

  const slotView = (slot: FreeSlot, locale: Locale) => ({
    starts_at: slot.startMs,
    time: formatClockTime(slot.startMs, locale, deps.timeZone()),
    doctor_ids: slot.doctorIds,
  });
  /** A local date (`YYYY-MM-DD`) as the reader says it: `сейсенбі, 10 наурыз`. Read at noon UTC, so it stays that day. */
  const dayLabel = (date: string, locale: Locale) => dateFormat(locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(Date.parse(`${date}T12:00:00Z`));
  /** Every day of a month (`YYYY-MM`), with its label. */
  const monthDays = (month: string, locale: Locale) => {
    const [year, index] = month.split('-').map(Number) as [number, number];
    const length = new Date(Date.UTC(year, index, 0)).getUTCDate();
    return Array.from({ length }, (_, day) => `${month}-${String(day + 1).padStart(2, '0')}`).map((date) => ({ date, label: dayLabel(date, locale) }));
  };

  /** "Please register" in the chat, with the button that starts the registration (then booking). */
  const registrationPrompt = (userId: number, locale: Locale) => ({
    chatId: userId,
    method: 'sendMessage' as const,
    payload: {
      text: i18n.t(locale, 'booking-need-registration'),
      reply_markup: new InlineKeyboard().text(i18n.t(locale, 'patients-register-button'), deps.registrationData('booking:new')),
    },
    priority: 'high' as const,
  });

  return [
    miniAppRoute({
      method: 'GET',
      url: '/booking/start',
      summary: 'Whether the user is a registered patient, and the branches that take bookings',
      handler: async ({ principal }) => ({
        registered: await deps.isRegistered(principal.userId),
        branches: (await booking.listBranches()).map((branch) => ({
          id: branch.id,
          title: pickLocalised(branch.title, principal.locale),
          address: pickLocalised(branch.address, principal.locale),
        })),
      }),
    }),
    miniAppRoute({
      method: 'POST',
      url: '/booking/registration',
      summary: 'Sends the user the registration button in the chat (the app then closes)',
      handler: async ({ principal }) => {
        if (await deps.isRegistered(principal.userId)) return { sent: false };
        // One prompt a minute at most, however often the button is pressed.
        const minute = Math.floor(deps.now() / 60_000);
        await enqueueOutbox(deps.db, { ...registrationPrompt(principal.userId, principal.locale), dedupeKey: `booking:miniapp-register:${principal.userId}:${minute}` }, deps.now());
        return { sent: true };
      },
    }),
    miniAppRoute({
      method: 'GET',
      url: '/booking/branches/:id/services',
      summary: 'The services of a branch with their duration and price',
      params: idParams,
      handler: async ({ params, principal }) => {
        const branch = await booking.getBranch(params.id);
        if (!branch || branch.is_active !== 1) throw new BookingError('booking.unknown_branch', 'There is no such branch.');
        return {
          services: (await booking.servicesAtBranch(branch.id)).map((service) => ({
            id: service.id,
            title: pickLocalised(service.title, principal.locale),
            duration_minutes: service.duration_minutes,
            price: formatMoney(service.price_minor, service.currency, principal.locale),
          })),
        };
      },
    }),
    miniAppRoute({
      method: 'GET',
      url: '/booking/doctors',
      summary: 'The doctors who give a service at a branch',
      query: z.object({ branch_id: choice.branch_id, service_id: choice.service_id }),
      handler: async ({ query, principal }) => ({
        doctors: (await doctorsFor(query.branch_id, query.service_id, undefined)).map((doctor) => ({
          id: doctor.id,
          name: pickLocalised(doctor.name, principal.locale),
          specialty: pickLocalised(doctor.specialty, principal.locale),
        })),
      }),
    }),
    miniAppRoute({
      method: 'GET',
      url: '/booking/calendar',
      summary: 'The days of a month with free times, within the booking window',
      query: z.object({ ...choice, month: isoMonth.optional().describe('Absent: the first month with a free day') }),
      handler: async ({ query, principal }) => {
        await doctorsFor(query.branch_id, query.service_id, query.doctor_id);
        const window = booking.bookingWindow();
        const [firstMonth, lastMonth] = [window.firstDate.slice(0, 7), window.lastDate.slice(0, 7)];
        const request = { branchId: query.branch_id, serviceId: query.service_id, doctorId: query.doctor_id };
        let month = query.month !== undefined && query.month >= firstMonth && query.month <= lastMonth ? query.month : firstMonth;
        let dates = await booking.datesWithSlots({ ...request, month });
        // Late in the month the first free day may be next month: open there rather than on an empty page.
        if (query.month === undefined && dates.size === 0 && month < lastMonth) {
          month = shiftMonth(month, 1);
          dates = await booking.datesWithSlots({ ...request, month });
        }
        return {
          month,
          title: dateFormat(principal.locale, { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(Date.parse(`${month}-15T12:00:00Z`)),
          weekdays: i18n.t(principal.locale, 'booking-calendar-weekdays').split(/\s+/),
          days: monthDays(month, principal.locale),
          first_date: window.firstDate,
          last_date: window.lastDate,
          previous_month: month > firstMonth ? shiftMonth(month, -1) : null,
          next_month: month < lastMonth ? shiftMonth(month, 1) : null,
          dates: [...dates].sort(),
        };
      },
    }),
    miniAppRoute({
      method: 'GET',
      url: '/booking/slots',
      summary: 'The free times of one day, in the clinic’s time zone',
      query: z.object({ ...choice, date: isoDate }),
      handler: async ({ query, principal }) => {
        await doctorsFor(query.branch_id, query.service_id, query.doctor_id);
        const slots = await booking.freeSlots({ branchId: query.branch_id, serviceId: query.service_id, doctorId: query.doctor_id, fromDate: query.date, toDate: query.date });
        return { date: query.date, day: dayLabel(query.date, principal.locale), slots: slots.map((slot) => slotView(slot, principal.locale)) };
      },
    }),
    miniAppRoute({
      method: 'POST',
      url: '/booking/appointments',
      status: 201,
      summary: 'Books the registered user at a free time; a taken time is refused (409) with the nearest free ones',
      body: z.object({ ...choice, starts_at: z.number().int().positive().describe('A start from /booking/slots (epoch ms)') }),
      handler: async ({ body, principal }) => {
        let appointment;
        try {
          appointment = await booking.book({
            patientId: principal.userId,
            branchId: body.branch_id,
            serviceId: body.service_id,
            doctorId: body.doctor_id,
            startMs: body.starts_at,
            locale: principal.locale,
          });
        } catch (error) {
          // The alternatives go to the app as times it can offer, in the user's language.
          if (error instanceof BookingError && Array.isArray(error.details.alternatives)) {
            const alternatives = (error.details.alternatives as FreeSlot[]).map((slot) => ({ ...slotView(slot, principal.locale), date: slot.date, day: dayLabel(slot.date, principal.locale) }));
            throw new BookingError(error.code, error.message, { ...error.details, alternatives });
          }
          throw error;
        }
        const view = await booking.describe(appointment, principal.locale);
        const details = i18n.t(principal.locale, 'booking-details', visitVariables(view, principal.locale, deps.timeZone()));
        // The chat hears of it too, as when the visit is booked there: the visit and the way to it.
        await enqueueOutbox(
          deps.db,
          {
            chatId: principal.userId,
            method: 'sendMessage',
            payload: { text: `${i18n.t(principal.locale, 'booking-booked')}\n\n${details}`, reply_markup: new InlineKeyboard().text(i18n.t(principal.locale, 'booking-my'), 'booking:my') },
            priority: 'high',
            dedupeKey: `booking:${appointment.id}:miniapp-booked`,
          },
          deps.now(),
        );
        return { appointment: { id: appointment.id, starts_at: appointment.starts_at, details } };
      },
    }),
  ];
}
