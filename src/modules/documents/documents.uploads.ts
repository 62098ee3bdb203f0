/** Staff uploads: a file checked against its type, stored for the patient, the request it answers closed, the patient told. */
import type { z } from 'zod';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { createDocumentsRepository } from './documents.repository.ts';
import type { DocumentKind, DocumentSummary } from './documents.tables.ts';
import { DocumentsError, MAGIC, newDocumentToken, safeFileName, uploadInputSchema, type DocumentsCore } from './documents.core.ts';

/** Uploading documents. */
export function createDocumentsUploads(core: DocumentsCore) {
  const { deps, repository } = core;
  return {
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
  };
}
