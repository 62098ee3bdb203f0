/**
 * The clinic ERP contract: what Lavka sends and what it accepts back, in the contract's own
 * field names (the config's field mapping renames them for a back end that differs). Every
 * answer is validated here before anything is written: an ERP is an outside system.
 */
import { z } from 'zod';

/** An id as back ends send them: a number or a string; kept as a string. */
export const erpId = z.union([z.string().min(1).max(64), z.number().int()]).transform(String);

/** A local date `YYYY-MM-DD` in the clinic's time zone. */
export const erpDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** A local time `HH:MM` (seconds, if sent, are dropped). */
export const erpTime = z
  .string()
  .regex(/^\d{2}:\d{2}(:\d{2})?$/, 'expected HH:MM')
  .transform((value) => value.slice(0, 5));

/** A name in one language, or per language (`{ ru, kk, en }`). */
export const erpText = z.union([z.string().min(1).max(500), z.record(z.string().regex(/^[a-z]{2}$/), z.string().max(500))]);

/** An amount in major units, as a number or a decimal string (`"8000.00"`). */
export const erpAmount = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]).pipe(z.number().finite());

/** A list as back ends answer it: bare, or under `results` (paged) or a named key. */
export function erpList<T extends z.ZodType>(item: T, key?: string) {
  return z.union([z.array(item), z.object({ results: z.array(item) }).transform((value) => value.results), ...(key ? [z.object({ [key]: z.array(item) }).transform((value) => value[key] as z.infer<T>[])] : [])]);
}

export const erpPatient = z.object({
  patient_id: erpId,
  full_name: z.string().max(300).optional(),
  phone: z.string().max(32).optional(),
  birth_date: erpDate.optional(),
  iin: z.string().max(12).optional(),
});
export type ErpPatient = z.infer<typeof erpPatient>;

export const erpUpsertAnswer = z.object({ patient_id: erpId, created: z.boolean().optional() });

export const erpIinAnswer = z.object({ valid: z.boolean(), error: z.string().max(300).optional() });

export const erpBranch = z.object({ id: erpId, name: erpText, address: erpText.optional(), phone: z.string().max(40).nullish(), is_active: z.boolean().default(true) });
export type ErpBranch = z.infer<typeof erpBranch>;

export const erpService = z.object({
  id: erpId,
  name: erpText,
  duration_minutes: z.coerce.number().int().min(5).max(24 * 60),
  price: erpAmount.pipe(z.number().min(0)),
  is_active: z.boolean().default(true),
});
export type ErpService = z.infer<typeof erpService>;

export const erpDoctor = z.object({
  id: erpId,
  full_name: erpText,
  specialty: erpText.optional(),
  branch_id: erpId,
  service_ids: z.array(erpId).max(500).default([]),
  is_active: z.boolean().default(true),
});
export type ErpDoctor = z.infer<typeof erpDoctor>;

export const erpSlots = z.object({ slots: z.array(z.object({ time: erpTime, available: z.boolean().default(true) })).max(2000) });

/** An appointment's state in the ERP, in the contract's words. */
export const ERP_APPOINTMENT_STATUSES = ['scheduled', 'confirmed', 'cancelled', 'completed', 'no_show'] as const;

export const erpAppointment = z.object({
  id: erpId,
  status: z.enum(ERP_APPOINTMENT_STATUSES),
  date: erpDate,
  time: erpTime,
  doctor_id: erpId.optional(),
});
export type ErpAppointment = z.infer<typeof erpAppointment>;

export const erpDocument = z.object({
  id: erpId,
  title: z.string().min(1).max(300),
  document_type: z.string().max(64).optional(),
  created_at: z.string().max(40).optional(),
});
export type ErpDocument = z.infer<typeof erpDocument>;

export const erpDownload = z.object({ download_url: z.string().min(1).max(2000), filename: z.string().max(200).optional() });

export const erpInvoice = z.object({ invoice_id: erpId, amount: erpAmount, status: z.string().max(32), qr_code_url: z.string().max(2000).nullish() });

export const erpPaymentStatus = z.object({ invoice_id: erpId.optional(), status: z.string().max(32), amount: erpAmount.optional(), paid_at: z.string().max(40).nullish() });

export const erpBalance = z.object({ balance: erpAmount, currency: z.string().regex(/^[A-Z]{3}$/).optional() });

export const erpCreated = z.object({ id: erpId.optional(), ticket_id: erpId.optional() }).passthrough();

export const erpFaq = erpList(z.object({ question: z.string().min(1).max(500), answer: z.string().min(1).max(3000) }), 'faqs');

/** What the ERP reports as changed since Lavka last asked. */
export const ERP_CHANGE_TYPES = ['appointment.cancelled', 'appointment.rescheduled', 'appointment.completed', 'appointment.no_show', 'document.ready'] as const;

export const erpChange = z.object({
  id: erpId,
  type: z.string().max(64),
  appointment_id: erpId.optional(),
  date: erpDate.optional(),
  time: erpTime.optional(),
  document_id: erpId.optional(),
  telegram_user_id: z.coerce.number().int().positive().optional(),
  title: z.string().max(300).optional(),
});
export type ErpChange = z.infer<typeof erpChange>;

export const erpChanges = z.object({ changes: z.array(erpChange).max(1000), next_cursor: z.union([z.string().max(200), z.number()]).nullish() });

/** The statuses of `paymentStatus` that mean the invoice is paid (any other: not yet). */
export const ERP_PAID_STATUSES: readonly string[] = ['paid', 'succeeded', 'completed'];

/**
 * `paymentReport`'s body: a payment Lavka took for the clinic (QR, card, transfer), or its
 * refund. Sent once per payment and once per refund, each under its own idempotency key
 * (`lavka-payment-<id>-paid`, `lavka-payment-<id>-refund`). A refund carries the same
 * `payment_id`, `refund: true` and a negative `amount`, so an ERP that simply sums the
 * reports nets it right; `paid_at` is when the money moved (for a refund, when it went back).
 * Amounts are in major units, like every amount of the contract.
 */
export const erpPaymentReport = z.object({
  payment_id: z.string().min(1).max(64),
  telegram_user_id: z.number().int().positive(),
  amount: z.number().finite(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** How the patient paid: `qr`, `telegram_card`, `heleket` or `manual` (a transfer). */
  method: z.string().min(1).max(32),
  paid_at: z.string().max(40),
  /** The ERP's id of the visit paid for, when the ERP has it. */
  appointment_id: z.string().max(64).optional(),
  refund: z.boolean(),
});
export type ErpPaymentReport = z.infer<typeof erpPaymentReport>;
