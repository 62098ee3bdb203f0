/**
 * The clinic ERP contract as an OpenAPI 3.1 document, for whoever builds or adapts the ERP
 * side: every operation Lavka calls, what it sends and what it accepts back (the answer
 * schemas are the ones the client validates with). Operations the usual shape of such back
 * ends lacks are marked as Lavka's additions.
 */
import { z } from 'zod';
import { ERP_PATHS, type ErpOperation } from './clinic-erp.config.ts';
import {
  erpAppointment,
  erpBalance,
  erpBranch,
  erpChanges,
  erpCreated,
  erpDate,
  erpDoctor,
  erpDocument,
  erpDownload,
  erpFaq,
  erpIinAnswer,
  erpInvoice,
  erpList,
  erpPatient,
  erpPaymentStatus,
  erpService,
  erpSlots,
  erpUpsertAnswer,
} from './clinic-erp.contract.ts';

const telegramUserId = z.number().int().positive().describe("The patient's Telegram user id: how Lavka and the ERP name the same patient");
const localTime = z.string().regex(/^\d{2}:\d{2}$/).describe("Local time HH:MM in the clinic's time zone");
const id = z.union([z.string(), z.number()]);

/** One operation: how it is called and what it answers. */
interface ErpOperationDoc {
  method: 'GET' | 'POST' | 'PATCH';
  summary: string;
  /** Not in the usual shape of clinic back ends for bots: defined by Lavka. */
  addition?: boolean;
  /** Lavka sends `Idempotency-Key`: a repeat must return the first answer and do nothing twice. */
  idempotent?: boolean;
  query?: z.ZodObject;
  body?: z.ZodObject;
  answer: z.ZodType;
  status?: number;
}

/** Every operation of the contract. */
export const ERP_OPERATIONS: Readonly<Record<ErpOperation, ErpOperationDoc>> = {
  patientUpsert: {
    method: 'POST',
    summary: 'Creates the patient or updates their details, found by Telegram user id',
    idempotent: true,
    body: z.object({
      telegram_user_id: telegramUserId,
      telegram_username: z.string(),
      last_name: z.string(),
      first_name: z.string(),
      middle_name: z.string(),
      full_name: z.string(),
      phone: z.string().describe('+digits'),
      birth_date: erpDate,
      sex: z.enum(['male', 'female']),
      iin: z.string().regex(/^\d{12}$/),
      language: z.enum(['ru', 'kk', 'en']),
    }),
    answer: erpUpsertAnswer,
  },
  patientVerifyIin: { method: 'POST', summary: 'Whether the clinic accepts an IIN (Lavka has checked its form and check digit already)', body: z.object({ iin: z.string() }), answer: erpIinAnswer },
  patientByTelegram: { method: 'GET', summary: 'The patient linked to a Telegram user id (404 when none)', answer: erpPatient },
  branches: { method: 'GET', summary: 'Branches (a name per language, or one name)', answer: erpList(erpBranch) },
  services: { method: 'GET', summary: 'Services, optionally of one branch', query: z.object({ branch_id: id.optional() }), answer: erpList(erpService) },
  doctors: { method: 'GET', summary: 'Doctors, optionally of one service and branch, with the services they provide', query: z.object({ service_id: id.optional(), branch_id: id.optional() }), answer: erpList(erpDoctor) },
  slots: {
    method: 'GET',
    summary: "A doctor's starts on a day, each with whether it is free; Lavka offers only free ones",
    query: z.object({ doctor_id: id, date: erpDate, service_id: id.optional() }),
    answer: erpSlots,
  },
  appointmentCreate: {
    method: 'POST',
    summary: 'Books a visit; 409 when the time is taken',
    idempotent: true,
    status: 201,
    body: z.object({ telegram_user_id: telegramUserId, branch_id: id, service_id: id, doctor_id: id, date: erpDate, time: localTime }),
    answer: erpAppointment,
  },
  appointmentsMine: { method: 'GET', summary: "A patient's visits (recent and upcoming)", query: z.object({ telegram_user_id: telegramUserId }), answer: erpList(erpAppointment) },
  appointmentUpdate: { method: 'PATCH', summary: 'Moves a visit; 409 when the new time is taken', addition: true, idempotent: true, body: z.object({ date: erpDate, time: localTime }), answer: erpAppointment },
  appointmentCancel: { method: 'POST', summary: 'Cancels a visit', addition: true, idempotent: true, body: z.object({}), answer: erpAppointment },
  documents: { method: 'GET', summary: "A patient's documents", query: z.object({ telegram_user_id: telegramUserId }), answer: erpList(erpDocument) },
  documentGenerate: {
    method: 'POST',
    summary: 'Makes a document (a tax certificate, a statement of visits) for a patient',
    status: 201,
    body: z.object({ telegram_user_id: telegramUserId, document_type: z.string(), language: z.enum(['ru', 'kk', 'en']), year: z.number().int().optional() }),
    answer: erpDocument,
  },
  documentDownload: { method: 'GET', summary: "Where a document's file is: an absolute URL, or a path of the ERP (fetched with the same token)", answer: erpDownload },
  paymentInvoice: {
    method: 'POST',
    summary: 'An invoice for a patient to pay the clinic (amount in major units)',
    idempotent: true,
    status: 201,
    body: z.object({ telegram_user_id: telegramUserId, amount: z.number(), description: z.string(), appointment_id: id.optional() }),
    answer: erpInvoice,
  },
  paymentStatus: { method: 'GET', summary: "An invoice's state", answer: erpPaymentStatus },
  paymentBalance: { method: 'GET', summary: "A patient's balance with the clinic, as the ERP keeps it (shown, never mixed into Lavka's ledger)", query: z.object({ telegram_user_id: telegramUserId }), answer: erpBalance },
  paymentReport: {
    method: 'POST',
    summary: 'A payment Lavka took (QR, card) for the clinic to record; each reported once per Idempotency-Key',
    addition: true,
    idempotent: true,
    status: 201,
    body: z.object({ payment_id: z.string(), telegram_user_id: telegramUserId, amount: z.number(), currency: z.string(), method: z.string(), paid_at: z.string(), appointment_id: id.optional() }),
    answer: erpCreated,
  },
  feedback: { method: 'POST', summary: "A patient's score (0–10) and comment on a visit", idempotent: true, status: 201, body: z.object({ telegram_user_id: telegramUserId, appointment_id: id, score: z.number().int().min(0).max(10), comment: z.string() }), answer: erpCreated },
  supportTicket: { method: 'POST', summary: "A patient's question to the clinic", idempotent: true, status: 201, body: z.object({ telegram_user_id: telegramUserId, subject: z.string(), message: z.string() }), answer: erpCreated },
  faq: { method: 'GET', summary: 'Questions and answers in a language', query: z.object({ language: z.enum(['ru', 'kk', 'en']) }), answer: erpFaq },
  changes: {
    method: 'GET',
    summary: 'What changed in the ERP since a cursor (visits cancelled, moved, completed; documents ready), oldest first',
    addition: true,
    query: z.object({ since: z.string().describe('The last change id Lavka applied ("0" at first)'), limit: z.number().int().max(500) }),
    answer: erpChanges,
  },
};

