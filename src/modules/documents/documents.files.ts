/** Patients' files: the confirmation added with a booking, listing, download with the owner check, and any file for staff. */
import type { Transaction } from 'kysely';
import type { Locale } from '../../config/business.ts';
import type { Database } from '../../db/schema.ts';
import type { AppointmentRecord } from '../booking/booking.tables.ts';
import { createDocumentsRepository } from './documents.repository.ts';
import type { DocumentSummary } from './documents.tables.ts';
import { DocumentsError, newDocumentToken, type DocumentsCore, type DownloadFile } from './documents.core.ts';

/** Confirmations, listings and downloads for patients. */
export function createDocumentsFiles(core: DocumentsCore) {
  const { deps, repository, confirmationPdf } = core;
  return {
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
  };
}

/** Documents as staff read them in the admin panel. */
export function createDocumentsStaffFiles(core: DocumentsCore) {
  const { deps, repository, confirmationPdf } = core;
  return {
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
}
