import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { createBookingComposer } from './booking.bot.ts';
import { createBookingMessages } from './booking.messages.ts';
import { createBookingReport } from './booking.report.ts';
import { createVisitPurpose } from './booking.purpose.ts';
import { createBookingRoutes } from './booking.routes.ts';
import { REMINDER_JOB, createBookingService } from './booking.service.ts';
import { bookingSettingsSchema, pickLocalised } from './booking.settings.ts';
import { staffChatIds } from '../../delivery/staff-chats.ts';
import { createBookingApi } from './booking.api.ts';
import { createBookingMiniAppRoutes } from './booking.miniapp.ts';
import { createErpBookingBackend } from './connectors/booking.erp.ts';
import { createErpBookingSync } from './connectors/booking.erp-sync.ts';
import { createErpClinicAccount } from './connectors/booking.erp-account.ts';

/** Sets the booking module up; loaded only when a deployment runs it (see booking.module.ts). */
export function setupBooking(deps: ModuleDeps<'users' | 'patients' | 'payments' | 'reports', 'clinic-erp'>): ModuleInstance {
  const { users, patients, payments } = deps.services;
  if (!users || !patients) throw new Error('the booking module needs the users and patients modules');
  const settings = bookingSettingsSchema.parse(deps.config.settings.booking);
  if (settings.minorPerStar !== undefined) {
    deps.logger.warn('settings.booking.minorPerStar is ignored: a visit is a physical service, and Telegram allows Stars only for digital goods and services. Visits are paid by card (PAYMENTS_PROVIDER_TOKEN), QR, transfer or at the clinic.');
  }
  const { business } = deps.config;
  const erp = deps.services['clinic-erp'];
  const backend = erp
    ? createErpBookingBackend({ client: erp.client, timeZone: () => business.timeZone, now: deps.now, settings, slotCacheMs: erp.config.slotCacheSeconds * 1000 })
    : undefined;
  const booking = createBookingService({
    ...(backend ? { backend } : {}),
    db: deps.database.db,
    now: deps.now,
    timeZone: () => business.timeZone,
    currency: business.currency,
    defaultLocale: business.defaultLocale,
    settings,
    patientName: async (userId) => (await patients.get(userId))?.full_name,
    localeOf: async (userId) => users.localeOf(await users.get(userId), business.defaultLocale),
    // Each staff member reads alerts in their own language; a staff group in the clinic's.
    staffChats: (executor) => staffChatLocales(executor, staffChatIds(deps.config, deps.env.ADMIN_IDS), business.defaultLocale),
    messages: createBookingMessages({ i18n: deps.i18n, timeZone: () => business.timeZone }),
    events: deps.events,
  });
  // With the ERP, the patient's balance and invoices are the ERP's, and what Lavka takes for visits is reported to it.
  const clinicAccount = erp ? createErpClinicAccount({ db: deps.database.db, client: erp.client, send: erp.send, currency: business.currency, now: deps.now }) : undefined;
  payments?.registerPurpose(
    createVisitPurpose({ booking, i18n: deps.i18n, settings, timeZone: () => business.timeZone, ...(clinicAccount ? { report: clinicAccount.reportPayment } : {}) }),
  );
  const sync = erp
    ? createErpBookingSync({ db: deps.database.db, client: erp.client, booking, currency: business.currency, timeZone: () => business.timeZone, now: deps.now })
    : undefined;
  if (erp && sync) {
    for (const type of ['appointment.cancelled', 'appointment.rescheduled', 'appointment.completed', 'appointment.no_show']) erp.onChange(type, sync.applyChange);
    // The directory is there before the first patient asks (the ERP being down only delays it).
    erp.registerRound('directory', sync.syncDirectory);
    erp.registerRound('repair', sync.repair);
    void erp.runRound('directory').catch((error: unknown) => deps.logger.error({ err: error }, 'the first directory sync with the clinic ERP failed'));
  }
  // The clinic's figures and appointments in the staff commands `/stats` and `/export`.
  deps.services.reports.register(createBookingReport({ booking, patients, timeZone: () => business.timeZone, now: deps.now }));

  const matchId = async (parameter: string | number | undefined, list: () => Promise<{ id: number; title: string }[]>): Promise<number | undefined> => {
    const text = String(parameter ?? '').trim().toLowerCase();
    if (/^\d+$/.test(text)) return Number(text);
    const items = await list();
    return items.find((item) => ['ru', 'kk', 'en'].some((locale) => pickLocalised(item.title, locale).toLowerCase().includes(text)))?.id;
  };

  return {
    service: booking,
    composer: createBookingComposer({
      booking,
      isRegistered: async (userId) => (await patients.get(userId)) !== undefined,
      registrationData: patients.registrationData,
      timeZone: () => business.timeZone,
      payments: payments !== undefined,
      ...(clinicAccount ? { clinicAccount } : {}),
      now: deps.now,
    }),
    commands: [
      { command: 'book', description: 'booking-command-book' },
      { command: 'appointments', description: 'booking-command-appointments' },
      { command: 'visits', description: 'booking-command-visits', audience: 'admin' },
    ],
    routes: createBookingRoutes({ booking }),
    integrationRoutes: createBookingApi({ booking }),
    miniAppRoutes: createBookingMiniAppRoutes({
      booking,
      isRegistered: async (userId) => (await patients.get(userId)) !== undefined,
      registrationData: patients.registrationData,
      db: deps.database.db,
      i18n: deps.i18n,
      timeZone: () => business.timeZone,
      now: deps.now,
    }),
    // Registrars (support) keep the calendar; managers edit the directory too.
    staffRoles: ['manager', 'support'],
    jobHandlers: { [REMINDER_JOB]: booking.reminderHandler },
    segments: [
      {
        name: 'booking.branch_patients',
        label: 'booking-segment-branch',
        parameter: 'text',
        userIds: async (parameter) => {
          const id = await matchId(parameter, () => booking.listBranches(false));
          return id === undefined ? [] : booking.patientIdsOfBranch(id);
        },
      },
      {
        name: 'booking.service_patients',
        label: 'booking-segment-service',
        parameter: 'text',
        userIds: async (parameter) => {
          const id = await matchId(parameter, () => booking.listServices(false));
          return id === undefined ? [] : booking.patientIdsOfService(id);
        },
      },
      {
        name: 'booking.not_visited_months',
        label: 'booking-segment-not-visited',
        parameter: 'amount',
        userIds: (parameter) => booking.patientIdsNotVisitedFor(Math.max(1, Number(parameter) || 6)),
      },
    ],
    async dailyReport(window) {
      const visits = await booking.list({ fromMs: window.sinceMs, toMs: window.untilMs }, 'asc', 10_000);
      return [
        deps.i18n.t(window.locale, 'booking-report-day', {
          booked: visits.filter((item) => item.status === 'booked').length,
          completed: visits.filter((item) => item.status === 'completed').length,
          noShow: visits.filter((item) => item.status === 'no_show').length,
        }),
      ];
    },
    // With an ERP the directory is the ERP's: nothing of the demo one is seeded.
    seedDemo: async (data) => void (sync ? undefined : await booking.seed(data)),
    ...(erp && sync
      ? {
          jobs: [
            { name: 'booking.erp-directory', everyMs: erp.config.syncMinutes * 60_000, runs: 'one-instance', run: async () => void (await erp.runRound('directory')) },
            { name: 'booking.erp-repair', everyMs: 5 * 60_000, runs: 'one-instance', run: async () => void (await erp.runRound('repair')) },
          ],
        }
      : {}),
  };
}
