/**
 * The documents the clinic keeps outside Lavka (its ERP): listed beside Lavka's own, sent to
 * their patient (and re-sent by Telegram's file id after the first time), certificates the
 * ERP makes at once, and "your document is ready" when the ERP says so.
 */
import type { Locale } from '../../config/business.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { localDocumentsBackend, type ClinicDocument } from './connectors/documents.backend.ts';
import { DocumentsError, type DocumentsCore } from './documents.core.ts';

/** A clinic document's id that fits the callback data `doc:e:<id>` (64 bytes at most). */
export const CLINIC_DOCUMENT_ID = /^[A-Za-z0-9_.-]{1,48}$/;

/** Callback data that downloads a clinic document, or undefined when its id cannot be carried. */
export function clinicDocumentData(id: string): string | undefined {
  return CLINIC_DOCUMENT_ID.test(id) ? `doc:e:${id}` : undefined;
}

/** A clinic document's file, ready to send: Telegram's id when it was sent before, else its bytes. */
export type ClinicFileToSend = { fileName: string } & ({ telegramFileId: string } | { bytes: Uint8Array });

/** The clinic's documents use cases. */
export function createDocumentsClinic(core: DocumentsCore) {
  const { deps, repository } = core;
  const backend = deps.backend ?? localDocumentsBackend;
  return {
    /** The patient's documents in the clinic's records, newest first (none without an ERP). */
    clinicDocuments: (patientId: number): Promise<ClinicDocument[]> => backend.list(patientId),

    /**
     * One of the patient's clinic documents to send. Telegram's file id is reused only for
     * the patient it was sent to; otherwise the ERP is asked, and a document that is not
     * this patient's is `documents.not_found` like any other.
     */
    async clinicFile(externalId: string, patientId: number): Promise<ClinicFileToSend> {
      if (!CLINIC_DOCUMENT_ID.test(externalId)) throw new DocumentsError('documents.not_found', 'no such document');
      const sent = await repository.clinicFile(externalId, patientId);
      if (sent) return { fileName: sent.file_name, telegramFileId: sent.telegram_file_id };
      const file = await backend.file(patientId, externalId);
      if (!file) throw new DocumentsError('documents.not_found', 'no such document in the clinic’s records');
      return file;
    },

    /** Remembers Telegram's id of a clinic document's file once sent to its patient. */
    async rememberClinicFile(externalId: string, patientId: number, telegramFileId: string, fileName: string): Promise<void> {
      await repository.saveClinicFile({ external_id: externalId, patient_id: patientId, telegram_file_id: telegramFileId, file_name: fileName.slice(0, 200), created_at: deps.now() });
    },

    /** Whether a certificate of `kind` is made at once by the clinic's records (no request to the staff). */
    generatesAtOnce: (kind: string): boolean => deps.settings.certificateKinds.includes(kind) && backend.generates(kind),

    /**
     * Makes a certificate in the clinic's records at once. Undefined when they refuse it: the
     * patient then asks the staff, as without an ERP.
     */
    async generateCertificate(patientId: number, kind: string, locale: Locale): Promise<ClinicDocument | undefined> {
      if (!deps.settings.certificateKinds.includes(kind)) throw new DocumentsError('documents.unknown_kind', `no certificate kind ${kind}`);
      if (!(await deps.patients.get(patientId))) throw new DocumentsError('documents.unknown_patient', 'register first');
      return backend.generate(patientId, kind, locale);
    },

    /**
     * Tells a patient that the clinic's records have a new document for them (a lab result),
     * with a button to get it; once per document, however often the ERP says so.
     */
    async announceClinicDocument(ready: { documentId: string; patientId: number; title: string | undefined }): Promise<boolean> {
      const locale = await deps.localeOf(ready.patientId);
      const t = (key: string, variables?: Record<string, string | number>) => deps.i18n.t(locale, key, variables);
      const data = clinicDocumentData(ready.documentId);
      const nowMs = deps.now();
      const queued = await enqueueOutbox(
        deps.db,
        {
          chatId: ready.patientId,
          method: 'sendMessage',
          payload: {
            text: t('documents-clinic-ready', { title: ready.title?.trim() || t('documents-clinic-untitled') }),
            reply_markup: { inline_keyboard: [...(data ? [[{ text: t('documents-button-get'), callback_data: data }]] : []), [{ text: t('documents-menu'), callback_data: 'documents:list' }]] },
          },
          priority: 'high',
          dedupeKey: `documents:clinic-ready:${ready.documentId}`,
        },
        nowMs,
      );
      return queued > 0;
    },
  };
}
