import { z } from 'zod';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { withOwner } from '../../platform/roles.ts';
import { OWNER_ONLY, type AdminApiDeps } from './admin.api.ts';

/** Runs every readiness check with its timing, each within 3 seconds. */
function runChecks(deps: AdminApiDeps) {
  return Promise.all(
    deps.runtime.readiness().map(async (item) => {
      const started = performance.now();
      try {
        const result = await Promise.race([
          item.check(),
          new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref()),
        ]);
        return { name: item.name, ok: result.ok, critical: item.critical !== false, detail: result.detail ?? null, ms: Math.round(performance.now() - started) };
      } catch (error) {
        return { name: item.name, ok: false, critical: item.critical !== false, detail: (error as Error).message, ms: Math.round(performance.now() - started) };
      }
    }),
  );
}

/** The owner's view of the running Lavka: the audit log, and the system page (checks, modules, metrics). */
export function systemRoutes(deps: AdminApiDeps): AnyApiRoute[] {
  const { services } = deps;
  return [
    route({
      method: 'GET',
      url: '/audit',
      tag: 'audit',
      summary: 'The audit log, newest first',
      staffRoles: OWNER_ONLY,
      query: z.object({
        beforeId: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        subjectType: z.string().max(64).optional(),
        subjectId: z.string().max(64).optional(),
      }),
      handler: async ({ query }) => {
                const rows = await services.audit.list({
          limit: query.limit,
          beforeId: query.beforeId,
          subject: query.subjectType && query.subjectId ? { type: query.subjectType, id: query.subjectId } : undefined,
        });
        const staff = new Map((await deps.admin.listStaff()).map((item) => [String(item.id), item.displayName]));
        // Changes made by other systems are named by their API key.
        const keys = rows.some((row) => row.actor_type === 'api_key') ? ((await services.integrations?.keys.names()) ?? new Map<number, string>()) : new Map<number, string>();
        const nameOf = (row: (typeof rows)[number]) =>
          row.actor_type === 'admin' && row.actor_id ? (staff.get(row.actor_id) ?? null) : row.actor_type === 'api_key' && row.actor_id ? (keys.get(Number(row.actor_id)) ?? null) : null;
        return {
          entries: rows.map((row) => ({
            id: row.id,
            at: row.at,
            actorType: row.actor_type,
            actorId: row.actor_id,
            actorName: nameOf(row),
            action: row.action,
            subjectType: row.subject_type,
            subjectId: row.subject_id,
            details: row.details,
          })),
          nextBeforeId: rows.length === query.limit ? rows[rows.length - 1]?.id : null,
        };
      },
    }),

    route({
      method: 'GET',
      url: '/system',
      tag: 'system',
      summary: 'Health of each dependency, version, preset, modules and a metrics summary',
      staffRoles: OWNER_ONLY,
      handler: async () => {
        const metrics = await deps.runtime.metrics.registry.getMetricsAsJSON();
        const sum = (name: string, filter?: (labels: Record<string, string | number>) => boolean) =>
          metrics
            .find((metric) => metric.name === name)
            ?.values.filter((value) => !filter || filter(value.labels as Record<string, string | number>))
            .reduce((total, value) => total + Number(value.value), 0) ?? 0;
        const outbox = Object.fromEntries(
          (metrics.find((metric) => metric.name === 'lavka_outbox_depth')?.values ?? []).map((value) => [String(value.labels.status), Number(value.value)]),
        );
        return {
          version: deps.runtime.version,
          node: process.version,
          preset: deps.env.LAVKA_PRESET,
          mode: deps.runtime.mode,
          database: deps.dialect,
          uptimeSeconds: Math.round((deps.now() - deps.runtime.startedAtMs) / 1000),
          memoryMb: Math.round(process.memoryUsage().rss / 1048576),
          modules: deps.runtime.modules().map((item) => ({ name: item.name, hasRoutes: item.routes.length > 0, staffRoles: withOwner(item.staffRoles) })),
          checks: await runChecks(deps),
          metrics: {
            updates: sum('lavka_updates_total'),
            updateErrors: sum('lavka_update_errors_total'),
            apiCalls: sum('lavka_bot_api_calls_total'),
            apiErrors: sum('lavka_bot_api_errors_total'),
            tooManyRequests: sum('lavka_bot_api_errors_total', (labels) => String(labels.code) === '429'),
            outbox,
          },
        };
      },
    }),
  ];
}
