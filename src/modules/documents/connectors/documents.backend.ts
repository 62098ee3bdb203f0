/**
 * Where a clinic keeps its patients' documents. Lavka always keeps its own (booking
 * confirmations made from the visit, certificates staff answer a request with, uploads from
 * the panel); a clinic with an ERP keeps the rest there (lab results, statements, tax
 * certificates), and the bot shows both. Without one, Lavka's are all there is.
 */
import type { Locale } from '../../../config/business.ts';

/** A document the clinic's records keep for a patient. */
export interface ClinicDocument {
  /** The records' id of the document. */
  id: string;
  title: string;
  /** The records' type (`tax`, `visits`, `result`), when they say. */
  type: string | undefined;
  /** When it was made, when the records say. */
  createdAtMs: number | undefined;
}

/** A document's file as the clinic's records give it. */
export interface ClinicDocumentFile {
  fileName: string;
  bytes: Uint8Array;
}

/** The clinic's records of documents, beside Lavka's table. */
export interface DocumentsBackend {
  /** The patient's documents there, newest first. */
  list(userId: number): Promise<ClinicDocument[]>;
  /** The file of one of them; undefined when the patient has no such document there. */
  file(userId: number, documentId: string): Promise<ClinicDocumentFile | undefined>;
  /** Whether a certificate of Lavka's `kind` can be made there at once (else the staff make it on request). */
  generates(kind: string): boolean;
  /** Makes that certificate at once; undefined when the records refuse (the staff then make it on request). */
  generate(userId: number, kind: string, locale: Locale): Promise<ClinicDocument | undefined>;
}

/** Lavka keeping the documents alone: nothing beside its own table, every certificate made by the staff. */
export const localDocumentsBackend: DocumentsBackend = {
  list: async () => [],
  file: async () => undefined,
  generates: () => false,
  generate: async () => undefined,
};
