// The APIs' mount: every module's staff routes under /api/<module>, each behind the access
// check (session, role, CSRF, audit); every module's integration routes under /api/v1 behind
// the API key check (scope, rate, idempotency, audit); and the inventory that proves no /api
// route escapes them. The routes, their schemas and their refusals are the modules'; how
// they are mounted is here.

import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { invalidInputCode, moduleFacts, type ActiveModule } from '../modules/registry.ts';
import type { AccessGuard } from '../platform/access.ts';
import type { IntegrationGuard } from '../platform/integration-access.ts';
import type { MiniAppGuard } from '../platform/miniapp-access.ts';
import { buildOpenApi } from '../platform/openapi.ts';
import type { StaffRole } from '../platform/roles.ts';
import { registerRoutes } from '../platform/route.ts';
import type { ApiScope } from '../platform/scopes.ts';
import { apiDocsRoutes } from './api-docs.ts';

/** Where the integration API is mounted. */
export const INTEGRATION_PREFIX = '/api/v1';
/** Where the Mini App's API is mounted. */
export const MINIAPP_API_PREFIX = '/api/miniapp';

/** A route of the server as the inventory saw it being added. */
export interface RouteEntry {
  method: string;
  url: string;
  /** Roles the access check allows on it; undefined for routes outside it. */
  staffRoles?: readonly StaffRole[];
  /** The scope the API key check requires on it; undefined for routes outside it. */
  scope?: ApiScope;
  /** True for a route of the Mini App's API, behind the initData check. */
  miniApp?: true;
  /** A route meant for anyone (the integration API's document and its page). */
  public?: true;
}

const inventories = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route added to `http` after the API mount, with the roles the access check allows (tests, checks). */
export function registeredRoutes(http: FastifyInstance): readonly RouteEntry[] {
  return inventories.get(http) ?? [];
}

/** The OpenAPI document of every enabled module's staff API. */
export function apiDocument(active: readonly ActiveModule[], version: string): Record<string, unknown> {
  const apis = moduleFacts(active)
    .filter((item) => item.routes.length > 0)
    .map((item) => ({ prefix: `/api/${item.name}`, module: item.name, staffRoles: item.staffRoles, routes: item.routes }));
  return buildOpenApi(apis, { version, title: 'Lavka staff API' });
}

/** The OpenAPI document of the integration API: every enabled module's resources under /api/v1. */
export function integrationDocument(active: readonly ActiveModule[], version: string): Record<string, unknown> {
  const apis = moduleFacts(active)
    .filter((item) => item.integrationRoutes.length > 0)
    .map((item) => ({ prefix: INTEGRATION_PREFIX, module: item.name, routes: item.integrationRoutes }));
  return buildOpenApi(apis, { version, title: 'Lavka API', audience: 'integration' });
}

/** The checks the APIs are mounted behind. */
export interface ApiGuards {
  staff: AccessGuard;
  integration: IntegrationGuard;
  /** The Mini App's initData check; without it no Mini App route is mounted. */
  miniApp?: MiniAppGuard;
}

/**
 * The plugins that mount every module's routes behind their guards. The inventory is
 * registered in the root context (skip-override, as fastify-plugin does) so that it sees
 * every route of every scope; at ready time an /api route outside both checks stops start-up.
 */
export function apiPlugins(active: readonly ActiveModule[], guards: ApiGuards, version: string): { prefix: string; plugin: FastifyPluginAsync }[] {
  const inventory: FastifyPluginAsync = async (root) => {
    const routes: RouteEntry[] = [];
    inventories.set(root, routes);
    root.addHook('onRoute', (options) => {
      const isPublic = (options.config as { public?: boolean } | undefined)?.public === true;
      for (const method of [options.method].flat()) routes.push({ method, url: options.url, ...(isPublic ? { public: true as const } : {}) });
    });
    root.addHook('onReady', async () => {
      for (const entry of routes) {
        const staffRoles = guards.staff.rolesOf(entry.method, entry.url);
        const scope = guards.integration.scopeOf(entry.method, entry.url);
        if (staffRoles) entry.staffRoles = staffRoles;
        if (scope) entry.scope = scope;
        if (guards.miniApp?.covers(entry.method, entry.url)) entry.miniApp = true;
      }
      const open = routes.filter((entry) => /^\/api(\/|$)/.test(entry.url) && entry.staffRoles === undefined && entry.scope === undefined && !entry.miniApp && !entry.public);
      if (open.length > 0) {
        throw new Error(`Routes under /api must be module routes behind the access check; these are not: ${open.map((entry) => `${entry.method} ${entry.url}`).join(', ')}`);
      }
    });
  };
  (inventory as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

  // One scope for every module's resources: one not-found answer, one error shape, one rate.
  const integrationRoutes = active.flatMap((item) => item.instance.integrationRoutes ?? []);
  const integration: FastifyPluginAsync = (app) => registerRoutes(app, integrationRoutes, { invalidInput: 'api.invalid_request', audience: 'integration' });
  let document: Record<string, unknown> | undefined;
  const miniAppRoutes = active.flatMap((item) => item.instance.miniAppRoutes ?? []);
  const miniApp: FastifyPluginAsync = (app) => registerRoutes(app, miniAppRoutes, { invalidInput: 'miniapp.invalid_request', audience: 'miniapp' });

  return [
    { prefix: '', plugin: inventory },
    ...active
      .filter((item) => (item.instance.routes?.length ?? 0) > 0)
      .map((item) => {
        const routes = item.instance.routes ?? [];
        const plugin: FastifyPluginAsync = (app) => registerRoutes(app, routes, { invalidInput: invalidInputCode(item) });
        return { prefix: `/api/${item.name}`, plugin: guards.staff({ module: item.name, staffRoles: item.instance.staffRoles }, plugin) };
      }),
    {
      prefix: INTEGRATION_PREFIX,
      plugin: apiDocsRoutes(() => (document ??= integrationDocument(active, version)), {
        // The clinic ERP's contract (a few hundred schemas) loads when its document is asked for.
        'connectors/clinic-erp.openapi.json': async () => (await import('../modules/clinic-erp/clinic-erp.openapi.ts')).clinicErpOpenApi(version),
      }),
    },
    { prefix: INTEGRATION_PREFIX, plugin: guards.integration(integration) },
    ...(guards.miniApp && miniAppRoutes.length > 0 ? [{ prefix: MINIAPP_API_PREFIX, plugin: guards.miniApp(miniApp) }] : []),
  ];
}
