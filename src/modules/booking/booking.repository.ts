import type { Insertable, Selectable } from 'kysely';
import { isUniqueViolation, type DbExecutor } from '../../db/database.ts';
import type {
  AppointmentRecord,
  AppointmentStatus,
  BookingAppointmentsTable,
  BookingBranchesTable,
  BookingDoctorsTable,
  BookingPendingVisitsTable,
  BookingServicesTable,
  BranchRecord,
  DoctorRecord,
  ExceptionRecord,
  ScheduleRuleRecord,
  ServiceRecord,
} from './booking.tables.ts';

/** A filter for appointment lists. */
export interface AppointmentFilter {
  branchId?: number;
  doctorId?: number;
  patientId?: number;
  fromMs?: number;
  toMs?: number;
  statuses?: readonly AppointmentStatus[];
  /** The business's own id of the visit, exactly. */
  externalId?: string;
}

/** The booking tables whose rows carry the business's own id (`external_id`, unique per table). */
export type ExternallyKnownTable = 'booking_branches' | 'booking_services' | 'booking_doctors' | 'booking_appointments';

/** SQL for the booking tables. */
export function createBookingRepository(db: DbExecutor) {
  const filteredAppointments = (filter: AppointmentFilter) => {
    let query = db.selectFrom('booking_appointments').selectAll();
    if (filter.branchId !== undefined) query = query.where('branch_id', '=', filter.branchId);
    if (filter.doctorId !== undefined) query = query.where('doctor_id', '=', filter.doctorId);
    if (filter.patientId !== undefined) query = query.where('patient_id', '=', filter.patientId);
    if (filter.fromMs !== undefined) query = query.where('starts_at', '>=', filter.fromMs);
    if (filter.toMs !== undefined) query = query.where('starts_at', '<', filter.toMs);
    if (filter.statuses && filter.statuses.length > 0) query = query.where('status', 'in', filter.statuses);
    if (filter.externalId !== undefined) query = query.where('external_id', '=', filter.externalId);
    return query;
  };
  return {
    listBranches(activeOnly: boolean, externalId?: string): Promise<BranchRecord[]> {
      let query = db.selectFrom('booking_branches').selectAll();
      if (activeOnly) query = query.where('is_active', '=', 1);
      if (externalId !== undefined) query = query.where('external_id', '=', externalId);
      return query.orderBy('position').orderBy('id').execute();
    },

    findBranch(id: number): Promise<BranchRecord | undefined> {
      return db.selectFrom('booking_branches').selectAll().where('id', '=', id).executeTakeFirst();
    },

    insertBranch(row: Insertable<BookingBranchesTable>): Promise<BranchRecord> {
      return db.insertInto('booking_branches').values(row).returningAll().executeTakeFirstOrThrow();
    },

    updateBranch(id: number, patch: Partial<Insertable<BookingBranchesTable>>): Promise<BranchRecord | undefined> {
      return db.updateTable('booking_branches').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
    },

    listServices(activeOnly: boolean): Promise<ServiceRecord[]> {
      let query = db.selectFrom('booking_services').selectAll();
      if (activeOnly) query = query.where('is_active', '=', 1);
      return query.orderBy('position').orderBy('id').execute();
    },

    findService(id: number): Promise<ServiceRecord | undefined> {
      return db.selectFrom('booking_services').selectAll().where('id', '=', id).executeTakeFirst();
    },

    insertService(row: Insertable<BookingServicesTable>): Promise<ServiceRecord> {
      return db.insertInto('booking_services').values(row).returningAll().executeTakeFirstOrThrow();
    },

    updateService(id: number, patch: Partial<Insertable<BookingServicesTable>>): Promise<ServiceRecord | undefined> {
      return db.updateTable('booking_services').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
    },

    /** Active services that at least one active doctor of the branch provides (the one with the business's id `externalId`, when given). */
    servicesAtBranch(branchId: number, externalId?: string): Promise<ServiceRecord[]> {
      let query = db.selectFrom('booking_services').selectAll('booking_services').where('booking_services.is_active', '=', 1);
      if (externalId !== undefined) query = query.where('booking_services.external_id', '=', externalId);
      return query
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('booking_doctor_services')
              .innerJoin('booking_doctors', 'booking_doctors.id', 'booking_doctor_services.doctor_id')
              .select('booking_doctor_services.doctor_id')
              .whereRef('booking_doctor_services.service_id', '=', 'booking_services.id')
              .where('booking_doctors.branch_id', '=', branchId)
              .where('booking_doctors.is_active', '=', 1),
          ),
        )
        .orderBy('booking_services.position')
        .orderBy('booking_services.id')
        .execute();
    },

    listDoctors(filter: { branchId?: number; serviceId?: number; externalId?: string; activeOnly: boolean }): Promise<DoctorRecord[]> {
      let query = db.selectFrom('booking_doctors').selectAll('booking_doctors');
      if (filter.activeOnly) query = query.where('booking_doctors.is_active', '=', 1);
      if (filter.externalId !== undefined) query = query.where('booking_doctors.external_id', '=', filter.externalId);
      if (filter.branchId !== undefined) query = query.where('booking_doctors.branch_id', '=', filter.branchId);
      if (filter.serviceId !== undefined) {
        const serviceId = filter.serviceId;
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom('booking_doctor_services')
              .select('doctor_id')
              .whereRef('booking_doctor_services.doctor_id', '=', 'booking_doctors.id')
              .where('booking_doctor_services.service_id', '=', serviceId),
          ),
        );
      }
      return query.orderBy('booking_doctors.position').orderBy('booking_doctors.id').execute();
    },

    findDoctor(id: number): Promise<DoctorRecord | undefined> {
      return db.selectFrom('booking_doctors').selectAll().where('id', '=', id).executeTakeFirst();
    },

    insertDoctor(row: Insertable<BookingDoctorsTable>): Promise<DoctorRecord> {
      return db.insertInto('booking_doctors').values(row).returningAll().executeTakeFirstOrThrow();
    },

    updateDoctor(id: number, patch: Partial<Insertable<BookingDoctorsTable>>): Promise<DoctorRecord | undefined> {
      return db.updateTable('booking_doctors').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
    },

    async serviceIdsOfDoctor(doctorId: number): Promise<number[]> {
      const rows = await db.selectFrom('booking_doctor_services').select('service_id').where('doctor_id', '=', doctorId).orderBy('service_id').execute();
      return rows.map((row) => row.service_id);
    },

    async replaceDoctorServices(doctorId: number, serviceIds: readonly number[]): Promise<void> {
      await db.deleteFrom('booking_doctor_services').where('doctor_id', '=', doctorId).execute();
      if (serviceIds.length > 0) {
        await db
          .insertInto('booking_doctor_services')
          .values(serviceIds.map((serviceId) => ({ doctor_id: doctorId, service_id: serviceId })))
          .execute();
      }
    },

    rulesOf(doctorIds: readonly number[]): Promise<ScheduleRuleRecord[]> {
      if (doctorIds.length === 0) return Promise.resolve([]);
      return db.selectFrom('booking_schedule_rules').selectAll().where('doctor_id', 'in', doctorIds).orderBy('weekday').orderBy('start_time').execute();
    },

    async replaceRules(doctorId: number, rules: readonly { weekday: number; start_time: string; end_time: string; breaks: string }[], nowMs: number): Promise<void> {
      await db.deleteFrom('booking_schedule_rules').where('doctor_id', '=', doctorId).execute();
      if (rules.length > 0) {
        await db
          .insertInto('booking_schedule_rules')
          .values(rules.map((rule) => ({ ...rule, doctor_id: doctorId, created_at: nowMs })))
          .execute();
      }
    },

    exceptionsOf(doctorIds: readonly number[], fromDate: string, toDate: string): Promise<ExceptionRecord[]> {
      if (doctorIds.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('booking_exceptions')
        .selectAll()
        .where('doctor_id', 'in', doctorIds)
        .where('date', '>=', fromDate)
        .where('date', '<=', toDate)
        .orderBy('date')
        .execute();
    },

    insertException(row: Omit<ExceptionRecord, 'id'>): Promise<ExceptionRecord> {
      return db.insertInto('booking_exceptions').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async deleteException(id: number): Promise<boolean> {
      const result = await db.deleteFrom('booking_exceptions').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async countExceptions(): Promise<number> {
      const row = await db.selectFrom('booking_exceptions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    insertAppointment(row: Insertable<BookingAppointmentsTable>): Promise<AppointmentRecord> {
      return db.insertInto('booking_appointments').values(row).returningAll().executeTakeFirstOrThrow();
    },

    findAppointment(id: number): Promise<AppointmentRecord | undefined> {
      return db.selectFrom('booking_appointments').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Updates an appointment only while it has `expected` status; undefined when it did not. */
    updateAppointment(id: number, expected: readonly AppointmentStatus[], patch: Partial<Insertable<BookingAppointmentsTable>>): Promise<AppointmentRecord | undefined> {
      return db.updateTable('booking_appointments').set(patch).where('id', '=', id).where('status', 'in', expected).returningAll().executeTakeFirst();
    },

    /** Booked appointments of these doctors that overlap `[fromMs, toMs)`. */
    busyOf(doctorIds: readonly number[], fromMs: number, toMs: number): Promise<Pick<AppointmentRecord, 'doctor_id' | 'starts_at' | 'ends_at' | 'id'>[]> {
      if (doctorIds.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('booking_appointments')
        .select(['id', 'doctor_id', 'starts_at', 'ends_at'])
        .where('doctor_id', 'in', doctorIds)
        .where('status', '=', 'booked')
        .where('starts_at', '<', toMs)
        .where('ends_at', '>', fromMs)
        .execute();
    },

    /** Inserts the claim rows of an appointment; a UNIQUE violation means the time is taken. */
    async claim(doctorId: number, cellStarts: readonly number[], appointmentId: number): Promise<void> {
      await db
        .insertInto('booking_slot_claims')
        .values(cellStarts.map((cellStart) => ({ doctor_id: doctorId, cell_start: cellStart, appointment_id: appointmentId })))
        .execute();
    },

    async releaseClaims(appointmentId: number): Promise<number> {
      const result = await db.deleteFrom('booking_slot_claims').where('appointment_id', '=', appointmentId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async claimsOf(appointmentId: number): Promise<number[]> {
      const rows = await db.selectFrom('booking_slot_claims').select('cell_start').where('appointment_id', '=', appointmentId).orderBy('cell_start').execute();
      return rows.map((row) => row.cell_start);
    },

    listAppointments(filter: AppointmentFilter, order: 'asc' | 'desc', limit: number): Promise<AppointmentRecord[]> {
      return filteredAppointments(filter).orderBy('starts_at', order).orderBy('id', order).limit(limit).execute();
    },

    /** Newest booking first, from before the appointment `beforeId` (a cursor): pages that hold while visits are booked. */
    listAppointmentsBefore(filter: AppointmentFilter, beforeId: number | undefined, limit: number): Promise<AppointmentRecord[]> {
      let query = filteredAppointments(filter);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      return query.orderBy('id', 'desc').limit(limit).execute();
    },

    /** Sets the business's own id of a row; false when another row of the table has it (the unique index decides). */
    async setExternalId(table: ExternallyKnownTable, id: number, externalId: string | null, nowMs: number): Promise<boolean> {
      if (externalId !== null) {
        const holder = await db.selectFrom(table).select('id').where('external_id', '=', externalId).executeTakeFirst();
        if (holder && holder.id !== id) return false;
      }
      try {
        await db.updateTable(table).set({ external_id: externalId, updated_at: nowMs }).where('id', '=', id).execute();
      } catch (error) {
        // Another row took the id between the check and the update.
        if (isUniqueViolation(error)) return false;
        throw error;
      }
      return true;
    },

    /** The idempotency key of a visit being written to the ERP, kept from an earlier attempt, or a new one. */
    async pendingVisitKey(visit: { patientId: number; doctorId: number; startsAt: number }, newKey: string, nowMs: number): Promise<string> {
      const found = await db
        .selectFrom('booking_pending_visits')
        .select('key')
        .where('patient_id', '=', visit.patientId)
        .where('doctor_id', '=', visit.doctorId)
        .where('starts_at', '=', visit.startsAt)
        .executeTakeFirst();
      if (found) return found.key;
      await db
        .insertInto('booking_pending_visits')
        .values({ key: newKey, patient_id: visit.patientId, doctor_id: visit.doctorId, starts_at: visit.startsAt, created_at: nowMs })
        .onConflict((conflict) => conflict.columns(['patient_id', 'doctor_id', 'starts_at']).doNothing())
        .execute();
      // Two attempts at once: the one whose row is there wins, and both use its key.
      const kept = await db.selectFrom('booking_pending_visits').select('key').where('patient_id', '=', visit.patientId).where('doctor_id', '=', visit.doctorId).where('starts_at', '=', visit.startsAt).executeTakeFirst();
      return kept?.key ?? newKey;
    },

    async dropPendingVisit(key: string): Promise<void> {
      await db.deleteFrom('booking_pending_visits').where('key', '=', key).execute();
    },

    /** Visits sent to the ERP before `beforeMs` whose record was never written. */
    stalePendingVisits(beforeMs: number, limit: number): Promise<Selectable<BookingPendingVisitsTable>[]> {
      return db.selectFrom('booking_pending_visits').selectAll().where('created_at', '<', beforeMs).orderBy('created_at').limit(limit).execute();
    },

    /** Turns off the rows of `table` that carry a business id not in `keep` (the ERP no longer lists them). */
    async deactivateExternalNotIn(table: Exclude<ExternallyKnownTable, 'booking_appointments'>, keep: readonly string[], nowMs: number): Promise<void> {
      let query = db.updateTable(table).set({ is_active: 0, updated_at: nowMs }).where('external_id', 'is not', null).where('is_active', '=', 1);
      if (keep.length > 0) query = query.where('external_id', 'not in', [...keep]);
      await query.execute();
    },

    /** The id of the row of `table` that has the business's id `externalId`, if any. */
    async idOfExternal(table: ExternallyKnownTable, externalId: string): Promise<number | undefined> {
      return (await db.selectFrom(table).select('id').where('external_id', '=', externalId).executeTakeFirst())?.id;
    },

    /** What a patient has paid and what their completed visits cost, per currency. */
    async balanceRows(patientId: number): Promise<{ currency: string; paid: number; charged: number }[]> {
      const rows = await db
        .selectFrom('booking_appointments')
        .select((eb) => [
          'currency',
          eb.fn.sum<number>('paid_minor').as('paid'),
          eb.fn.sum<number>(eb.case().when('status', '=', 'completed').then(eb.ref('price_minor')).else(0).end()).as('charged'),
        ])
        .where('patient_id', '=', patientId)
        .groupBy('currency')
        .execute();
      return rows.map((row) => ({ currency: row.currency, paid: Number(row.paid ?? 0), charged: Number(row.charged ?? 0) }));
    },

    async patientIds(filter: { branchId?: number; serviceId?: number }): Promise<number[]> {
      let query = db.selectFrom('booking_appointments').select('patient_id').distinct().where('status', 'in', ['booked', 'completed']);
      if (filter.branchId !== undefined) query = query.where('branch_id', '=', filter.branchId);
      if (filter.serviceId !== undefined) query = query.where('service_id', '=', filter.serviceId);
      const rows = await query.execute();
      return rows.map((row) => row.patient_id);
    },

    /** Patients with a completed visit, none since `sinceMs`, and nothing booked ahead. */
    async patientIdsNotVisitedSince(sinceMs: number): Promise<number[]> {
      const rows = await db
        .selectFrom('booking_appointments as a')
        .select('a.patient_id')
        .where('a.status', '=', 'completed')
        .groupBy('a.patient_id')
        .having((eb) => eb.fn.max('a.starts_at'), '<', sinceMs)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb.selectFrom('booking_appointments as b').select('b.id').whereRef('b.patient_id', '=', 'a.patient_id').where('b.status', '=', 'booked'),
            ),
          ),
        )
        .execute();
      return rows.map((row) => row.patient_id);
    },

    async countBranches(): Promise<number> {
      const row = await db.selectFrom('booking_branches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

/** The booking repository's shape. */
export type BookingRepository = ReturnType<typeof createBookingRepository>;
