import type { FastifyPluginAsync } from 'fastify';
import type { ActiveModule } from '../../src/modules/registry.ts';
import { invalidInputCode } from '../../src/modules/registry.ts';
import { setPrincipal, type StaffMember } from '../../src/platform/principal.ts';
import { registerRoutes, type AnyApiRoute } from '../../src/platform/route.ts';

/** The staff member behind requests to a module's routes mounted without the access check. */
export const TEST_OWNER: StaffMember = {
  id: 1,
  telegramId: null,
  login: 'owner',
  displayName: 'Owner',
  role: 'owner',
  disabled: false,
  hasPassword: true,
  createdAt: 0,
  lastLoginAt: null,
};

/**
 * A module's staff routes as a plugin for a bare Fastify: the same validation and refusals as
 * in Lavka, with every request made by `staff` (the access check itself is tested end to end).
 */
export function moduleRoutes(item: ActiveModule | undefined, staff: StaffMember = TEST_OWNER): FastifyPluginAsync {
  if (!item?.instance.routes) throw new Error(`the module ${item?.name ?? '(missing)'} has no staff routes`);
  const routes = item.instance.routes;
  return staffRoutes(routes, invalidInputCode(item), staff);
}

/** Routes built in a test (with its own fakes) as a plugin, the same way as {@link moduleRoutes}. */
export function staffRoutes(routes: readonly AnyApiRoute[], invalidInput: string, staff: StaffMember = TEST_OWNER): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRequest', async (request) => {
      setPrincipal(request, { type: 'staff', sessionId: 0, csrfToken: '', expiresAt: Number.MAX_SAFE_INTEGER, staff });
    });
    await registerRoutes(app, routes, { invalidInput });
  };
}
