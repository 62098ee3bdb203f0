/**
 * What the documents use cases share: the error, settings and upload schemas, the service's
 * dependencies, tokens and file checks, and `createDocumentsCore` (the repository, staff
 * notices and the confirmation PDF).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import { type OutboxMessage } from '../../delivery/outbox.ts';
import { formatLocalDateTime } from '../../delivery/zoned-time.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { formatVisitTime } from '../booking/booking.messages.ts';
import type { BookingService } from '../booking/booking.service.ts';
import type { AppointmentRecord } from '../booking/booking.tables.ts';
import { formatIsoDate } from '../patients/iin.ts';
import type { PatientsService } from '../patients/patients.service.ts';
import { renderConfirmationPdf } from './confirmation.pdf.ts';
import { createDocumentsRepository } from './documents.repository.ts';
import type { DocumentsBackend } from './connectors/documents.backend.ts';
import type { DocumentSummary } from './documents.tables.ts';
import { type ErrorKind, refusalClass } from '../../platform/errors.ts';

const DOCUMENTS_KINDS: Readonly<Record<DocumentsErrorCode, ErrorKind>> = {
  'documents.not_found': 'not_found',
  'documents.unknown_patient': 'not_found',
  'documents.unknown_request': 'not_found',
  'documents.unknown_kind': 'invalid',
  'documents.request_closed': 'conflict',
  'documents.too_large': 'too_large',
  'documents.wrong_type': 'unsupported',
};

/** A document rule was broken; `code` says which (`documents.not_found`, …). */
export class DocumentsError extends refusalClass<DocumentsErrorCode>('DocumentsError', DOCUMENTS_KINDS) {}

/** Every reason a document action is refused. */
export type DocumentsErrorCode =
  | 'documents.not_found'
  | 'documents.unknown_patient'
  | 'documents.unknown_request'
  | 'documents.unknown_kind'
  | 'documents.request_closed'
  | 'documents.too_large'
  | 'documents.wrong_type';

/** Settings under `settings.documents`. */
export const documentsSettingsSchema = z
  .object({
    maxUploadMegabytes: z.number().min(1).max(50).default(10),
    /** Certificate kinds patients can request; each has a text `documents-cert-<kind>`. */
    certificateKinds: z.array(z.string().regex(/^[a-z_]{1,16}$/)).min(1).max(10).default(['work', 'school', 'sport', 'pool', 'tax']),
    /**
     * With the clinic's ERP: the certificate kinds it makes at once, as its `document_type`
     * (a certificate for work is its statement of visits). Other kinds go to the staff.
     */
    clinicDocumentTypes: z.record(z.string().regex(/^[a-z_]{1,16}$/), z.string().regex(/^[A-Za-z0-9_-]{1,32}$/)).default({ tax: 'tax', work: 'visits' }),
  })
  .prefault({});

/** Validated documents settings. */
export type DocumentsSettings = z.infer<typeof documentsSettingsSchema>;

/** What staff upload. */
export const uploadInputSchema = z.object({
  patientId: z.number().int(),
  kind: z.enum(['certificate', 'lab_result', 'other']),
  title: z.string().trim().min(1).max(120),
  fileName: z.string().trim().min(1).max(120),
  mimeType: z.enum(['application/pdf', 'image/png', 'image/jpeg']),
  requestId: z.number().int().positive().optional(),
  uploadedBy: z.string().max(64).optional(),
});

/** A file that is ready to send: bytes, or a Telegram file id to re-send. */
export type DownloadFile = { document: DocumentSummary; fileName: string } & ({ bytes: Uint8Array } | { telegramFileId: string });

