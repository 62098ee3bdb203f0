/**
 * Keeping Lavka's picture of the clinic in step with its ERP: the directory (branches,
 * services, doctors) read on a schedule, the ERP's changes to visits applied as they come
 * (the patient told once), and a repair round for what a lost answer or a missed change
 * left behind.
 */
import { SUPPORTED_LOCALES } from '../../../config/business.ts';
import { toMinor } from '../../../config/money.ts';
import type { Db } from '../../../db/database.ts';
import type { ClinicErpClient } from '../../clinic-erp/clinic-erp.client.ts';
import { erpAppointment, erpBranch, erpDoctor, erpList, erpService, type ErpAppointment, type ErpChange } from '../../clinic-erp/clinic-erp.contract.ts';
import { createBookingRepository, type ExternallyKnownTable } from '../booking.repository.ts';
import type { BookingService } from '../booking.service.ts';
import { BookingError, type BookingActor } from '../booking.shared.ts';
import type { AppointmentRecord } from '../booking.tables.ts';
import { encodeLocalised } from '../booking.settings.ts';
import { localDateOf, localTimeOf, localToEpochMs, parseClock } from '../slots.ts';

/** Who the ERP is, as an actor in Lavka's history of a visit. */
const ERP_ACTOR: BookingActor = { type: 'staff', id: 'erp' };
/** A visit written to the ERP whose answer never came is undone after this long (the patient was told nothing changed). */
const PENDING_GRACE_MS = 10 * 60_000;
/** How far ahead booked visits are checked against the ERP in a repair round. */
const REPAIR_HORIZON_MS = 7 * 86_400_000;

/** What the sync needs. */
export interface ErpBookingSyncDeps {
  db: Db;
  client: ClinicErpClient;
  booking: BookingService;
  currency: string;
  timeZone(): string;
  now(): number;
}

/** A text of the ERP (one, or per language) as Lavka stores it: JSON per supported language. */
function localised(value: string | Record<string, string> | undefined): string {
  if (value === undefined) return encodeLocalised('—');
  if (typeof value === 'string') return encodeLocalised(value);
  const known = Object.fromEntries(Object.entries(value).filter(([locale, text]) => (SUPPORTED_LOCALES as readonly string[]).includes(locale) && text.trim() !== ''));
  if (Object.keys(known).length > 0) return JSON.stringify(known);
  return encodeLocalised(Object.values(value).find((text) => text.trim() !== '') ?? '—');
}

