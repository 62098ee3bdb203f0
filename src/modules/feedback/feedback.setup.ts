import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { createFeedbackComposer } from './feedback.bot.ts';
import { createFeedbackRoutes } from './feedback.routes.ts';
import { createFeedbackService, feedbackSettingsSchema } from './feedback.service.ts';
import { staffChatIds } from '../../delivery/staff-chats.ts';
import { createErpFeedbackBackend } from './connectors/feedback.erp.ts';

/** Sets the feedback module up; loaded only when a deployment runs it (see feedback.module.ts). */
export function setupFeedback(deps: ModuleDeps<'patients' | 'booking', 'clinic-erp'>): ModuleInstance {
  const { patients, booking } = deps.services;
  if (!patients || !booking) throw new Error('the feedback module needs the patients and booking modules');
  const settings = feedbackSettingsSchema.parse(deps.config.settings.feedback);
  const erp = deps.services['clinic-erp'];
  const feedback = createFeedbackService({
    db: deps.database.db,
    now: deps.now,
    timeZone: () => deps.config.business.timeZone,
    settings,
    i18n: deps.i18n,
    booking,
    patientName: async (userId) => (await patients.get(userId))?.full_name,
    // Each staff member reads alerts in their own language; a staff group in the clinic's.
    staffChats: () =>
      staffChatLocales(deps.database.db, staffChatIds(deps.config, deps.env.ADMIN_IDS), deps.config.business.defaultLocale),
    events: deps.events,
    ...(erp ? { backend: createErpFeedbackBackend({ erp, now: deps.now, logger: deps.logger }) } : {}),
  });
  booking.onAppointmentChange(async (trx, change) => {
    if (change.event === 'completed') await feedback.askAfterVisit(trx, change.appointment, change.locale);
  });
  const bot = createFeedbackComposer({ feedback });
  return {
    service: feedback,
    composer: bot.composer,
    flows: bot.flows,
    routes: createFeedbackRoutes({ feedback }),
    staffRoles: ['manager'],
    async dailyReport(window) {
      const summary = await feedback.summary(window.sinceMs);
      return summary.responses === 0 ? [] : [deps.i18n.t(window.locale, 'feedback-report', { responses: summary.responses, nps: summary.nps ?? 0 })];
    },
  };
}
