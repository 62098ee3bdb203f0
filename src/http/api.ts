// The staff APIs' mount: every module's routes under /api/<module>, each behind the access
// check (session, role, CSRF, audit), and the inventory that proves no /api route escapes it.
// The routes, their schemas and their refusals are the modules'; how they are mounted is here.

import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { invalidInputCode, moduleFacts, type ActiveModule } from '../modules/registry.ts';
import type { AccessGuard } from '../platform/access.ts';
import { buildOpenApi } from '../platform/openapi.ts';
import type { StaffRole } from '../platform/roles.ts';
import { registerRoutes } from '../platform/route.ts';

/** A route of the server as the inventory saw it being added. */
export interface RouteEntry {
  method: string;
  url: string;
  /** Roles the access check allows on it; undefined for routes outside it. */
  staffRoles?: readonly StaffRole[];
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

/**
 * The plugins that mount every module's routes behind `guard`. The inventory is registered
 * in the root context (skip-override, as fastify-plugin does) so that it sees every route of
 * every scope; at ready time an /api route outside the access check stops start-up.
 */
export function apiPlugins(active: readonly ActiveModule[], guard: AccessGuard): { prefix: string; plugin: FastifyPluginAsync }[] {
  const inventory: FastifyPluginAsync = async (root) => {
    const routes: RouteEntry[] = [];
    inventories.set(root, routes);
    root.addHook('onRoute', (options) => {
      for (const method of [options.method].flat()) routes.push({ method, url: options.url });
    });
    root.addHook('onReady', async () => {
      for (const entry of routes) entry.staffRoles = guard.rolesOf(entry.method, entry.url);
      const open = routes.filter((entry) => /^\/api(\/|$)/.test(entry.url) && entry.staffRoles === undefined);
      if (open.length > 0) {
        throw new Error(`Routes under /api must be module routes behind the access check; these are not: ${open.map((entry) => `${entry.method} ${entry.url}`).join(', ')}`);
      }
    });
  };
  (inventory as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

  return [
    { prefix: '', plugin: inventory },
    ...active
      .filter((item) => (item.instance.routes?.length ?? 0) > 0)
      .map((item) => {
        const routes = item.instance.routes ?? [];
        const plugin: FastifyPluginAsync = (app) => registerRoutes(app, routes, { invalidInput: invalidInputCode(item) });
        return { prefix: `/api/${item.name}`, plugin: guard({ module: item.name, staffRoles: item.instance.staffRoles }, plugin) };
      }),
  ];
}
