import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import type { FaqBackend, FaqQuestion } from './connectors/faq.backend.ts';
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

/** What the FAQ service needs. */
export interface FaqServiceDeps {
  db: DbExecutor;
  now(): number;
  defaultLocale: Locale;
  /**
   * Where the bot reads its questions when not from Lavka's table (the clinic's ERP), given
   * Lavka's own FAQ to fall back on.
   */
  backend?(local: FaqBackend): FaqBackend;
}

/** Questions and answers, per language. */
export function createFaqService(deps: FaqServiceDeps) {
  const repository = createFaqRepository(deps.db);

  /** Visible entries in the user's language, or the default language's when it has none. */
  const list = async (locale: Locale): Promise<FaqEntry[]> => {
    const entries = await repository.listVisible(locale);
    return entries.length > 0 || locale === deps.defaultLocale ? entries : repository.listVisible(deps.defaultLocale);
  };

  /** A visible entry by id; hidden or unknown ids are treated alike. */
  const get = async (id: number): Promise<FaqEntry | undefined> => {
    const entry = await repository.findById(id);
    return entry && entry.is_hidden === 0 ? entry : undefined;
  };

  const asQuestion = (entry: FaqEntry): FaqQuestion => ({ ref: String(entry.id), question: entry.question, answer: entry.answer });
  const local: FaqBackend = {
    questions: async (locale) => (await list(locale)).map(asQuestion),
    question: async (_locale, ref) => {
      const entry = /^\d{1,12}$/.test(ref) ? await get(Number(ref)) : undefined;
      return entry && asQuestion(entry);
    },
  };
  const backend = deps.backend ? deps.backend(local) : local;

  return {
    list,
    get,

    /** The questions the bot shows in `locale`: Lavka's own, or the clinic ERP's. */
    questions: (locale: Locale): Promise<FaqQuestion[]> => backend.questions(locale),

    /** One question the bot shows, by the `ref` of its button; undefined when it is gone. */
    question: (locale: Locale, ref: string): Promise<FaqQuestion | undefined> => backend.question(locale, ref),

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
