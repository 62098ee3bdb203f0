import { defineModule } from '../module.ts';
import { createFaqComposer } from './faq.bot.ts';
import { createFaqRoutes } from './faq.routes.ts';
import { createFaqService, type FaqService } from './faq.service.ts';
import { faqMigrations } from './faq.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    faq: FaqService;
  }
}

/** FAQ: questions and answers per language, browsable in the bot and readable over HTTP. */
export const module = defineModule({
  name: 'faq',
  goLive: { keep: [{ table: 'faq_entries' }] },
  migrations: faqMigrations,
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
