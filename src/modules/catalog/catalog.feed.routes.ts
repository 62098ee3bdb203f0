import { z } from 'zod';
import { noteAudit } from '../../platform/audit.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { CatalogError } from './catalog.errors.ts';
import type { CatalogFeed } from './catalog.feed.ts';
import type { CatalogFeedConfig, CatalogFeedPanelSettings } from './catalog.feed.settings.ts';

const runParams = z.object({ id: z.coerce.number().int().positive() });
const runsQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });

/**
 * The catalogue feed on the panel's Catalog page: its settings in effect with the last runs,
 * "Import now", and one run. The settings themselves are changed on the owner's settings
 * route (`PUT /api/admin/settings/catalog-feed`), like every live setting.
 */
export function createCatalogFeedRoutes(deps: { feed: CatalogFeed; settings(): CatalogFeedPanelSettings; config: CatalogFeedConfig }): AnyApiRoute[] {
  const { feed } = deps;
  return [
    route({
      method: 'GET',
      url: '/feed',
      summary: 'The catalogue feed: URL, format and schedule in effect, its limits, and the latest imports with their summaries',
      query: runsQuery,
      handler: async ({ query }) => ({
        settings: deps.settings(),
        limits: { maxBytes: deps.config.maxBytes, maxInvalidPercent: deps.config.maxInvalidPercent, maxHiddenPercent: deps.config.maxHiddenPercent, pictures: deps.config.pictures },
        runs: await feed.runs(query.limit),
      }),
    }),
    route({
      method: 'POST',
      url: '/feed/import',
      summary: 'Imports the feed now: queued for the next free instance (within seconds); the run shows its progress and summary',
      handler: async ({ principal, request, reply }) => {
        const run = await feed.requestImport(principal.staff.id);
        noteAudit(request, { subject: { type: 'catalog_feed_run', id: run.id } });
        return reply.code(202).send({ run });
      },
    }),
    route({
      method: 'GET',
      url: '/feed/runs/:id',
      summary: 'One import of the feed: where it is, what it changed, its problems',
      params: runParams,
      handler: async ({ params }) => {
        const run = await feed.run(params.id);
        if (!run) throw new CatalogError('catalog.feed_run_not_found', 'There is no such import.');
        return { run };
      },
    }),
  ];
}
