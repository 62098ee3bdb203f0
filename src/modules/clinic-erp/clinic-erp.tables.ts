import type { EpochMs } from '../../db/schema.ts';

/**
 * Where Lavka is in a feed of the clinic's ERP (`changes`: the last change it applied), so a
 * restart goes on from there. A change applied twice (a crash before the cursor moved) is
 * harmless: every notice it sends has a dedupe key of the change.
 */
export interface ClinicErpCursorsTable {
  name: string;
  value: string;
  updated_at: EpochMs;
}

declare module '../../db/schema.ts' {
  interface Database {
    clinic_erp_cursors: ClinicErpCursorsTable;
  }
}
