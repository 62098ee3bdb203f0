/**
 * Documents kept in the clinic's ERP (`connectors.clinic`): the patient's list read from it,
 * a file downloaded from it only after checking that the document is in that patient's list
 * (the ERP's download does not ask whose it is), and certificates the ERP makes itself
 * generated there at once.
 */
import type { Locale } from '../../../config/business.ts';
import type { ClinicErpClient } from '../../clinic-erp/clinic-erp.client.ts';
import { erpDocument, erpDownload, erpList, type ErpDocument } from '../../clinic-erp/clinic-erp.contract.ts';
import { ClinicErpError, isErpUnavailable } from '../../clinic-erp/clinic-erp.errors.ts';
import { safeFileName } from '../documents.core.ts';
import type { ClinicDocument, DocumentsBackend } from './documents.backend.ts';

/** What the ERP's documents need. */
export interface ErpDocumentsDeps {
  client: Pick<ClinicErpClient, 'call' | 'download'>;
  /** Lavka's certificate kind → the ERP's `document_type` it generates (`tax: tax`, `work: visits`). */
  generatedTypes: Readonly<Record<string, string>>;
  now(): number;
}

const viewOf = (document: ErpDocument): ClinicDocument => {
  const createdAtMs = document.created_at === undefined ? Number.NaN : Date.parse(document.created_at);
  return { id: document.id, title: document.title, type: document.document_type, createdAtMs: Number.isNaN(createdAtMs) ? undefined : createdAtMs };
};

/** The ERP as the clinic's record of documents. */
export function createErpDocumentsBackend(deps: ErpDocumentsDeps): DocumentsBackend {
  const list = async (userId: number): Promise<ClinicDocument[]> => {
    const answer = await deps.client.call('documents', { query: { telegram_user_id: userId }, answer: erpList(erpDocument, 'documents') });
    return answer.map(viewOf).sort((a, b) => (b.createdAtMs ?? 0) - (a.createdAtMs ?? 0));
  };
  return {
    list,

    async file(userId, documentId) {
      const document = (await list(userId)).find((item) => item.id === documentId);
      if (!document) return undefined;
      let link;
      try {
        link = await deps.client.call('documentDownload', { id: documentId, answer: erpDownload });
      } catch (error) {
        // Listed a moment ago and gone now: the same as not there.
        if (error instanceof ClinicErpError && error.code === 'clinic_erp.not_found') return undefined;
        throw error;
      }
      const { bytes } = await deps.client.download(link.download_url);
      return { fileName: safeFileName(link.filename ?? `${document.title}.pdf`, `document-${documentId}.pdf`), bytes: new Uint8Array(bytes) };
    },

    generates: (kind) => deps.generatedTypes[kind] !== undefined,

    async generate(userId, kind, locale: Locale) {
      const type = deps.generatedTypes[kind];
      if (type === undefined) return undefined;
      try {
        const document = await deps.client.call('documentGenerate', {
          method: 'POST',
          body: { telegram_user_id: userId, document_type: type, language: locale },
          // A second press the same day (or a retry after a lost answer) is the same certificate, not another one.
          idempotencyKey: `lavka-document-${userId}-${type}-${locale}-${new Date(deps.now()).toISOString().slice(0, 10)}`,
          answer: erpDocument,
        });
        return viewOf(document);
      } catch (error) {
        // A "no" (a type this ERP does not make, a patient it does not know) leaves it to the staff; "down" is told to the patient.
        if (error instanceof ClinicErpError && !isErpUnavailable(error)) return undefined;
        throw error;
      }
    },
  };
}
