import type { z } from 'zod';
import { createBookingRepository } from './booking.repository.ts';
import { encodeLocalised } from './booking.settings.ts';
import type { BranchRecord, DoctorRecord, ServiceRecord } from './booking.tables.ts';
import type { WeeklyRule } from './slots.ts';
import { BookingError, branchInputSchema, serviceInputSchema, doctorInputSchema, scheduleInputSchema, exceptionInputSchema, type BookingCore } from './booking.core.ts';

/** The clinic's directory: branches, services, doctors, their weekly schedules and one-off exceptions. */
export function createBookingDirectory(core: BookingCore) {
  const { deps, repository, rulesByDoctor } = core;
  // The columns a branch or a service takes from the panel's form, the same on create and update.
  const branchRow = (data: z.output<typeof branchInputSchema>) => ({
    title: encodeLocalised(data.title),
    address: encodeLocalised(data.address),
    phone: data.phone ?? null,
    is_active: data.active ? 1 : 0,
    position: data.position,
  });
  const serviceRow = (data: z.output<typeof serviceInputSchema>) => ({
    title: encodeLocalised(data.title),
    duration_minutes: data.durationMinutes,
    price_minor: data.priceMinor,
    currency: data.currency ?? deps.currency,
    is_active: data.active ? 1 : 0,
    position: data.position,
  });
  const directory = {
    listBranches: (activeOnly = true, externalId?: string) => repository.listBranches(activeOnly, externalId),
    getBranch: repository.findBranch,
    listServices: (activeOnly = true) => repository.listServices(activeOnly),
    getService: repository.findService,
    servicesAtBranch: repository.servicesAtBranch,
    getDoctor: repository.findDoctor,
    listDoctors: (filter: { branchId?: number; serviceId?: number; externalId?: string; activeOnly?: boolean } = {}) => repository.listDoctors({ ...filter, activeOnly: filter.activeOnly ?? true }),
    serviceIdsOfDoctor: repository.serviceIdsOfDoctor,

    async scheduleOf(doctorId: number): Promise<WeeklyRule[]> {
      return rulesByDoctor(await repository.rulesOf([doctorId])).get(doctorId) ?? [];
    },

    exceptionsOf: (doctorId: number, fromDate: string, toDate: string) => repository.exceptionsOf([doctorId], fromDate, toDate),

    async createBranch(input: unknown): Promise<BranchRecord> {
      const data = branchInputSchema.parse(input);
      const nowMs = deps.now();
      return repository.insertBranch({
        ...branchRow(data),
        created_at: nowMs,
        updated_at: nowMs,
      });
    },

    async updateBranch(id: number, input: unknown): Promise<BranchRecord | undefined> {
      const data = branchInputSchema.parse(input);
      return repository.updateBranch(id, {
        ...branchRow(data),
        updated_at: deps.now(),
      });
    },

    async createService(input: unknown): Promise<ServiceRecord> {
      const data = serviceInputSchema.parse(input);
      const nowMs = deps.now();
      return repository.insertService({
        ...serviceRow(data),
        created_at: nowMs,
        updated_at: nowMs,
      });
    },

    async updateService(id: number, input: unknown): Promise<ServiceRecord | undefined> {
      const data = serviceInputSchema.parse(input);
      return repository.updateService(id, {
        ...serviceRow(data),
        updated_at: deps.now(),
      });
    },

    async createDoctor(input: unknown): Promise<DoctorRecord> {
      const data = doctorInputSchema.parse(input);
      if (!(await repository.findBranch(data.branchId))) throw new BookingError('booking.unknown_branch', `no branch ${data.branchId}`);
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createBookingRepository(trx);
        const nowMs = deps.now();
        const doctor = await scoped.insertDoctor({
          branch_id: data.branchId,
          name: encodeLocalised(data.name),
          specialty: encodeLocalised(data.specialty),
          is_active: data.active ? 1 : 0,
          position: data.position,
          created_at: nowMs,
          updated_at: nowMs,
        });
        await scoped.replaceDoctorServices(doctor.id, [...new Set(data.serviceIds)]);
        return doctor;
      });
    },

    async updateDoctor(id: number, input: unknown): Promise<DoctorRecord | undefined> {
      const data = doctorInputSchema.parse(input);
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createBookingRepository(trx);
        const doctor = await scoped.updateDoctor(id, {
          branch_id: data.branchId,
          name: encodeLocalised(data.name),
          specialty: encodeLocalised(data.specialty),
          is_active: data.active ? 1 : 0,
          position: data.position,
          updated_at: deps.now(),
        });
        if (doctor) await scoped.replaceDoctorServices(id, [...new Set(data.serviceIds)]);
        return doctor;
      });
    },

    /** Replaces a doctor's weekly schedule. Existing appointments stay; new slots follow the new hours. */
    async setSchedule(doctorId: number, input: unknown): Promise<WeeklyRule[]> {
      const data = scheduleInputSchema.parse(input);
      if (!(await repository.findDoctor(doctorId))) throw new BookingError('booking.unknown_doctor', `no doctor ${doctorId}`);
      await deps.db.transaction().execute((trx) =>
        createBookingRepository(trx).replaceRules(
          doctorId,
          data.rules.map((rule) => ({ weekday: rule.weekday, start_time: rule.start, end_time: rule.end, breaks: JSON.stringify(rule.breaks) })),
          deps.now(),
        ),
      );
      return directory.scheduleOf(doctorId);
    },

    async addException(doctorId: number, input: unknown) {
      const data = exceptionInputSchema.parse(input);
      if (!(await repository.findDoctor(doctorId))) throw new BookingError('booking.unknown_doctor', `no doctor ${doctorId}`);
      return repository.insertException({
        doctor_id: doctorId,
        date: data.date,
        kind: data.kind,
        start_time: data.start ?? null,
        end_time: data.end ?? null,
        note: data.note ?? null,
        created_at: deps.now(),
      });
    },

    removeException: repository.deleteException,

  };
  return directory;
}
