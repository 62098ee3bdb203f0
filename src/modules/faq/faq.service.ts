import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import { createFaqRepository } from './faq.repository.ts';
import type { FaqEntry } from './faq.tables.ts';

/** A FAQ entry as an owner submits it; limits keep it inside one Telegram message. */
export const faqEntryInputSchema = z.object({
  locale: z.enum(SUPPORTED_LOCALES),
  question: z.string().trim().min(3).max(200),
  answer: z.string().trim().min(1).max(3500),
  position: z.number().int().min(0).max(10_000).optional(),
  hidden: z.boolean().optional(),
});

/** Demo data shape in `presets/<name>/preset.yaml` under `demo.faq`. */
export const faqDemoSchema = z.array(faqEntryInputSchema);

/** Questions and answers, per language. */
export function createFaqService(deps: { db: DbExecutor; now(): number; defaultLocale: Locale }) {
  const repository = createFaqRepository(deps.db);
  return {
    /** Visible entries in the user's language, or the default language's when it has none. */
    async list(locale: Locale): Promise<FaqEntry[]> {
      const entries = await repository.listVisible(locale);
      return entries.length > 0 || locale === deps.defaultLocale ? entries : repository.listVisible(deps.defaultLocale);
    },

    /** A visible entry by id; hidden or unknown ids are treated alike. */
    async get(id: number): Promise<FaqEntry | undefined> {
      const entry = await repository.findById(id);
      return entry && entry.is_hidden === 0 ? entry : undefined;
    },

    listAll: repository.listAll,

    async create(input: unknown): Promise<FaqEntry> {
      return repository.insert(faqEntryInputSchema.parse(input), deps.now());
    },

    async update(id: number, input: unknown): Promise<FaqEntry | undefined> {
      return repository.update(id, faqEntryInputSchema.parse(input), deps.now());
    },

    remove: repository.remove,

    /** Seeds the preset's questions into an empty table; does nothing once any exist. */
    async seed(data: unknown): Promise<number> {
      if ((await repository.count()) > 0) return 0;
      const entries = faqDemoSchema.parse(data);
      for (const [index, entry] of entries.entries()) {
        await repository.insert({ ...entry, position: entry.position ?? index }, deps.now());
      }
      return entries.length;
    },
  };
}

/** The FAQ service's shape. */
export type FaqService = ReturnType<typeof createFaqService>;
