import type { AnyApiRoute } from '../../platform/route.ts';
import type { AdminApiDeps } from './admin.api.ts';
import { contentRoutes } from './admin.content.routes.ts';
import { customerRoutes } from './admin.customers.routes.ts';
import { dashboardRoutes } from './admin.dashboard.routes.ts';
import { sessionRoutes } from './admin.session.routes.ts';
import { settingsRoutes } from './admin.settings.routes.ts';
import { staffRoutes } from './admin.staff.routes.ts';
import { systemRoutes } from './admin.system.routes.ts';

/**
 * The panel's own API under `/api/admin`: the session, and the pages no other module owns
 * (dashboard, customers, content, settings, staff, audit, system). Built once every module is
 * set up, so that every module's live settings section has its routes.
 */
export function createAdminRoutes(deps: AdminApiDeps): AnyApiRoute[] {
  return [
    ...sessionRoutes(deps),
    ...dashboardRoutes(deps),
    ...customerRoutes(deps),
    ...systemRoutes(deps),
    ...contentRoutes(deps),
    ...settingsRoutes(deps),
    ...staffRoutes(deps),
  ];
}
