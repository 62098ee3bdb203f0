import { z } from 'zod';

/** The operations of the clinic ERP contract, each with its path (`{id}` filled in). */
export const ERP_PATHS = {
  patientUpsert: '/api/bot/patient/upsert/',
  patientVerifyIin: '/api/bot/patient/verify-iin/',
  patientByTelegram: '/api/bot/patient/by-telegram/{id}/',
  branches: '/api/bot/branches/',
  services: '/api/bot/services/',
  doctors: '/api/bot/doctors/',
  slots: '/api/bot/slots/',
  appointmentCreate: '/api/bot/appointments/',
  appointmentsMine: '/api/bot/appointments/my/',
  appointmentUpdate: '/api/bot/appointments/{id}/',
  appointmentCancel: '/api/bot/appointments/{id}/cancel/',
  documents: '/api/bot/documents/',
  documentGenerate: '/api/bot/documents/generate/',
  documentDownload: '/api/bot/documents/{id}/download/',
  paymentInvoice: '/api/bot/payments/invoice/',
  paymentStatus: '/api/bot/payments/{id}/status/',
  paymentBalance: '/api/bot/payments/balance/',
  paymentReport: '/api/bot/payments/report/',
  feedback: '/api/bot/feedback/',
  supportTicket: '/api/bot/support/ticket/',
  faq: '/api/bot/support/faq/',
  changes: '/api/bot/changes/',
} as const;

/** The name of an operation of the contract. */
export type ErpOperation = keyof typeof ERP_PATHS;

const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'expected a JSON field name');

/**
 * `connectors.clinic` in the config file: where the clinic's ERP is and how its names differ
 * from the contract's. With it, the bot books in the ERP, shows its documents and balance,
 * and hears its changes; without it, Lavka keeps the clinic's data itself.
 */
export const clinicErpConfigSchema = z
  .object({
    /** The ERP's base URL; the contract's paths are appended to it. */
    url: z.url(),
    /** Sent as `organization_id` to a back end that serves several clinics. */
    organizationId: z.union([z.string().min(1).max(64), z.number().int()]).optional(),
    /** How long one call may take. */
    timeoutMs: z.number().int().min(500).max(60_000).default(8000),
    /** How long free slots read from the ERP are reused (a booking always asks again). */
    slotCacheSeconds: z.number().int().min(0).max(600).default(30),
    /** How often Lavka asks the ERP what changed (cancelled visits, ready documents). */
    pollSeconds: z.number().int().min(5).max(3600).default(30),
    /** How often branches, services and doctors are read again. */
    syncMinutes: z.number().int().min(1).max(1440).default(10),
    /** Failed calls in a row after which Lavka stops calling for `pauseSeconds` (the circuit breaker). */
    breaker: z
      .object({ failures: z.number().int().min(1).max(100).default(5), pauseSeconds: z.number().int().min(1).max(3600).default(30) })
      .prefault({}),
    /** A path per operation where the ERP's differ from the contract's, e.g. `doctors: /api/bot/employees/`. */
    paths: z.partialRecord(z.enum(Object.keys(ERP_PATHS) as [ErpOperation, ...ErpOperation[]]), z.string().regex(/^\/[^\s?#]*$/, 'expected a path starting with /')).default({}),
    /**
     * The ERP's name for a field of the contract, where it differs: `{ doctor_id: employee_id }`.
     * Applied to queries, bodies and answers, at any depth.
     */
    fields: z.record(fieldName, fieldName).default({}),
  })
  .strict();

/** `connectors.clinic` as validated. */
export type ClinicErpConfig = z.infer<typeof clinicErpConfigSchema>;
