import { localeOr, type Locale } from '../../config/business.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { PaymentPurpose } from '../payments/payments.types.ts';
import { formatVisitTime } from './booking.messages.ts';
import type { BookingSettings } from './booking.settings.ts';
import type { BookingService } from './booking.service.ts';

/** The payment purpose under which visits are paid for; the ref is the appointment id. */
export const VISIT_PURPOSE = 'visit';

/**
 * Visits as something the payments module can charge for: the quote is what is still due on
 * the patient's own appointment, and a settled payment is recorded on it in the same
 * transaction. A visit is a physical service: Telegram's payment rules forbid paying it in
 * Stars, so it is paid by card, QR, transfer or at the clinic.
 */
export function createVisitPurpose(deps: { booking: BookingService; i18n: Translator; settings: BookingSettings; timeZone(): string }): PaymentPurpose {
  const { booking, i18n } = deps;
  const localeOf = (value: string): Locale => localeOr(value, 'ru');
  return {
    name: VISIT_PURPOSE,
    goods: 'physical',
    async quote(ref, userId, locale) {
      if (!/^\d{1,12}$/.test(ref)) return undefined;
      const appointment = await booking.get(Number(ref));
      if (!appointment || appointment.patient_id !== userId || !['booked', 'completed'].includes(appointment.status)) return undefined;
      const dueMinor = appointment.price_minor - appointment.paid_minor;
      if (dueMinor <= 0) return undefined;
      const view = await booking.describe(appointment, locale);
      return {
        title: i18n.t(locale, 'booking-pay-title', { id: appointment.id }).slice(0, 32),
        description: i18n.t(locale, 'booking-pay-description', { service: view.serviceTitle, doctor: view.doctorName, time: formatVisitTime(view.starts_at, locale, deps.timeZone()) }).slice(0, 255),
        fiat: { amountMinor: dueMinor, currency: appointment.currency },
      };
    },
    async onPaid(trx, payment) {
      const appointment = await booking.recordPayment(trx, Number(payment.purpose_ref), { amountMinor: payment.amount_minor, currency: payment.currency });
      if (!appointment) return;
      return { text: i18n.t(localeOf(payment.locale), 'booking-paid', { id: appointment.id }) };
    },
  };
}
