/** Certificate requests: a patient asks (staff told), staff list and decline them (the patient told). */
import type { Locale } from '../../config/business.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { createDocumentsRepository } from './documents.repository.ts';
import type { DocumentRequestRecord } from './documents.tables.ts';
import { DocumentsError, type DocumentsCore } from './documents.core.ts';

/** Certificate requests. */
export function createDocumentsRequests(core: DocumentsCore) {
  const { deps, repository, staffMessages } = core;
  return {
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
  };
}
