import { type BookingRepository } from './booking.repository.ts';
import type { DoctorRecord, ScheduleRuleRecord, ServiceRecord } from './booking.tables.ts';
import { addDays, generateSlots, localDateOf, nearestSlots, type ScheduleException, type Slot, type WeeklyRule } from './slots.ts';
import type { BookingServiceDeps, FreeSlot } from './booking.shared.ts';

/**
 * Finding free time: the doctors who may take a service, each doctor's free slots over a
 * range of days, the slots merged across doctors, and the nearest alternatives to a start.
 */
export function createBookingFreeSlots(deps: BookingServiceDeps, repository: BookingRepository, today: () => string, timeZone: () => string) {
  const { settings } = deps;

  const rulesByDoctor = (rules: readonly ScheduleRuleRecord[]) => {
    const map = new Map<number, WeeklyRule[]>();
    for (const rule of rules) {
      const list = map.get(rule.doctor_id) ?? [];
      list.push({ weekday: rule.weekday, start: rule.start_time, end: rule.end_time, breaks: JSON.parse(rule.breaks) as { start: string; end: string }[] });
      map.set(rule.doctor_id, list);
    }
    return map;
  };

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
    const result = new Map<number, Slot[]>();
    if (first > last || doctors.length === 0) return result;
    const ids = doctors.map((doctor) => doctor.id);
    const rules = rulesByDoctor(await repository.rulesOf(ids));
    const exceptions = await repository.exceptionsOf(ids, first, last);
    // A day's working time can run past local midnight only through 24:00, so two days of margin is plenty.
    const busy = withBusy ? await repository.busyOf(ids, Date.parse(`${addDays(first, -1)}T00:00:00Z`), Date.parse(`${addDays(last, 2)}T00:00:00Z`)) : [];
    for (const doctor of doctors) {
      result.set(
        doctor.id,
        generateSlots({
          timeZone: timeZone(),
          fromDate: first,
          toDate: last,
          rules: rules.get(doctor.id) ?? [],
          exceptions: exceptions
            .filter((item) => item.doctor_id === doctor.id)
            .map((item): ScheduleException => ({ date: item.date, kind: item.kind, start: item.start_time ?? undefined, end: item.end_time ?? undefined })),
          busy: busy.filter((item) => item.doctor_id === doctor.id).map((item) => ({ startMs: item.starts_at, endMs: item.ends_at })),
          durationMinutes: service.duration_minutes,
          stepMinutes: settings.slotStepMinutes,
          notBeforeMs: deps.now() + settings.minLeadMinutes * 60_000,
        }),
      );
    }
    return result;
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

  return { rulesByDoctor, candidateDoctors, slotsByDoctor, mergeSlots, alternativesFor };
}
