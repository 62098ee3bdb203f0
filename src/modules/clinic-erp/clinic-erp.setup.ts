import { ConfigError } from '../../config/env.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { staffChatIds } from '../../delivery/staff-chats.ts';
import { createOutgoingPolicy } from '../../platform/outgoing.ts';
import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { clinicErpConfigSchema } from './clinic-erp.config.ts';
import { createClinicErpRoutes } from './clinic-erp.routes.ts';
import { createClinicErpService } from './clinic-erp.service.ts';

/** How often the writes the ERP is owed are looked at (each waits its own back-off). */
const OUTBOX_EVERY_MS = 5000;
/** How often the staff hear of the ERP going down or coming back, at most (across instances). */
const NOTICE_WINDOW_MS = 10 * 60_000;

/** Sets the clinic-erp module up; loaded only when a deployment runs it (see clinic-erp.module.ts). */
export function setupClinicErp(deps: ModuleDeps<'users'>): ModuleInstance {
  const parsed = clinicErpConfigSchema.safeParse(deps.config.connectors.clinic);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `connectors.clinic.${issue.path.join('.')}: ${issue.message}`);
  if (!deps.env.CLINIC_ERP_TOKEN) problems.push('CLINIC_ERP_TOKEN: the token Lavka sends to the clinic ERP is not set');
  if (!parsed.success || !deps.env.CLINIC_ERP_TOKEN) throw new ConfigError('Lavka cannot start: the clinic ERP connector is not configured correctly.', problems);
  const config = parsed.data;
  const { business } = deps.config;
  const clinicErp = createClinicErpService({
    db: deps.database.db,
    config,
    token: deps.env.CLINIC_ERP_TOKEN,
    policy: createOutgoingPolicy(deps.config.outgoing.allowPrivate, { untilDurable: deps.database.untilDurable }),
    logger: deps.logger.child({ connector: 'clinic-erp' }),
    now: deps.now,
    async tellStaff(event, reason) {
      const nowMs = deps.now();
      const chats = await staffChatLocales(deps.database.db, staffChatIds(deps.config, deps.env.ADMIN_IDS), business.defaultLocale);
      await enqueueOutbox(
        deps.database.db,
        chats.map(({ chatId, locale }) => ({
          chatId,
          method: 'sendMessage' as const,
          payload: { text: deps.i18n.t(locale, event === 'paused' ? 'clinic-erp-paused' : 'clinic-erp-resumed', { reason: reason.slice(0, 300), seconds: config.breaker.pauseSeconds }) },
          priority: 'high' as const,
          // Every instance finds the outage for itself; the staff hear of it once.
          dedupeKey: `clinic-erp:${event}:${Math.floor(nowMs / NOTICE_WINDOW_MS)}:${chatId}`,
        })),
        nowMs,
      );
    },
  });
  clinicErp.registerRound('changes', async () => ({ applied: await clinicErp.followChanges() }));
  return {
    service: clinicErp,
    routes: createClinicErpRoutes({ clinicErp }),
    // The owner and managers see it: the clinic's records depend on it.
    staffRoles: ['manager'],
    // Not critical: an instance whose ERP is down still serves everything else, and tells patients so.
    health: [{ name: 'clinic-erp', critical: false, check: async () => clinicErp.health() }],
    jobs: [
      // The ERP being down is recorded as the round's outcome; the breaker and the health check report it.
      { name: 'clinic-erp.changes', everyMs: config.pollSeconds * 1000, runs: 'one-instance', run: async () => void (await clinicErp.runRound('changes')) },
      { name: 'clinic-erp.outbox', everyMs: OUTBOX_EVERY_MS, run: async () => void (await clinicErp.deliverOutbox()) },
    ],
  };
}
