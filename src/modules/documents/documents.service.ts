import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import { formatMoney } from '../../config/money.ts';
import type { Db, DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueOutbox, type OutboxMessage } from '../../delivery/outbox.ts';
import { formatLocalDateTime } from '../../delivery/zoned-time.ts';
import type { Translator } from '../../telegram/i18n.ts';
import { formatVisitTime } from '../booking/booking.messages.ts';
import type { BookingService } from '../booking/booking.service.ts';
import type { AppointmentRecord } from '../booking/booking.tables.ts';
import { formatIsoDate } from '../patients/iin.ts';
import type { PatientsService } from '../patients/patients.service.ts';
import { renderConfirmationPdf } from './confirmation.pdf.ts';
import { createDocumentsRepository } from './documents.repository.ts';
import type { DocumentKind, DocumentRequestRecord, DocumentSummary } from './documents.tables.ts';
import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** A document rule was broken; `code` says which (`documents.not_found`, …). */
export class DocumentsError extends LavkaError<DocumentsErrorCode> {
  override readonly name = 'DocumentsError';
  get kind(): ErrorKind {
    return DOCUMENTS_KINDS[this.code];
  }
}

/** Every reason a document action is refused. */
export type DocumentsErrorCode =
  | 'documents.not_found'
  | 'documents.unknown_patient'
  | 'documents.unknown_request'
  | 'documents.unknown_kind'
  | 'documents.request_closed'
  | 'documents.too_large'
  | 'documents.wrong_type';

const DOCUMENTS_KINDS: Readonly<Record<DocumentsErrorCode, ErrorKind>> = {
  'documents.not_found': 'not_found',
  'documents.unknown_patient': 'not_found',
  'documents.unknown_request': 'not_found',
  'documents.unknown_kind': 'invalid',
  'documents.request_closed': 'conflict',
  'documents.too_large': 'too_large',
  'documents.wrong_type': 'unsupported',
};

