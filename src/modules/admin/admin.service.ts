import { createAdminCore, type AdminServiceDeps } from './admin.core.ts';
import { createAdminSessions } from './admin.sessions.ts';
import { createAdminStaff } from './admin.staff.ts';

export {
  DEFAULT_ADMIN_LIMITS,
  SESSION_COOKIE,
  STAFF_ROLE_CACHE_MS,
  hashToken,
  newToken,
  staffView,
  type AdminLimits,
  type AdminServiceDeps,
  type Authenticated,
  type ClientInfo,
  type StaffView,
  type StartedSession,
} from './admin.core.ts';

/**
 * Staff accounts, one-time login links, sessions and login rate limits. No HTTP and no
 * Telegram here: the bot and the routes call these use cases.
 */
export function createAdminService(deps: AdminServiceDeps) {
  const core = createAdminCore(deps);
  const { repository } = core;
  return {
    ...createAdminSessions(core),
    ...createAdminStaff(core),

    /** The owner's stored text overrides. */
    listTextOverrides: repository.listTextOverrides,
    textOverridesFingerprint: repository.textOverridesFingerprint,
    upsertTextOverride: repository.upsertTextOverride,
    deleteTextOverride: repository.deleteTextOverride,
    getSetting: repository.getSetting,
    getSettingRow: repository.getSettingRow,
    settingRevisions: repository.settingRevisions,
    putSetting: repository.putSetting,
    deleteSetting: repository.deleteSetting,
  };
}

/** The admin service's shape. */
export type AdminService = ReturnType<typeof createAdminService>;
