import { defineModule } from '../module.ts';
import { createFaqComposer } from './faq.bot.ts';
import { createFaqRoutes } from './faq.routes.ts';
import { createFaqService, type FaqService } from './faq.service.ts';

declare module '../module.ts' {
  interface ModuleServices {
    faq: FaqService;
  }
}

/** FAQ: questions and answers per language, browsable in the bot and readable over HTTP. */
export const module = defineModule({
  name: 'faq',
  goLive: { keep: [{ table: 'faq_entries' }] },
  migrations: [
    {
      name: '0001_faq_entries',
      async up(db, { col }) {
        await col
          .id(db.schema.createTable('faq_entries'))
          .addColumn('locale', 'varchar(8)', (c) => c.notNull())
          .addColumn('question', 'varchar(200)', (c) => c.notNull())
          .addColumn('answer', 'text', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('is_hidden', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('faq_entries_locale_idx').on('faq_entries').columns(['locale', 'position']).execute();
      },
    },
  ],
  setup(deps) {
    const faq = createFaqService({ db: deps.database.db, now: deps.now, defaultLocale: deps.config.business.defaultLocale });
    return {
      service: faq,
      composer: createFaqComposer({ faq }),
      commands: [{ command: 'faq', description: 'command-faq' }],
      publicRoutes: createFaqRoutes({ faq }),
      seedDemo: async (data) => void (await faq.seed(data)),
    };
  },
});