const schemaOf = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/** The OpenAPI 3.1 document of the ERP side of the contract. */
export function clinicErpOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operation, doc] of Object.entries(ERP_OPERATIONS) as [ErpOperation, ErpOperationDoc][]) {
    const path = ERP_PATHS[operation];
    const query = doc.query ? (schemaOf(doc.query) as { properties?: Record<string, unknown>; required?: string[] }) : undefined;
    paths[path] = {
      ...paths[path],
      [doc.method.toLowerCase()]: {
        operationId: operation,
        summary: doc.summary,
        ...(doc.addition ? { description: "Lavka's addition to the usual shape of clinic back ends for bots." } : {}),
        parameters: [
          ...(path.includes('{id}') ? [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] : []),
          { name: 'organization_id', in: 'query', required: false, description: 'Sent when connectors.clinic.organizationId is set (back ends serving several clinics)', schema: { type: 'string' } },
          ...Object.entries(query?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: (query?.required ?? []).includes(name), schema })),
          ...(doc.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: true, description: 'The same key again must get the first answer and change nothing', schema: { type: 'string' } }] : []),
        ],
        ...(doc.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(doc.body) } } } } : {}),
        responses: {
          [String(doc.status ?? 200)]: { description: 'Done', content: { 'application/json': { schema: schemaOf(doc.answer) } } },
          '401': { description: 'The token is wrong' },
          ...(doc.method === 'GET' ? {} : { '409': { description: 'A conflict: the time is taken' } }),
          '4XX': { description: 'Refused, with `{ "error": "…" }`' },
          '5XX': { description: 'Down: Lavka retries and, after several failures, pauses and tells the staff' },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Clinic ERP contract (the ERP side)',
      version,
      description:
        "What Lavka calls on a clinic's ERP when `connectors.clinic` is set. Every call carries `Authorization: Bearer <CLINIC_ERP_TOKEN>`. Field names and paths that differ in your ERP are mapped in the config (`fields`, `paths`) without code.",
    },
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
