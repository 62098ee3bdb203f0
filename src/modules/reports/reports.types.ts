import type { Locale } from '../../config/business.ts';
import type { ExportFilter } from '../../export/period.ts';

/** Who reads a report: their language and its messages. */
export interface ReportReader {
  locale: Locale;
  t(key: string, args?: Record<string, string | number>): string;
}

/** One export file pair (the same rows as CSV and XLSX) with its caption. */
export interface ReportFiles {
  /** File name without the extension. */
  name: string;
  csv: Buffer;
  xlsx: Uint8Array;
  rows: number;
  caption: string;
}

/**
 * What a module contributes to the staff commands `/stats` and `/export`: its figures (shop
 * orders and revenue, appointments and no-shows, Stars sold) and its dataset. The reports
 * module collects every contribution, so no module has to know about another's.
 */
export interface ReportSource {
  /** The contributing module, e.g. `orders`. */
  name: string;
  /** Its lines of `/stats`, in the reader's language. */
  stats?(reader: ReportReader): Promise<string[]>;
  /** Statuses `/export` may be narrowed to (`/export 30d no_show`). */
  exportStatuses?(): readonly string[];
  /** Its rows for the period and status asked for; undefined when a status is not its own. */
  exportFiles?(filter: ExportFilter, reader: ReportReader): Promise<ReportFiles | undefined>;
}
