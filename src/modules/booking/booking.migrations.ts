import { sql } from 'kysely';
import type { Migration } from '../../db/migrator.ts';

/** The booking module's tables. Never edit a migration that has shipped: add one. */
export const bookingMigrations: readonly Migration[] = [
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
  {
    name: '0002_booking_external_ids',
    async up(db) {
      // The business's own ids (a clinic's ERP or MIS) of branches, services, doctors and
      // visits, set through the integration API: one record per id in each table. NULLs do
      // not collide, so records without one are unaffected.
      for (const table of ['booking_branches', 'booking_services', 'booking_doctors', 'booking_appointments'] as const) {
        await db.schema.alterTable(table).addColumn('external_id', 'varchar(64)').execute();
        await db.schema.createIndex(`${table}_external_id_uq`).on(table).column('external_id').unique().execute();
      }
    },
  },
  {
    name: '0003_booking_pending_visits',
    async up(db) {
      // A visit being written to the clinic's ERP: kept until Lavka's record of it is written
      // (in the same transaction), so a retry uses the same idempotency key and a visit the
      // ERP made while Lavka could not hear its answer is found and undone.
      await db.schema
        .createTable('booking_pending_visits')
        .addColumn('key', 'varchar(80)', (c) => c.primaryKey())
        .addColumn('patient_id', 'bigint', (c) => c.notNull())
        .addColumn('doctor_id', 'bigint', (c) => c.notNull())
        .addColumn('starts_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('booking_pending_visits_visit_uq').on('booking_pending_visits').columns(['patient_id', 'doctor_id', 'starts_at']).unique().execute();
    },
  },
  {
    name: '0004_booking_erp_invoices',
    async up(db) {
      // Invoices the clinic's ERP issued to a patient through the bot: whose they are (a
      // "check payment" button of someone else's is refused) and whether the patient has been
      // told it is paid (told once). The balance itself stays in the ERP.
      await db.schema
        .createTable('booking_erp_invoices')
        .addColumn('invoice_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('patient_id', 'bigint', (c) => c.notNull())
        .addColumn('amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'varchar(3)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('paid_at', 'bigint')
        .execute();
      await db.schema.createIndex('booking_erp_invoices_patient_idx').on('booking_erp_invoices').column('patient_id').execute();
    },
  },
];
