import { localeOr, type Locale } from '../../config/business.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { DbExecutor } from '../../db/database.ts';
import type { PaymentRecord } from '../payments/payments.tables.ts';
import type { PaymentPurpose } from '../payments/payments.types.ts';
import { formatVisitTime } from './booking.messages.ts';
import { createBookingRepository } from './booking.repository.ts';
import type { BookingSettings } from './booking.settings.ts';
import type { BookingService } from './booking.service.ts';
import type { AppointmentRecord } from './booking.tables.ts';

/**
 * Tells the clinic's own system of a visit's payment or its refund, in the transaction that
 * settles it (with the ERP connector: its outbox); absent when Lavka keeps the clinic's books.
 */
export type VisitPaymentReporter = (executor: DbExecutor, payment: PaymentRecord, appointment: AppointmentRecord | undefined, kind: 'paid' | 'refund') => Promise<void>;

/** The payment purpose under which visits are paid for; the ref is the appointment id. */
export const VISIT_PURPOSE = 'visit';

/**
 * Visits as something the payments module can charge for: the quote is what is still due on
 * the patient's own appointment, and a settled payment is recorded on it in the same
 * transaction. A visit is a physical service: Telegram's payment rules forbid paying it in
 * Stars, so it is paid by card, QR, transfer or at the clinic.
 */
export function createVisitPurpose(deps: { booking: BookingService; i18n: Translator; settings: BookingSettings; timeZone(): string; report?: VisitPaymentReporter }): PaymentPurpose {
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
      // The money was taken even for a visit gone since: the clinic's books hear of it either way.
      await deps.report?.(trx, payment, appointment, 'paid');
      if (!appointment) return;
      return { text: i18n.t(localeOf(payment.locale), 'booking-paid', { id: appointment.id }) };
    },
    // Only the clinic's books hear of a refund: the visit keeps what Lavka recorded as paid, as before.
    ...(deps.report
      ? {
          async onRefunded(trx: DbExecutor, payment: PaymentRecord) {
            const appointment = /^\d{1,12}$/.test(payment.purpose_ref) ? await createBookingRepository(trx).findAppointment(Number(payment.purpose_ref)) : undefined;
            await deps.report?.(trx, payment, appointment, 'refund');
          },
        }
      : {}),
  };
}
