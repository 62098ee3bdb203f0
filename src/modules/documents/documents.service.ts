import { createDocumentsClinic } from './documents.clinic.ts';
import { createDocumentsCore, type DocumentsServiceDeps } from './documents.core.ts';
import { createDocumentsFiles, createDocumentsStaffFiles } from './documents.files.ts';
import { createDocumentsRequests } from './documents.requests.ts';
import { createDocumentsUploads } from './documents.uploads.ts';

export {
  DocumentsError,
  documentsSettingsSchema,
  newDocumentToken,
  safeFileName,
  uploadInputSchema,
  type DocumentsErrorCode,
  type DocumentsServiceDeps,
  type DocumentsSettings,
  type DownloadFile,
} from './documents.core.ts';

/**
 * A patient's documents: the appointment confirmation (a PDF made on download from the visit
 * as it is now), certificates and lab results uploaded by staff, and certificate requests.
 * Documents are found by unguessable tokens and every download checks the owner. With the
 * clinic's ERP, its documents are listed and sent beside Lavka's own.
 */
export function createDocumentsService(deps: DocumentsServiceDeps) {
  const core = createDocumentsCore(deps);
  return {
    ...createDocumentsFiles(core),
    ...createDocumentsUploads(core),
    ...createDocumentsRequests(core),
    ...createDocumentsStaffFiles(core),
    ...createDocumentsClinic(core),
  };
}

/** The documents service's shape. */
export type DocumentsService = ReturnType<typeof createDocumentsService>;
