import { sql } from 'kysely';
import { defineModule } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { createBookingComposer } from './booking.bot.ts';
import { createBookingMessages } from './booking.messages.ts';
import { createBookingReport } from './booking.report.ts';
import { createVisitPurpose } from './booking.purpose.ts';
import { createBookingRoutes } from './booking.routes.ts';
import { REMINDER_JOB, createBookingService, type BookingService } from './booking.service.ts';
import { bookingSettingsSchema, pickLocalised } from './booking.settings.ts';
import { staffChatIds } from '../../delivery/staff-chats.ts';

declare module '../module.ts' {
  interface ModuleServices {
    booking: BookingService;
  }
}

/**
 * Booking for a clinic with several branches: the directory (branches, services, doctors,
 * weekly schedules with breaks, days off and one-off exceptions), free slots in the clinic's
 * time zone, booking with the database refusing double bookings, reschedule and cancel within
 * a cut-off, reminders with "I'll come" / "Cancel", visit payments, and the staff calendar.
 */
export const module = defineModule({
  name: 'booking',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'bookings', label: 'nav.bookings', icon: 'calendar', group: 'business', order: 40 }],
  // The clinic's directory and schedules; appointments are the simulated patients'.
  goLive: {
    keep: [
      { table: 'booking_branches' },
      { table: 'booking_services' },
      { table: 'booking_doctors' },
      { table: 'booking_doctor_services' },
      { table: 'booking_schedule_rules' },
      { table: 'booking_exceptions' },
    ],
  },
  dependsOn: ['users', 'patients', 'payments', 'reports'],
  migrations: [
    {
      name: '0001_booking',
      async up(db, { col }) {
        await col
          .id(db.schema.createTable('booking_branches'))
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('phone', 'varchar(32)')
          .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await col
          .id(db.schema.createTable('booking_services'))
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('duration_minutes', 'integer', (c) => c.notNull())
          .addColumn('price_minor', 'bigint', (c) => c.notNull())
          .addColumn('currency', 'varchar(3)', (c) => c.notNull())
          .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addCheckConstraint('booking_services_duration_positive', sql`duration_minutes > 0`)
          .addCheckConstraint('booking_services_price_nonnegative', sql`price_minor >= 0`)
          .execute();
        await col
          .id(db.schema.createTable('booking_doctors'))
          .addColumn('branch_id', 'bigint', (c) => c.notNull().references('booking_branches.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('specialty', 'text', (c) => c.notNull())
          .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('booking_doctors_branch_idx').on('booking_doctors').column('branch_id').execute();
        await db.schema
          .createTable('booking_doctor_services')
          .addColumn('doctor_id', 'bigint', (c) => c.notNull().references('booking_doctors.id').onDelete('cascade'))
          .addColumn('service_id', 'bigint', (c) => c.notNull().references('booking_services.id').onDelete('cascade'))
          .addPrimaryKeyConstraint('booking_doctor_services_pk', ['doctor_id', 'service_id'])
          .execute();
        await db.schema.createIndex('booking_doctor_services_service_idx').on('booking_doctor_services').column('service_id').execute();
        await col
          .id(db.schema.createTable('booking_schedule_rules'))
          .addColumn('doctor_id', 'bigint', (c) => c.notNull().references('booking_doctors.id').onDelete('cascade'))
          .addColumn('weekday', 'integer', (c) => c.notNull())
          .addColumn('start_time', 'varchar(5)', (c) => c.notNull())
          .addColumn('end_time', 'varchar(5)', (c) => c.notNull())
          .addColumn('breaks', col.json, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addCheckConstraint('booking_schedule_rules_weekday', sql`weekday between 1 and 7`)
          .execute();
        await db.schema.createIndex('booking_schedule_rules_doctor_idx').on('booking_schedule_rules').column('doctor_id').execute();
        await col
          .id(db.schema.createTable('booking_exceptions'))
          .addColumn('doctor_id', 'bigint', (c) => c.notNull().references('booking_doctors.id').onDelete('cascade'))
          .addColumn('date', 'varchar(10)', (c) => c.notNull())
          .addColumn('kind', 'varchar(8)', (c) => c.notNull())
          .addColumn('start_time', 'varchar(5)')
          .addColumn('end_time', 'varchar(5)')
          .addColumn('note', 'varchar(200)')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('booking_exceptions_doctor_date_idx').on('booking_exceptions').columns(['doctor_id', 'date']).execute();
        await col
          .id(db.schema.createTable('booking_appointments'))
          .addColumn('patient_id', 'bigint', (c) => c.notNull())
          .addColumn('branch_id', 'bigint', (c) => c.notNull())
          .addColumn('service_id', 'bigint', (c) => c.notNull())
          .addColumn('doctor_id', 'bigint', (c) => c.notNull())
          .addColumn('starts_at', 'bigint', (c) => c.notNull())
          .addColumn('ends_at', 'bigint', (c) => c.notNull())
          .addColumn('status', 'varchar(16)', (c) => c.notNull())
          .addColumn('price_minor', 'bigint', (c) => c.notNull())
          .addColumn('currency', 'varchar(3)', (c) => c.notNull())
          .addColumn('paid_minor', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('confirmed_at', 'bigint')
          .addColumn('locale', 'varchar(8)', (c) => c.notNull())
          .addColumn('reschedule_count', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('cancelled_by', 'varchar(64)')
          .addColumn('cancelled_at', 'bigint')
          .addColumn('completed_at', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addCheckConstraint('booking_appointments_times', sql`ends_at > starts_at`)
          .addCheckConstraint('booking_appointments_paid', sql`paid_minor >= 0 and paid_minor <= price_minor`)
          .execute();
        await db.schema.createIndex('booking_appointments_patient_idx').on('booking_appointments').columns(['patient_id', 'starts_at']).execute();
        await db.schema.createIndex('booking_appointments_doctor_idx').on('booking_appointments').columns(['doctor_id', 'starts_at']).execute();
        await db.schema.createIndex('booking_appointments_branch_idx').on('booking_appointments').columns(['branch_id', 'starts_at']).execute();
        // The double-booking guard: one row per doctor per 5-minute cell, held while booked.
        await db.schema
          .createTable('booking_slot_claims')
          .addColumn('doctor_id', 'bigint', (c) => c.notNull())
          .addColumn('cell_start', 'bigint', (c) => c.notNull())
          .addColumn('appointment_id', 'bigint', (c) => c.notNull().references('booking_appointments.id').onDelete('cascade'))
          .addPrimaryKeyConstraint('booking_slot_claims_pk', ['doctor_id', 'cell_start'])
          .execute();
        await db.schema.createIndex('booking_slot_claims_appointment_idx').on('booking_slot_claims').column('appointment_id').execute();
      },
    },
  ],
  setup(deps) {
    const { users, patients, payments } = deps.services;
    if (!users || !patients) throw new Error('the booking module needs the users and patients modules');
    const settings = bookingSettingsSchema.parse(deps.config.settings.booking);
    if (settings.minorPerStar !== undefined) {
      deps.logger.warn('settings.booking.minorPerStar is ignored: a visit is a physical service, and Telegram allows Stars only for digital goods and services. Visits are paid by card (PAYMENTS_PROVIDER_TOKEN), QR, transfer or at the clinic.');
    }
    const { business } = deps.config;
    const booking = createBookingService({
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
    });
    payments?.registerPurpose(createVisitPurpose({ booking, i18n: deps.i18n, settings, timeZone: () => business.timeZone }));
    // The clinic's figures and appointments in the staff commands `/stats` and `/export`.
    deps.services.reports?.register(createBookingReport({ booking, patients, timeZone: () => business.timeZone, now: deps.now }));

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
        now: deps.now,
      }),
      commands: [
        { command: 'book', description: 'booking-command-book' },
        { command: 'appointments', description: 'booking-command-appointments' },
        { command: 'visits', description: 'booking-command-visits', audience: 'admin' },
      ],
      routes: createBookingRoutes({ booking }),
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
      seedDemo: async (data) => void (await booking.seed(data)),
    };
  },
});
