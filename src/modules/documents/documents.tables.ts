import type { Generated, Selectable } from 'kysely';
import type { EpochMs } from '../../db/schema.ts';

/** What a document is. */
export type DocumentKind = 'confirmation' | 'certificate' | 'lab_result' | 'other';

/**
 * A patient's document. Reached only by `token` (128 random bits, UNIQUE), and every download
 * checks that the asking patient owns it. The file is one of: generated on download
 * (`confirmation`, from the appointment as it is now), bytes uploaded through the admin panel
 * (`content`), or a file staff sent to the bot (`telegram_file_id`).
 */
export interface DocumentsTable {
  id: Generated<number>;
  token: string;
  patient_id: number;
  kind: DocumentKind;
  title: string;
  appointment_id: number | null;
  request_id: number | null;
  file_name: string;
  mime_type: string;
  content: Uint8Array | null;
  size_bytes: number;
  telegram_file_id: string | null;
  /** `confirmation:<appointment id>` for generated confirmations, so each appointment has one. */
  dedupe_key: string | null;
  uploaded_by: string | null;
  created_at: EpochMs;
}

/** Where a certificate request is. */
export type DocumentRequestStatus = 'open' | 'done' | 'rejected';

/** A patient asked for a certificate; staff are notified and answer with a document. */
export interface DocumentRequestsTable {
  id: Generated<number>;
  patient_id: number;
  kind: string;
  comment: string | null;
  status: DocumentRequestStatus;
  document_id: number | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/**
 * Telegram's id of a file from the clinic's ERP once sent to its patient, so the next
 * download is a re-send and not a fetch from the ERP. Only that patient is given it.
 */
export interface DocumentsClinicFilesTable {
  /** The ERP's id of the document. */
  external_id: string;
  patient_id: number;
  telegram_file_id: string;
  file_name: string;
  created_at: EpochMs;
}

/** A document row as read. */
export type DocumentRecord = Selectable<DocumentsTable>;
/** A document without its bytes, for lists. */
export type DocumentSummary = Omit<DocumentRecord, 'content'>;
/** A request row as read. */
export type DocumentRequestRecord = Selectable<DocumentRequestsTable>;

declare module '../../db/schema.ts' {
  interface Database {
    documents: DocumentsTable;
    document_requests: DocumentRequestsTable;
    documents_clinic_files: DocumentsClinicFilesTable;
  }
}