/** Settings under `settings.documents`. */
export const documentsSettingsSchema = z
  .object({
    maxUploadMegabytes: z.number().min(1).max(50).default(10),
    /** Certificate kinds patients can request; each has a text `documents-cert-<kind>`. */
    certificateKinds: z.array(z.string().regex(/^[a-z_]{1,16}$/)).min(1).max(10).default(['work', 'school', 'sport', 'pool', 'tax']),
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
}

/** An unguessable document token: 128 random bits, URL- and callback-safe (22 characters). */
export function newDocumentToken(): string {
  return randomBytes(16).toString('base64url');
}

const MAGIC: Record<string, (bytes: Uint8Array) => boolean> = {
  'application/pdf': (bytes) => Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-',
  'image/png': (bytes) => bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47,
  'image/jpeg': (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
};

/** Keeps a file name to letters, digits and a few signs, so it is safe in headers and on disk. */
export function safeFileName(name: string, fallback: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/^\.+/, '').slice(0, 100).trim();
  return cleaned || fallback;
}

/**
 * A patient's documents: the appointment confirmation (a PDF made on download from the visit
 * as it is now), certificates and lab results uploaded by staff, and certificate requests.
 * Documents are found by unguessable tokens and every download checks the owner.
 */
export function createDocumentsService(deps: DocumentsServiceDeps) {
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

  const service = {
    /** Adds the confirmation of a newly booked appointment (inside the booking's transaction). */
    async addConfirmation(trx: Transaction<Database>, appointment: AppointmentRecord, locale: Locale): Promise<void> {
      await createDocumentsRepository(trx).insert({
        token: newDocumentToken(),
        patient_id: appointment.patient_id,
        kind: 'confirmation',
        title: deps.i18n.t(locale, 'documents-confirmation-title', { id: appointment.id }),
        appointment_id: appointment.id,
        request_id: null,
        file_name: `confirmation-${appointment.id}.pdf`,
        mime_type: 'application/pdf',
        content: null,
        size_bytes: 0,
        telegram_file_id: null,
        dedupe_key: `confirmation:${appointment.id}`,
        uploaded_by: null,
        created_at: deps.now(),
      });
    },

    /** The patient's documents, newest first (without their bytes). */
    listForPatient: (patientId: number, limit = 30) => repository.listForPatient(patientId, limit),

    /**
     * The file behind `token` for `patientId`. Someone else's document and a token that does
     * not exist get the same `documents.not_found`, so tokens cannot be probed.
     */
    async download(token: string, patientId: number, locale: Locale): Promise<DownloadFile> {
      const document = /^[A-Za-z0-9_-]{22}$/.test(token) ? await repository.findByToken(token) : undefined;
      if (!document || document.patient_id !== patientId) throw new DocumentsError('documents.not_found', 'no such document');
      const { content, ...summary } = document;
      if (document.kind === 'confirmation' && document.appointment_id !== null) {
        const appointment = await deps.booking.get(document.appointment_id);
        if (!appointment || appointment.patient_id !== patientId) throw new DocumentsError('documents.not_found', 'the appointment is gone');
        return { document: summary, fileName: document.file_name, bytes: await confirmationPdf(appointment, locale) };
      }
      if (content) return { document: summary, fileName: document.file_name, bytes: new Uint8Array(content) };
      if (document.telegram_file_id) return { document: summary, fileName: document.file_name, telegramFileId: document.telegram_file_id };
      throw new DocumentsError('documents.not_found', 'the document has no file');
    },

    /** Remembers Telegram's id of a file once sent, so it is not uploaded again. */
    rememberTelegramFile: repository.setTelegramFileId,

    /** The confirmation PDF of an appointment, for the admin panel. */
    confirmationPdf,

    /**
     * Stores a file staff uploaded for a patient (checked against its declared type), closes
     * the request it answers, and tells the patient, all in one transaction.
     */
    async upload(input: z.input<typeof uploadInputSchema> & ({ content: Uint8Array } | { telegramFileId: string; sizeBytes?: number })): Promise<DocumentSummary> {
      const data = uploadInputSchema.parse(input);
      const bytes = 'content' in input ? input.content : undefined;
      if (bytes) {
        if (bytes.length === 0 || bytes.length > deps.settings.maxUploadMegabytes * 1024 * 1024) {
          throw new DocumentsError('documents.too_large', `files up to ${deps.settings.maxUploadMegabytes} MB`);
        }
        if (!MAGIC[data.mimeType]?.(bytes)) throw new DocumentsError('documents.wrong_type', `the file is not ${data.mimeType}`);
      }
      if (!(await deps.patients.get(data.patientId))) throw new DocumentsError('documents.unknown_patient', 'no such patient');
      if (data.requestId !== undefined) {
        const request = await repository.findRequest(data.requestId);
        if (!request || request.patient_id !== data.patientId) throw new DocumentsError('documents.unknown_request', 'no such request for this patient');
      }
      const locale = await deps.localeOf(data.patientId);
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createDocumentsRepository(trx);
        const nowMs = deps.now();
        const document = (await scoped.insert({
          token: newDocumentToken(),
          patient_id: data.patientId,
          kind: data.kind as DocumentKind,
          title: data.title,
          appointment_id: null,
          request_id: data.requestId ?? null,
          file_name: safeFileName(data.fileName, 'document'),
          mime_type: data.mimeType,
          content: bytes ? Buffer.from(bytes) : null,
          size_bytes: bytes ? bytes.length : 'sizeBytes' in input ? (input.sizeBytes ?? 0) : 0,
          telegram_file_id: 'telegramFileId' in input ? input.telegramFileId : null,
          dedupe_key: null,
          uploaded_by: data.uploadedBy ?? null,
          created_at: nowMs,
        })) as DocumentSummary;
        if (data.requestId !== undefined) await scoped.closeRequest(data.requestId, 'done', document.id, nowMs);
        await enqueueOutbox(
          trx,
          {
            chatId: data.patientId,
            method: 'sendMessage',
            payload: {
              text: deps.i18n.t(locale, 'documents-new-document', { title: document.title }),
              reply_markup: { inline_keyboard: [[{ text: deps.i18n.t(locale, 'documents-button-download'), callback_data: `doc:g:${document.token}` }]] },
            },
            priority: 'high',
            dedupeKey: `documents:${document.id}:uploaded`,
          },
          nowMs,
        );
        return document;
      });
    },

    /** A patient asks for a certificate: stored, and the staff are told in the same transaction. */
    async requestCertificate(patientId: number, kind: string, comment: string | null): Promise<DocumentRequestRecord> {
      if (!deps.settings.certificateKinds.includes(kind)) throw new DocumentsError('documents.unknown_kind', `no certificate kind ${kind}`);
      const patient = await deps.patients.get(patientId);
      if (!patient) throw new DocumentsError('documents.unknown_patient', 'register first');
      const text = comment?.trim().slice(0, 500) || null;
      return deps.db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const request = await createDocumentsRepository(trx).insertRequest({ patient_id: patientId, kind, comment: text, status: 'open', document_id: null, created_at: nowMs, updated_at: nowMs });
        const notice = (locale: Locale) =>
          deps.i18n.t(locale, 'documents-staff-request', {
            id: request.id,
            patient: patient.full_name,
            iin: patient.iin,
            phone: patient.phone,
            kind: deps.i18n.t(locale, `documents-cert-${kind}`),
            comment: text ?? '—',
          });
        await enqueueOutbox(trx, await staffMessages(trx, notice, `documents:request:${request.id}`), nowMs);
        return request;
      });
    },

    getRequest: repository.findRequest,
    listRequests: (status?: 'open' | 'done' | 'rejected', limit = 100) => repository.listRequests(status, limit),

    /** Staff decline a request; the patient is told. */
    async rejectRequest(requestId: number): Promise<DocumentRequestRecord> {
      const request = await repository.findRequest(requestId);
      if (!request) throw new DocumentsError('documents.unknown_request', 'no such request');
      const locale = await deps.localeOf(request.patient_id);
      return deps.db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const closed = await createDocumentsRepository(trx).closeRequest(requestId, 'rejected', null, nowMs);
        if (!closed) throw new DocumentsError('documents.request_closed', 'the request is no longer open');
        await enqueueOutbox(
          trx,
          {
            chatId: request.patient_id,
            method: 'sendMessage',
            payload: { text: deps.i18n.t(locale, 'documents-request-rejected', { id: request.id, kind: deps.i18n.t(locale, `documents-cert-${request.kind}`) }) },
            priority: 'high',
            dedupeKey: `documents:request:${request.id}:rejected`,
          },
          nowMs,
        );
        return closed;
      });
    },

    /**
     * Any document with its bytes, for the admin panel (no owner check: staff see all). A
     * confirmation is generated in the staff's language; a file kept only in Telegram has none.
     */
    async fileForStaff(token: string): Promise<{ document: DocumentSummary; bytes?: Uint8Array } | undefined> {
      const found = await repository.findByToken(token);
      if (!found) return undefined;
      const { content, ...document } = found;
      if (found.kind === 'confirmation' && found.appointment_id !== null) {
        const appointment = await deps.booking.get(found.appointment_id);
        return { document, bytes: appointment ? await confirmationPdf(appointment, deps.staffLocale) : undefined };
      }
      return { document, bytes: content ? new Uint8Array(content) : undefined };
    },
  };
  return service;
}

/** The documents service's shape. */
export type DocumentsService = ReturnType<typeof createDocumentsService>;
