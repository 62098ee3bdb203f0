import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import type { OrderLineRecord } from './orders.tables.ts';

/** A line's name in one language: the product (or item, or fee) and its variant. */
export interface LineName {
  title: string;
  variantTitle: string | null;
}

/** A line's names in every language known when it was ordered. */
export type LineTitles = Partial<Record<Locale, LineName>>;

/** The names of a line per language, as a module submits them with the line. */
export const lineTitlesSchema = z
  .partialRecord(
    z.enum(SUPPORTED_LOCALES),
    z.object({
      title: z.string().trim().min(1).max(200),
      variantTitle: z.string().trim().max(120).nullable().default(null),
    }),
  )
  .nullable()
  .default(null);

/** The stored form of a line's names (`order_lines.titles`), or null when there are none. */
export function titlesColumn(titles: LineTitles | null | undefined): string | null {
  if (!titles) return null;
  const kept = Object.fromEntries(SUPPORTED_LOCALES.filter((locale) => titles[locale]).map((locale) => [locale, titles[locale]]));
  return Object.keys(kept).length > 0 ? JSON.stringify(kept) : null;
}

/** Reads the stored names; a damaged value reads as none, so the line falls back to its own title. */
function parseTitles(raw: string | null | undefined): LineTitles {
  if (!raw) return {};
  try {
    const parsed = lineTitlesSchema.safeParse(JSON.parse(raw));
    return parsed.success ? (parsed.data ?? {}) : {};
  } catch {
    return {};
  }
}

/**
 * The line's names in `locale`: those captured in that language when it was ordered, else the
 * line's own title (the business's language; the only names of lines ordered before names
 * were kept per language).
 */
export function lineNameIn(line: Pick<OrderLineRecord, 'title' | 'variant_title' | 'titles'>, locale: Locale): LineName {
  return parseTitles(line.titles)[locale] ?? { title: line.title, variantTitle: line.variant_title };
}

/** The line as one label in `locale`: `Title (Variant)`. */
export function lineLabel(line: Pick<OrderLineRecord, 'title' | 'variant_title' | 'titles'>, locale: Locale): string {
  const name = lineNameIn(line, locale);
  return name.variantTitle ? `${name.title} (${name.variantTitle})` : name.title;
}
