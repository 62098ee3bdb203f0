import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { createFaqComposer } from './faq.bot.ts';
import { createFaqRoutes } from './faq.routes.ts';
import { createFaqService } from './faq.service.ts';

/** How long the clinic ERP's FAQ in one language is reused before it is read again. */
const ERP_FAQ_CACHE_MS = 5 * 60_000;

/**
 * Sets the FAQ module up; loaded only when a deployment runs it (see faq.module.ts). The ERP's
 * side (and the clinic ERP's contract with its schemas) loads only with a clinic ERP.
 */
export async function setupFaq(deps: ModuleDeps<never, 'clinic-erp'>): Promise<ModuleInstance> {
  const erp = deps.services['clinic-erp'];
  const erpBackend = erp ? (await import('./connectors/faq.erp.ts')).createErpFaqBackend : undefined;
  const faq = createFaqService({
    db: deps.database.db,
    now: deps.now,
    defaultLocale: deps.config.business.defaultLocale,
    ...(erp && erpBackend ? { backend: (local) => erpBackend({ client: erp.client, fallback: local, cacheMs: ERP_FAQ_CACHE_MS, now: deps.now }) } : {}),
  });
  return {
    service: faq,
    composer: createFaqComposer({ faq }),
    commands: [{ command: 'faq', description: 'command-faq' }],
    publicRoutes: createFaqRoutes({ faq }),
    seedDemo: async (data) => void (await faq.seed(data)),
  };
}
