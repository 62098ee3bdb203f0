/**
 * The patient's account with the clinic when the clinic's ERP keeps it: the balance and the
 * invoices are the ERP's (read live, never copied into Lavka's ledger), and the payments
 * Lavka itself takes for visits are reported to the ERP through its outbox, in the same
 * transaction as the payment settles, so a report is neither lost (the ERP was down) nor
 * doubled (a retry, a second instance: one idempotency key per payment and kind).
 */
import { toMajor, toMinor } from '../../../config/money.ts';
import type { Db, DbExecutor } from '../../../db/database.ts';
import type { ClinicErpClient } from '../../clinic-erp/clinic-erp.client.ts';
import { ERP_PAID_STATUSES, erpBalance, erpInvoice, erpPaymentStatus, type ErpPaymentReport } from '../../clinic-erp/clinic-erp.contract.ts';
import type { ErpOutgoingWrite } from '../../clinic-erp/clinic-erp.outbox.ts';
import type { PaymentRecord } from '../../payments/payments.tables.ts';
import type { AppointmentRecord } from '../booking.tables.ts';

/** What the account needs of the clinic-erp module. */
export interface ErpClinicAccountDeps {
  db: Db;
  client: Pick<ClinicErpClient, 'call'>;
  /** Queues a write for the ERP in the caller's transaction (the clinic-erp outbox). */
  send(executor: DbExecutor, write: ErpOutgoingWrite): Promise<boolean>;
  /** The clinic's currency, for an ERP that does not name one. */
  currency: string;
  now(): number;
}

/** The patient's account with the clinic as the ERP keeps it. Positive: credit; negative: owed to the clinic. */
export interface ErpBalance {
  balanceMinor: number;
  currency: string;
}

/** An invoice the ERP issued, as the bot shows it. */
export interface ErpIssuedInvoice {
  invoiceId: string;
  amountMinor: number;
  currency: string;
  /** What the patient scans or opens to pay (the ERP's acquirer), when the ERP gives one. */
  payUrl: string | undefined;
}

/** The longest invoice id that still fits the "check payment" button's callback data (64 bytes). */
export const MAX_INVOICE_ID_LENGTH = 48;

/** The idempotency key of a payment's report (`paid`) or of its refund's. */
export const paymentReportKey = (paymentId: number, kind: 'paid' | 'refund') => `lavka-payment-${paymentId}-${kind}`;

/** Reads invoice rows of the ERP's invoices issued through the bot (SQL only). */
function createErpInvoicesRepository(executor: DbExecutor) {
  return {
    async remember(invoice: ErpIssuedInvoice, patientId: number, nowMs: number): Promise<void> {
      await executor
        .insertInto('booking_erp_invoices')
        .values({ invoice_id: invoice.invoiceId, patient_id: patientId, amount_minor: invoice.amountMinor, currency: invoice.currency, status: 'pending', created_at: nowMs, paid_at: null })
        .onConflict((conflict) => conflict.column('invoice_id').doNothing())
        .execute();
    },
    find: (invoiceId: string, patientId: number) =>
      executor.selectFrom('booking_erp_invoices').selectAll().where('invoice_id', '=', invoiceId).where('patient_id', '=', patientId).executeTakeFirst(),
    /** Marks it paid; false when it already was (someone else told the patient). */
    async markPaid(invoiceId: string, nowMs: number): Promise<boolean> {
      const result = await executor.updateTable('booking_erp_invoices').set({ status: 'paid', paid_at: nowMs }).where('invoice_id', '=', invoiceId).where('status', '=', 'pending').executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

/** The clinic account backed by the ERP. */
export function createErpClinicAccount(deps: ErpClinicAccountDeps) {
  const { client } = deps;
  return {
    /** The patient's balance in the ERP now (throws `clinic_erp.unavailable` when it is down). */
    async balance(patientId: number): Promise<ErpBalance> {
      const answer = await client.call('paymentBalance', { query: { telegram_user_id: patientId }, answer: erpBalance });
      const currency = answer.currency ?? deps.currency;
      return { balanceMinor: toMinor(answer.balance, currency), currency };
    },

    /**
     * Asks the ERP for an invoice of what the patient owes. `intent` names one press of one
     * "Pay" button: pressed twice, the ERP answers with the same invoice.
     */
    async issueInvoice(request: { patientId: number; amountMinor: number; currency: string; description: string; intent: string }): Promise<ErpIssuedInvoice> {
      const answer = await client.call('paymentInvoice', {
        method: 'POST',
        body: { telegram_user_id: request.patientId, amount: toMajor(request.amountMinor, request.currency), description: request.description },
        idempotencyKey: `lavka-invoice-${request.patientId}-${request.intent}`,
        answer: erpInvoice,
      });
      const invoice = { invoiceId: answer.invoice_id, amountMinor: toMinor(answer.amount, request.currency), currency: request.currency, payUrl: answer.qr_code_url ?? undefined };
      await createErpInvoicesRepository(deps.db).remember(invoice, request.patientId, deps.now());
      return invoice;
    },

    /**
     * Where the patient's invoice stands in the ERP: `unknown` for an invoice that is not
     * theirs (a forged button), `paid` the first time the ERP says so — `tell` then runs in
     * the transaction that records it, so the patient hears of it once — `already_paid`
     * after that, else `pending`.
     */
    async checkInvoice(
      patientId: number,
      invoiceId: string,
      tell: (executor: DbExecutor, invoice: { amountMinor: number; currency: string }) => Promise<void>,
    ): Promise<{ status: 'unknown' | 'pending' | 'paid' | 'already_paid' }> {
      const invoice = await createErpInvoicesRepository(deps.db).find(invoiceId, patientId);
      if (!invoice) return { status: 'unknown' };
      if (invoice.status === 'paid') return { status: 'already_paid' };
      const answer = await client.call('paymentStatus', { id: invoiceId, answer: erpPaymentStatus });
      if (!ERP_PAID_STATUSES.includes(answer.status.toLowerCase())) return { status: 'pending' };
      return deps.db.transaction().execute(async (trx) => {
        if (!(await createErpInvoicesRepository(trx).markPaid(invoiceId, deps.now()))) return { status: 'already_paid' as const };
        await tell(trx, { amountMinor: invoice.amount_minor, currency: invoice.currency });
        return { status: 'paid' as const };
      });
    },

    /**
     * Queues the report of a visit's payment (`paid`) or of its refund in `executor`, the
     * transaction that settles it. Once per payment and kind, whatever repeats.
     */
    async reportPayment(executor: DbExecutor, payment: PaymentRecord, appointment: AppointmentRecord | undefined, kind: 'paid' | 'refund'): Promise<void> {
      const refund = kind === 'refund';
      const amount = toMajor(payment.amount_minor, payment.currency);
      const movedAtMs = (refund ? payment.refunded_at : payment.paid_at) ?? deps.now();
      const body: ErpPaymentReport = {
        payment_id: String(payment.id),
        telegram_user_id: payment.user_id,
        amount: refund ? -amount : amount,
        currency: payment.currency,
        method: payment.provider,
        paid_at: new Date(movedAtMs).toISOString(),
        ...(appointment?.external_id ? { appointment_id: appointment.external_id } : {}),
        refund,
      };
      await deps.send(executor, { operation: 'paymentReport', body, idempotencyKey: paymentReportKey(payment.id, kind) });
    },
  };
}

/** The clinic account backed by the ERP. */
export type ErpClinicAccount = ReturnType<typeof createErpClinicAccount>;