/** Dependencies of the documents service. */
export interface DocumentsServiceDeps {
  db: Db;
  now(): number;
  /** The business time zone now (the owner may change it while Lavka runs). */
  timeZone(): string;
  businessName: string;
  settings: DocumentsSettings;
  i18n: Translator;
  booking: BookingService;
  patients: PatientsService;
  /** The patient's language; never called inside a transaction. */
  localeOf(userId: number): Promise<Locale>;
  /** Chats that receive staff alerts, each with its language, read through `executor` (possibly a transaction). */
  staffChats(executor: DbExecutor): Promise<readonly { chatId: number; locale: Locale }[]>;
  /** The clinic's language: confirmations staff download from the admin panel are made in it. */
  staffLocale: Locale;
  /** Where the clinic keeps the documents Lavka does not (its ERP); default: nowhere else. */
  backend?: DocumentsBackend;
}

/** An unguessable document token: 128 random bits, URL- and callback-safe (22 characters). */
export function newDocumentToken(): string {
  return randomBytes(16).toString('base64url');
}

export const MAGIC: Record<string, (bytes: Uint8Array) => boolean> = {
  'application/pdf': (bytes) => Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-',
  'image/png': (bytes) => bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47,
  'image/jpeg': (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
};

/** Keeps a file name to letters, digits and a few signs, so it is safe in headers and on disk. */
export function safeFileName(name: string, fallback: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/^\.+/, '').slice(0, 100).trim();
  return cleaned || fallback;
}

/** The repository and helpers the documents use cases share. */
export function createDocumentsCore(deps: DocumentsServiceDeps) {
  const repository = createDocumentsRepository(deps.db);

  /** A staff notice for every staff chat, written by `render` in each chat's language, keyed so that it goes out once. */
  const staffMessages = async (executor: DbExecutor, render: (locale: Locale) => string, key: string): Promise<OutboxMessage[]> =>
    (await deps.staffChats(executor)).map(({ chatId, locale }) => ({ chatId, method: 'sendMessage', payload: { text: render(locale) }, priority: 'high', dedupeKey: `${key}:staff:${chatId}` }));

  const confirmationPdf = async (appointment: AppointmentRecord, locale: Locale): Promise<Uint8Array> => {
    const view = await deps.booking.describe(appointment, locale);
    const patient = await deps.patients.get(appointment.patient_id);
    const t = (key: string, variables?: Record<string, string | number>) => deps.i18n.t(locale, key, variables);
    const rows = [
      { label: t('documents-pdf-patient'), value: patient?.full_name ?? '—' },
      { label: t('documents-pdf-iin'), value: patient?.iin ?? '—' },
      { label: t('documents-pdf-birth-date'), value: patient ? formatIsoDate(patient.birth_date) : '—' },
      { label: t('documents-pdf-service'), value: view.serviceTitle },
      { label: t('documents-pdf-doctor'), value: `${view.doctorName}, ${view.doctorSpecialty}` },
      { label: t('documents-pdf-branch'), value: `${view.branchTitle}, ${view.branchAddress}` },
      { label: t('documents-pdf-time'), value: formatVisitTime(appointment.starts_at, locale, deps.timeZone()) },
      { label: t('documents-pdf-price'), value: formatMoney(appointment.price_minor, appointment.currency, locale) },
      { label: t('documents-pdf-paid'), value: formatMoney(appointment.paid_minor, appointment.currency, locale) },
      { label: t('documents-pdf-status'), value: t(`booking-status-${appointment.status.replace('_', '-')}`) },
    ];
    const nowMs = deps.now();
    return renderConfirmationPdf({
      title: t('documents-pdf-title', { id: appointment.id }),
      business: deps.businessName,
      rows,
      notes: [t('documents-pdf-note-arrive'), t('documents-pdf-note-cancel')],
      issued: t('documents-pdf-issued', { time: formatLocalDateTime(nowMs, deps.timeZone()) }),
      createdAt: new Date(nowMs),
    });
  };

  return { deps, repository, staffMessages, confirmationPdf };
}

/** What the documents use cases share. */
export type DocumentsCore = ReturnType<typeof createDocumentsCore>;
