import { type BookingRepository } from './booking.repository.ts';
import type { DoctorRecord, ServiceRecord } from './booking.tables.ts';
import { addDays, localDateOf, nearestSlots, type Slot } from './slots.ts';
import type { BookingServiceDeps, FreeSlot } from './booking.shared.ts';
import type { BookingBackend } from './connectors/booking.backend.ts';

/**
 * Finding free time: the doctors who may take a service, each doctor's free slots over a
 * range of days, the slots merged across doctors, and the nearest alternatives to a start.
 */
export function createBookingFreeSlots(deps: BookingServiceDeps, repository: BookingRepository, backend: BookingBackend, today: () => string, timeZone: () => string) {
  const { settings } = deps;

  /** Doctors who may take `serviceId` at `branchId` (one, when `doctorId` is given). */
  const candidateDoctors = async (branchId: number, serviceId: number, doctorId?: number): Promise<DoctorRecord[]> => {
    const doctors = await repository.listDoctors({ branchId, serviceId, activeOnly: true });
    return doctorId === undefined ? doctors : doctors.filter((doctor) => doctor.id === doctorId);
  };

  /** Per-doctor free slots between two dates (both clamped to the booking horizon). */
  const slotsByDoctor = async (doctors: readonly DoctorRecord[], service: ServiceRecord, fromDate: string, toDate: string, withBusy: boolean): Promise<Map<number, Slot[]>> => {
    const first = fromDate < today() ? today() : fromDate;
    const lastAllowed = addDays(today(), settings.horizonDays);
    const last = toDate > lastAllowed ? lastAllowed : toDate;
    if (first > last || doctors.length === 0) return new Map<number, Slot[]>();
    // Whoever keeps the schedule (Lavka, or the clinic's ERP) says which starts there are.
    return backend.freeSlots(doctors, service, first, last, withBusy);
  };

  const mergeSlots = (byDoctor: Map<number, Slot[]>): FreeSlot[] => {
    const merged = new Map<number, FreeSlot>();
    for (const [doctorId, slots] of byDoctor) {
      for (const slot of slots) {
        const existing = merged.get(slot.startMs);
        if (existing) existing.doctorIds.push(doctorId);
        else merged.set(slot.startMs, { ...slot, doctorIds: [doctorId] });
      }
    }
    return [...merged.values()].sort((a, b) => a.startMs - b.startMs);
  };

  /** The nearest free starts to `targetMs` for the same service (and doctor, when one was chosen). */
  const alternativesFor = async (branchId: number, service: ServiceRecord, doctorId: number | undefined, targetMs: number): Promise<FreeSlot[]> => {
    const doctors = await candidateDoctors(branchId, service.id, doctorId);
    const date = localDateOf(targetMs, timeZone());
    const slots = mergeSlots(await slotsByDoctor(doctors, service, addDays(date, -3), addDays(date, 7), true));
    return nearestSlots(slots, targetMs, settings.alternatives);
  };

  return { candidateDoctors, slotsByDoctor, mergeSlots, alternativesFor };
}
