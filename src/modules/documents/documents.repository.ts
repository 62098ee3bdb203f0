import type { Insertable } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { DocumentRecord, DocumentRequestRecord, DocumentRequestStatus, DocumentRequestsTable, DocumentsClinicFilesTable, DocumentsTable, DocumentSummary } from './documents.tables.ts';

const SUMMARY_COLUMNS = [
  'id',
  'token',
  'patient_id',
  'kind',
  'title',
  'appointment_id',
  'request_id',
  'file_name',
  'mime_type',
  'size_bytes',
  'telegram_file_id',
  'dedupe_key',
  'uploaded_by',
  'created_at',
] as const;

/** SQL for the documents and document_requests tables. */
export function createDocumentsRepository(db: DbExecutor) {
  return {
    /** Inserts a document; with a dedupe key already present, nothing is inserted and undefined returned. */
    async insert(row: Insertable<DocumentsTable>): Promise<DocumentSummary | undefined> {
      return db
        .insertInto('documents')
        .values(row)
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning(SUMMARY_COLUMNS)
        .executeTakeFirst();
    },

    findByToken(token: string): Promise<DocumentRecord | undefined> {
      return db.selectFrom('documents').selectAll().where('token', '=', token).executeTakeFirst();
    },

    listForPatient(patientId: number, limit: number): Promise<DocumentSummary[]> {
      return db.selectFrom('documents').select(SUMMARY_COLUMNS).where('patient_id', '=', patientId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },

    async setTelegramFileId(id: number, fileId: string): Promise<void> {
      await db.updateTable('documents').set({ telegram_file_id: fileId }).where('id', '=', id).execute();
    },

    /** Telegram's id of an ERP document's file, if it was sent to this patient before. */
    clinicFile(externalId: string, patientId: number) {
      return db.selectFrom('documents_clinic_files').select(['telegram_file_id', 'file_name']).where('external_id', '=', externalId).where('patient_id', '=', patientId).executeTakeFirst();
    },

    async saveClinicFile(row: Insertable<DocumentsClinicFilesTable>): Promise<void> {
      await db
        .insertInto('documents_clinic_files')
        .values(row)
        .onConflict((oc) => oc.column('external_id').doUpdateSet({ patient_id: row.patient_id, telegram_file_id: row.telegram_file_id, file_name: row.file_name }))
        .execute();
    },

    insertRequest(row: Insertable<DocumentRequestsTable>): Promise<DocumentRequestRecord> {
      return db.insertInto('document_requests').values(row).returningAll().executeTakeFirstOrThrow();
    },

    findRequest(id: number): Promise<DocumentRequestRecord | undefined> {
      return db.selectFrom('document_requests').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Moves an open request on; undefined when it was not open any more. */
    closeRequest(id: number, status: Exclude<DocumentRequestStatus, 'open'>, documentId: number | null, nowMs: number): Promise<DocumentRequestRecord | undefined> {
      return db
        .updateTable('document_requests')
        .set({ status, document_id: documentId, updated_at: nowMs })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .returningAll()
        .executeTakeFirst();
    },

    listRequests(status: DocumentRequestStatus | undefined, limit: number): Promise<DocumentRequestRecord[]> {
      let query = db.selectFrom('document_requests').selectAll();
      if (status) query = query.where('status', '=', status);
      return query.orderBy('created_at', 'desc').limit(limit).execute();
    },
  };
}
