import { InlineKeyboard } from 'grammy';
import type { Locale } from '../../config/business.ts';
import { dateFormat, formatTime } from '../../config/dates.ts';
import { formatMoney } from '../../config/money.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { AppointmentView, BookingMessages } from './booking.service.ts';

/** A visit's time as patients read it: `вт, 10 марта в 10:00`, `Tue 10 March at 10:00`, in the clinic's time zone. */
export function formatVisitTime(epochMs: number, locale: Locale, timeZone: string): string {
  return dateFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(epochMs);
}

/** Just the wall-clock time, `10:00`. */
export function formatClockTime(epochMs: number, locale: Locale, timeZone: string): string {
  return formatTime(epochMs, locale, timeZone);
}

/** The variables every appointment text uses. */
export function visitVariables(view: AppointmentView, locale: Locale, timeZone: string): Record<string, string | number> {
  return {
    id: view.id,
    service: view.serviceTitle,
    doctor: view.doctorName,
    specialty: view.doctorSpecialty,
    branch: view.branchTitle,
    address: view.branchAddress,
    time: formatVisitTime(view.starts_at, locale, timeZone),
    price: formatMoney(view.price_minor, view.currency, locale),
    paid: formatMoney(view.paid_minor, view.currency, locale),
  };
}

/** The texts the booking service enqueues, in the patient's language or the staff chat's. */
export function createBookingMessages(deps: { i18n: Translator; timeZone(): string }): BookingMessages {
  const { i18n } = deps;
  return {
    reminder(view, locale) {
      const keyboard = new InlineKeyboard().text(i18n.t(locale, 'booking-button-will-come'), `bk:cf:${view.id}`).text(i18n.t(locale, 'booking-button-cancel'), `bk:cx:${view.id}`);
      return {
        method: 'sendMessage',
        payload: { text: i18n.t(locale, 'booking-reminder', visitVariables(view, locale, deps.timeZone())), reply_markup: keyboard },
        priority: 'high',
      };
    },
    staffNotice(event, view, patientName, staffLocale, previousStartMs) {
      return i18n.t(staffLocale, `booking-staff-${event}`, {
        ...visitVariables(view, staffLocale, deps.timeZone()),
        patient: patientName,
        previous: previousStartMs === undefined ? '' : formatVisitTime(previousStartMs, staffLocale, deps.timeZone()),
      });
    },
    patientCancelledByClinic(view, locale) {
      return i18n.t(locale, 'booking-cancelled-by-clinic', visitVariables(view, locale, deps.timeZone()));
    },
    patientMovedByClinic(view, previousStartMs, locale) {
      return i18n.t(locale, 'booking-moved-by-clinic', { ...visitVariables(view, locale, deps.timeZone()), previous: formatVisitTime(previousStartMs, locale, deps.timeZone()) });
    },
  };
}
