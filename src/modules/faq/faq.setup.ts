import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { createFaqComposer } from './faq.bot.ts';
import { createFaqRoutes } from './faq.routes.ts';
import { createFaqService } from './faq.service.ts';
import { createErpFaqBackend } from './connectors/faq.erp.ts';

/** How long the clinic ERP's FAQ in one language is reused before it is read again. */
const ERP_FAQ_CACHE_MS = 5 * 60_000;

/** Sets the FAQ module up; loaded only when a deployment runs it (see faq.module.ts). */
export function setupFaq(deps: ModuleDeps<never, 'clinic-erp'>): ModuleInstance {
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
}