/** The directory sync, the change handlers and the repair round of the ERP booking connector. */
export function createErpBookingSync(deps: ErpBookingSyncDeps) {
  const { client, booking } = deps;
  const repository = createBookingRepository(deps.db);

  const localIdOf = (table: ExternallyKnownTable, externalId: string) => repository.idOfExternal(table, externalId);

  /** A booked visit known by the ERP's id, or nothing (unknown here, or no longer booked). */
  const bookedVisit = async (externalId: string | undefined): Promise<AppointmentRecord | undefined> => {
    if (externalId === undefined) return undefined;
    const id = await localIdOf('booking_appointments', externalId);
    const visit = id === undefined ? undefined : await booking.get(id);
    return visit?.status === 'booked' ? visit : undefined;
  };

  /** Applies an ERP change that a visit of Lavka's may no longer apply to: refusals of that kind are old news. */
  const quietly = async (change: () => Promise<unknown>) => {
    try {
      await change();
    } catch (error) {
      if (error instanceof BookingError && (error.code === 'booking.not_active' || error.code === 'booking.not_found')) return;
      throw error;
    }
  };

  const startOf = (date: string, time: string): number | undefined => {
    const minutes = parseClock(time);
    return minutes === undefined ? undefined : localToEpochMs(date, minutes, deps.timeZone());
  };

  /** Brings a visit of Lavka's in line with the ERP's record of it. */
  const follow = async (visit: AppointmentRecord, remote: Pick<ErpAppointment, 'status' | 'date' | 'time'>) => {
    if (remote.status === 'cancelled') return quietly(() => booking.cancel(visit.id, ERP_ACTOR, { fromBackend: true }));
    if (remote.status === 'completed' || remote.status === 'no_show') return quietly(() => booking.markVisit(visit.id, remote.status as 'completed' | 'no_show', ERP_ACTOR));
    const startMs = startOf(remote.date, remote.time);
    if (startMs !== undefined && startMs !== visit.starts_at) await quietly(() => booking.reschedule(visit.id, startMs, ERP_ACTOR, { fromBackend: true }));
  };

  return {
    /**
     * Reads branches, services and doctors from the ERP and writes them over Lavka's copies
     * (matched by the ERP's ids) in one transaction; those the ERP no longer lists are turned
     * off, never deleted (visits keep them). Everything is read and validated first.
     */
    async syncDirectory(): Promise<{ branches: number; services: number; doctors: number }> {
      const branches = await client.call('branches', { answer: erpList(erpBranch) });
      const services = await client.call('services', { answer: erpList(erpService) });
      const doctors = await client.call('doctors', { answer: erpList(erpDoctor) });
      const nowMs = deps.now();
      await deps.db.transaction().execute(async (trx) => {
        const scoped = createBookingRepository(trx);
        const branchIds = new Map<string, number>();
        for (const [position, branch] of branches.entries()) {
          const row = { title: localised(branch.name), address: localised(branch.address), phone: branch.phone ?? null, is_active: branch.is_active ? 1 : 0, position, updated_at: nowMs } as const;
          const id = await scoped.idOfExternal('booking_branches', branch.id);
          branchIds.set(branch.id, id === undefined ? (await scoped.insertBranch({ ...row, external_id: branch.id, created_at: nowMs })).id : (await scoped.updateBranch(id, row), id));
        }
        const serviceIds = new Map<string, number>();
        for (const [position, service] of services.entries()) {
          const row = { title: localised(service.name), duration_minutes: service.duration_minutes, price_minor: toMinor(service.price, deps.currency), currency: deps.currency, is_active: service.is_active ? 1 : 0, position, updated_at: nowMs } as const;
          const id = await scoped.idOfExternal('booking_services', service.id);
          serviceIds.set(service.id, id === undefined ? (await scoped.insertService({ ...row, external_id: service.id, created_at: nowMs })).id : (await scoped.updateService(id, row), id));
        }
        const doctorIds: string[] = [];
        for (const [position, doctor] of doctors.entries()) {
          const branchId = branchIds.get(doctor.branch_id);
          // A doctor of a branch the ERP did not list is not bookable here.
          if (branchId === undefined) continue;
          const row = { branch_id: branchId, name: localised(doctor.full_name), specialty: localised(doctor.specialty), is_active: doctor.is_active ? 1 : 0, position, updated_at: nowMs } as const;
          const existing = await scoped.idOfExternal('booking_doctors', doctor.id);
          const id = existing ?? (await scoped.insertDoctor({ ...row, external_id: doctor.id, created_at: nowMs })).id;
          if (existing !== undefined) await scoped.updateDoctor(id, row);
          await scoped.replaceDoctorServices(id, doctor.service_ids.map((serviceId) => serviceIds.get(serviceId)).filter((value): value is number => value !== undefined));
          doctorIds.push(doctor.id);
        }
        await scoped.deactivateExternalNotIn('booking_branches', [...branchIds.keys()], nowMs);
        await scoped.deactivateExternalNotIn('booking_services', [...serviceIds.keys()], nowMs);
        await scoped.deactivateExternalNotIn('booking_doctors', doctorIds, nowMs);
      });
      return { branches: branches.length, services: services.length, doctors: doctors.length };
    },

    /** Applies one change of the ERP's feed to the visit it names; the patient is told as when staff change it. */
    async applyChange(change: ErpChange): Promise<void> {
      const visit = await bookedVisit(change.appointment_id);
      if (!visit) return;
      if (change.type === 'appointment.cancelled') return follow(visit, { status: 'cancelled', date: '', time: '' });
      if (change.type === 'appointment.completed' || change.type === 'appointment.no_show') return follow(visit, { status: change.type === 'appointment.completed' ? 'completed' : 'no_show', date: '', time: '' });
      if (change.type === 'appointment.rescheduled' && change.date && change.time) return follow(visit, { status: 'scheduled', date: change.date, time: change.time });
    },

    /**
     * Repairs what the feed or a lost answer left: a visit written to the ERP whose answer
     * never came (the patient was told nothing changed) is cancelled there; booked visits of
     * the coming week are compared with the ERP's records and follow them.
     */
    async repair(): Promise<{ undone: number; followed: number }> {
      const nowMs = deps.now();
      let undone = 0;
      for (const pending of await repository.stalePendingVisits(nowMs - PENDING_GRACE_MS, 20)) {
        const doctor = await booking.getDoctor(pending.doctor_id);
        const theirs = await client.call('appointmentsMine', { query: { telegram_user_id: pending.patient_id }, answer: erpList(erpAppointment) });
        const date = localDateOf(pending.starts_at, deps.timeZone());
        const time = localTimeOf(pending.starts_at, deps.timeZone());
        for (const visit of theirs) {
          const same = visit.date === date && visit.time === time && (visit.doctor_id === undefined || visit.doctor_id === doctor?.external_id);
          if (!same || visit.status === 'cancelled' || (await localIdOf('booking_appointments', visit.id)) !== undefined) continue;
          await client.call('appointmentCancel', { method: 'POST', id: visit.id, body: {}, idempotencyKey: `${pending.key}-undo`, answer: erpAppointment });
          undone += 1;
        }
        await repository.dropPendingVisit(pending.key);
      }
      let followed = 0;
      const upcoming = (await booking.list({ fromMs: nowMs, toMs: nowMs + REPAIR_HORIZON_MS, statuses: ['booked'] }, 'asc', 500)).filter((visit) => visit.external_id !== null);
      const patients = [...new Set(upcoming.map((visit) => visit.patient_id))].slice(0, 50);
      for (const patientId of patients) {
        const theirs = new Map((await client.call('appointmentsMine', { query: { telegram_user_id: patientId }, answer: erpList(erpAppointment) })).map((visit) => [visit.id, visit]));
        for (const visit of upcoming.filter((item) => item.patient_id === patientId)) {
          const remote = theirs.get(visit.external_id as string);
          if (!remote) continue;
          const before = visit.updated_at;
          await follow(visit, remote);
          if ((await booking.get(visit.id))?.updated_at !== before) followed += 1;
        }
      }
      return { undone, followed };
    },
  };
}

/** The ERP booking connector's background work. */
export type ErpBookingSync = ReturnType<typeof createErpBookingSync>;
