/**
 * Who keeps the clinic's schedule: Lavka itself (doctors' weekly hours in its tables, double
 * bookings refused by its database) or the clinic's ERP (free times read from it live, visits
 * written to it first). The booking use cases — the bot's flow, the panel, the integration
 * API — run the same on either; they ask the backend for free times and tell it of every
 * booking, move and cancellation before they write Lavka's own record of the visit.
 */
import type { AppointmentRecord, BranchRecord, DoctorRecord, ScheduleRuleRecord, ServiceRecord } from '../booking.tables.ts';
import type { BookingRepository } from '../booking.repository.ts';
import { addDays, generateSlots, type ScheduleException, type Slot, type WeeklyRule } from '../slots.ts';

/** A visit about to be booked, as the schedule's keeper is told of it. */
export interface VisitRequest {
  /** The same for every attempt at this booking: a keeper that saw it already answers as before. */
  key: string;
  patientId: number;
  branch: BranchRecord;
  service: ServiceRecord;
  doctor: DoctorRecord;
  startMs: number;
}

/** The keeper of the clinic's schedule. */
export interface BookingBackend {
  /** `local` or `erp`: the panel and the health page say which. */
  readonly kind: 'local' | 'erp';
  /**
   * True when Lavka's database is what refuses a double booking (its claim rows); false when
   * the keeper refused it already, before Lavka writes its record.
   */
  readonly claimsLocally: boolean;
  /**
   * Each doctor's starts for a service between two local dates (inclusive, already within
   * the booking horizon): the free ones (`withBusy`), or every start of their hours.
   */
  freeSlots(doctors: readonly DoctorRecord[], service: ServiceRecord, fromDate: string, toDate: string, withBusy: boolean): Promise<Map<number, Slot[]>>;
  /** Books the visit with the keeper; its id there, if it has one. A taken time is `booking.slot_taken`. */
  book(visit: VisitRequest): Promise<{ externalId: string | null }>;
  /** Moves a booked visit with the keeper. A taken time is `booking.slot_taken`. */
  reschedule(appointment: AppointmentRecord, newStartMs: number, key: string): Promise<void>;
  /** Cancels a booked visit with the keeper. */
  cancel(appointment: AppointmentRecord, key: string): Promise<void>;
}

/** What the local keeper reads its hours from. */
export interface LocalBackendDeps {
  repository: BookingRepository;
  timeZone(): string;
  now(): number;
  settings: { slotStepMinutes: number; minLeadMinutes: number };
}

/** Weekly rules per doctor, as stored. */
export function rulesByDoctor(rules: readonly ScheduleRuleRecord[]): Map<number, WeeklyRule[]> {
  const map = new Map<number, WeeklyRule[]>();
  for (const rule of rules) {
    const list = map.get(rule.doctor_id) ?? [];
    list.push({ weekday: rule.weekday, start: rule.start_time, end: rule.end_time, breaks: JSON.parse(rule.breaks) as { start: string; end: string }[] });
    map.set(rule.doctor_id, list);
  }
  return map;
}

/** Lavka keeping the schedule: free times from the doctors' hours minus booked visits; the database refuses double bookings. */
export function createLocalBookingBackend(deps: LocalBackendDeps): BookingBackend {
  const { repository, settings } = deps;
  return {
    kind: 'local',
    claimsLocally: true,
    async freeSlots(doctors, service, first, last, withBusy) {
      const result = new Map<number, Slot[]>();
      const ids = doctors.map((doctor) => doctor.id);
      const rules = rulesByDoctor(await repository.rulesOf(ids));
      const exceptions = await repository.exceptionsOf(ids, first, last);
      // A day's working time can run past local midnight only through 24:00, so two days of margin is plenty.
      const busy = withBusy ? await repository.busyOf(ids, Date.parse(`${addDays(first, -1)}T00:00:00Z`), Date.parse(`${addDays(last, 2)}T00:00:00Z`)) : [];
      for (const doctor of doctors) {
        result.set(
          doctor.id,
          generateSlots({
            timeZone: deps.timeZone(),
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
    },
    // Lavka's own record is the booking: nothing to tell anyone first.
    book: async () => ({ externalId: null }),
    reschedule: async () => undefined,
    cancel: async () => undefined,
  };
}
