import { defineModule } from '../module.ts';
import type { FaqService } from './faq.service.ts';
import { faqMigrations } from './faq.migrations.ts';

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
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupFaq } = await import('./faq.setup.ts');
    return setupFaq(deps);
  },
});
