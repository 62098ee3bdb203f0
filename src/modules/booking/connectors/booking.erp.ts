/**
 * The clinic's ERP keeping the schedule (`connectors.clinic`): free times are read from it
 * live (reused for a few seconds while a patient looks, never when they book), and every
 * booking, move and cancellation is written to it first with an idempotency key; Lavka's
 * record of the visit only references the ERP's (`external_id`).
 */
import type { ClinicErpClient } from '../../clinic-erp/clinic-erp.client.ts';
import { erpAppointment, erpSlots } from '../../clinic-erp/clinic-erp.contract.ts';
import { ClinicErpError } from '../../clinic-erp/clinic-erp.errors.ts';
import { BookingError } from '../booking.shared.ts';
import type { DoctorRecord, ServiceRecord } from '../booking.tables.ts';
import { addDays, localDateOf, localTimeOf, localToEpochMs, parseClock, type Slot } from '../slots.ts';
import type { BookingBackend } from './booking.backend.ts';

/** At most this many slot reads go to the ERP at once (a week of several doctors is many days). */
const PARALLEL_READS = 6;

/** What the ERP keeper needs. */
export interface ErpBookingBackendDeps {
  client: ClinicErpClient;
  timeZone(): string;
  now(): number;
  settings: { minLeadMinutes: number };
  /** How long a read of free times is reused for the next screen. */
  slotCacheMs: number;
}

/** Runs `work` over `items`, a few at a time. */
async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let index = 0; index < items.length; index += size) results.push(...(await Promise.all(items.slice(index, index + size).map(work))));
  return results;
}

/** The ERP's refusals as the booking flow words them. */
function bookingRefusal(error: unknown): never {
  if (error instanceof ClinicErpError) {
    if (error.code === 'clinic_erp.conflict') throw new BookingError('booking.slot_taken', 'the clinic’s system says this time is taken');
    if (error.code === 'clinic_erp.not_found' && /patient/i.test(error.message)) throw new BookingError('booking.not_registered', 'the clinic’s system does not know this patient yet');
    if (error.code === 'clinic_erp.refused' || error.code === 'clinic_erp.not_found') throw new BookingError('booking.slot_unavailable', `the clinic’s system refused: ${error.message}`);
  }
  throw error;
}

/** The ERP as the keeper of the schedule. */
export function createErpBookingBackend(deps: ErpBookingBackendDeps): BookingBackend {
  const cache = new Map<string, { atMs: number; slots: { time: string; available: boolean }[] }>();

  const dayOf = async (doctor: DoctorRecord, service: ServiceRecord, date: string, fresh: boolean) => {
    const key = `${doctor.external_id}:${service.external_id}:${date}`;
    const cached = cache.get(key);
    if (!fresh && cached && deps.now() - cached.atMs < deps.slotCacheMs) return cached.slots;
    const answer = await deps.client.call('slots', { query: { doctor_id: doctor.external_id ?? '', date, service_id: service.external_id ?? undefined }, answer: erpSlots });
    cache.set(key, { atMs: deps.now(), slots: answer.slots });
    if (cache.size > 5000) cache.delete(cache.keys().next().value as string);
    return answer.slots;
  };

  /** A visit's local date and time as the ERP writes them. */
  const when = (startMs: number) => ({ date: localDateOf(startMs, deps.timeZone()), time: localTimeOf(startMs, deps.timeZone()) });

  const forget = (doctor: { external_id: string | null }, startMs: number) => {
    const date = localDateOf(startMs, deps.timeZone());
    for (const key of cache.keys()) if (key.startsWith(`${doctor.external_id}:`) && key.endsWith(`:${date}`)) cache.delete(key);
  };

  return {
    kind: 'erp',
    claimsLocally: false,

    async freeSlots(doctors, service, first, last, withBusy) {
      const result = new Map<number, Slot[]>(doctors.map((doctor) => [doctor.id, []]));
      // A doctor or service the ERP does not know (made in Lavka by hand) cannot be booked there.
      const known = doctors.filter((doctor) => doctor.external_id !== null);
      if (service.external_id === null || known.length === 0) return result;
      const dates: string[] = [];
      for (let date = first; date <= last; date = addDays(date, 1)) dates.push(date);
      const notBeforeMs = deps.now() + deps.settings.minLeadMinutes * 60_000;
      const reads = known.flatMap((doctor) => dates.map((date) => ({ doctor, date })));
      // Free times are shown from a short cache; a start checked before booking is read afresh.
      const days = await inBatches(reads, PARALLEL_READS, async ({ doctor, date }) => ({ doctor, date, slots: await dayOf(doctor, service, date, !withBusy) }));
      for (const { doctor, date, slots } of days) {
        const list = result.get(doctor.id) ?? [];
        for (const slot of slots) {
          if (withBusy && !slot.available) continue;
          const minutes = parseClock(slot.time);
          if (minutes === undefined) continue;
          const startMs = localToEpochMs(date, minutes, deps.timeZone());
          if (startMs < notBeforeMs) continue;
          list.push({ date, startMs, endMs: startMs + service.duration_minutes * 60_000 });
        }
        result.set(doctor.id, list.sort((a, b) => a.startMs - b.startMs));
      }
      return result;
    },

    async book(visit) {
      if (visit.branch.external_id === null || visit.service.external_id === null || visit.doctor.external_id === null) {
        throw new BookingError('booking.slot_unavailable', 'this doctor or service is not in the clinic’s system');
      }
      try {
        const answer = await deps.client.call('appointmentCreate', {
          method: 'POST',
          body: { telegram_user_id: visit.patientId, branch_id: visit.branch.external_id, service_id: visit.service.external_id, doctor_id: visit.doctor.external_id, ...when(visit.startMs) },
          idempotencyKey: visit.key,
          answer: erpAppointment,
        });
        return { externalId: answer.id };
      } catch (error) {
        return bookingRefusal(error);
      } finally {
        forget(visit.doctor, visit.startMs);
      }
    },

    async reschedule(appointment, newStartMs, key) {
      if (appointment.external_id === null) throw new BookingError('booking.not_found', 'this visit is not in the clinic’s system');
      try {
        await deps.client.call('appointmentUpdate', { method: 'PATCH', id: appointment.external_id, body: when(newStartMs), idempotencyKey: key, answer: erpAppointment });
      } catch (error) {
        bookingRefusal(error);
      } finally {
        // Two days change: what was read of either is stale.
        cache.clear();
      }
    },

    async cancel(appointment, key) {
      if (appointment.external_id === null) return;
      try {
        await deps.client.call('appointmentCancel', { method: 'POST', id: appointment.external_id, body: {}, idempotencyKey: key, answer: erpAppointment });
      } catch (error) {
        // Gone from the ERP already: cancelled is what it is.
        if (error instanceof ClinicErpError && error.code === 'clinic_erp.not_found') return;
        bookingRefusal(error);
      } finally {
        cache.clear();
      }
    },
  };
}
