import { defineModule } from '../module.ts';
import { createFaqComposer } from './faq.bot.ts';
import { createFaqRoutes } from './faq.routes.ts';
import { createFaqService, type FaqService } from './faq.service.ts';
import { faqMigrations } from './faq.migrations.ts';
import { createErpFaqBackend } from './connectors/faq.erp.ts';

/** How long the clinic ERP's FAQ in one language is reused before it is read again. */
const ERP_FAQ_CACHE_MS = 5 * 60_000;

declare module '../module.ts' {
  interface ModuleServices {
    faq: FaqService;
  }
}

/**
 * FAQ: questions and answers per language, browsable in the bot and readable over HTTP. With
 * the clinic's ERP (`connectors.clinic`) the bot reads the ERP's questions instead.
 */
export const module = defineModule({
  name: 'faq',
  goLive: { keep: [{ table: 'faq_entries' }] },
  after: ['clinic-erp'],
  migrations: faqMigrations,
  setup(deps) {
    const erp = deps.services['clinic-erp'];
    const faq = createFaqService({
      db: deps.database.db,
      now: deps.now,
      defaultLocale: deps.config.business.defaultLocale,
      ...(erp ? { backend: (local) => createErpFaqBackend({ client: erp.client, fallback: local, cacheMs: ERP_FAQ_CACHE_MS, now: deps.now }) } : {}),
    });
    return {
      service: faq,
      composer: createFaqComposer({ faq }),
      commands: [{ command: 'faq', description: 'command-faq' }],
      publicRoutes: createFaqRoutes({ faq }),
      seedDemo: async (data) => void (await faq.seed(data)),
    };
  },
});
