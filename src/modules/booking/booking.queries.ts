import type { Locale } from '../../config/business.ts';
import { type AppointmentFilter } from './booking.repository.ts';
import { pickLocalised } from './booking.settings.ts';
import type { AppointmentRecord } from './booking.tables.ts';
import { addDays, localDateOf, localToEpochMs, workingIntervals } from './slots.ts';
import { BookingError, type BookingCore } from './booking.core.ts';
import type { DoctorScheduleDay } from './booking.tables.ts';


/** Reading appointments: one, a patient's list, a filtered list, the staff calendar and a patient's balance. */
export function createBookingQueries(core: BookingCore) {
  const { deps, repository, timeZone, rulesByDoctor } = core;
  return {
    get: repository.findAppointment,

    /** A patient's upcoming (soonest first) or past (latest first) appointments. */
    async listForPatient(patientId: number, which: 'upcoming' | 'past', limit = 20): Promise<AppointmentRecord[]> {
      const nowMs = deps.now();
      if (which === 'upcoming') return repository.listAppointments({ patientId, fromMs: nowMs, statuses: ['booked'] }, 'asc', limit);
      const past = await repository.listAppointments({ patientId }, 'desc', limit * 2);
      return past.filter((item) => item.status !== 'booked' || item.starts_at < nowMs).slice(0, limit);
    },

    list: (filter: AppointmentFilter, order: 'asc' | 'desc' = 'asc', limit = 500) => repository.listAppointments(filter, order, limit),

    /** Appointments matching a filter, `limit` at a time, most recently booked first after the appointment `startingAfter`, and whether more follow. */
    async page(filter: AppointmentFilter, cursor: { limit: number; startingAfter?: number | undefined }): Promise<{ appointments: AppointmentRecord[]; hasMore: boolean }> {
      const rows = await repository.listAppointmentsBefore(filter, cursor.startingAfter, cursor.limit + 1);
      return { appointments: rows.slice(0, cursor.limit), hasMore: rows.length > cursor.limit };
    },

    /** Appointments and working hours per day for the staff calendar (a day or a week). */
    async calendar(query: { branchId?: number; doctorId?: number; fromDate: string; days: number; locale: Locale }) {
      const doctors = (await repository.listDoctors({ branchId: query.branchId, activeOnly: false })).filter((doctor) => query.doctorId === undefined || doctor.id === query.doctorId);
      const ids = doctors.map((doctor) => doctor.id);
      const toDate = addDays(query.fromDate, query.days - 1);
      const rules = rulesByDoctor(await repository.rulesOf(ids));
      const exceptions = await repository.exceptionsOf(ids, query.fromDate, toDate);
      // Staff read a calendar by who comes for what: names and service titles come along.
      const serviceTitles = new Map((await repository.listServices(false)).map((row) => [row.id, pickLocalised(row.title, query.locale)]));
      const patientNames = new Map<number, string>();
      const withNames = async (appointments: readonly AppointmentRecord[]) => {
        for (const item of appointments) if (!patientNames.has(item.patient_id)) patientNames.set(item.patient_id, (await deps.patientName(item.patient_id)) ?? `#${item.patient_id}`);
        return appointments.map((item) => ({ ...item, patientName: patientNames.get(item.patient_id) as string, serviceTitle: serviceTitles.get(item.service_id) ?? '—' }));
      };
      const days = [];
      for (let date = query.fromDate; date <= toDate; date = addDays(date, 1)) {
        // Local midnight to the next local midnight: a DST day is 23 or 25 hours long.
        const fromMs = localToEpochMs(date, 0, timeZone());
        const toMs = localToEpochMs(date, 1440, timeZone());
        const appointments = await withNames(await repository.listAppointments({ branchId: query.branchId, doctorId: query.doctorId, fromMs, toMs }, 'asc', 1000));
        days.push({
          date,
          doctors: doctors.map((doctor) => ({
            id: doctor.id,
            name: pickLocalised(doctor.name, query.locale),
            working: workingIntervals(
              date,
              rules.get(doctor.id) ?? [],
              exceptions.filter((item) => item.doctor_id === doctor.id).map((item) => ({ date: item.date, kind: item.kind, start: item.start_time ?? undefined, end: item.end_time ?? undefined })),
              timeZone(),
            ),
            appointments: appointments.filter((item) => item.doctor_id === doctor.id),
          })),
        });
      }
      return { timeZone: timeZone(), days };
    },

    /**
     * A doctor's working hours (weekly rules with their breaks, then the day's exceptions)
     * and the visits that hold their time (booked, done or missed; not cancelled), per local
     * date from `fromDate` to `toDate`, for a back end planning around them.
     */
    async doctorSchedule(doctorId: number, fromDate: string, toDate: string): Promise<{ timeZone: string; days: DoctorScheduleDay[] }> {
      if (!(await repository.findDoctor(doctorId))) throw new BookingError('booking.unknown_doctor', `no doctor ${doctorId}`);
      const zone = timeZone();
      const rules = rulesByDoctor(await repository.rulesOf([doctorId])).get(doctorId) ?? [];
      const exceptions = (await repository.exceptionsOf([doctorId], fromDate, toDate)).map((item) => ({ date: item.date, kind: item.kind, start: item.start_time ?? undefined, end: item.end_time ?? undefined }));
      const appointments = await repository.listAppointments(
        { doctorId, fromMs: localToEpochMs(fromDate, 0, zone), toMs: localToEpochMs(toDate, 1440, zone), statuses: ['booked', 'completed', 'no_show'] },
        'asc',
        10_000,
      );
      const days: DoctorScheduleDay[] = [];
      for (let date = fromDate; date <= toDate; date = addDays(date, 1)) {
        days.push({ date, working: workingIntervals(date, rules, exceptions, zone), appointments: appointments.filter((item) => localDateOf(item.starts_at, zone) === date) });
      }
      return { timeZone: zone, days };
    },

    /** What the patient has paid, what completed visits cost, and the difference (positive: credit). */
    async balanceOf(patientId: number): Promise<{ currency: string; paidMinor: number; chargedMinor: number; balanceMinor: number; dueMinor: number }[]> {
      const rows = await repository.balanceRows(patientId);
      const unpaid = await repository.listAppointments({ patientId, statuses: ['booked', 'completed'] }, 'asc', 1000);
      return rows.map((row) => ({
        currency: row.currency,
        paidMinor: row.paid,
        chargedMinor: row.charged,
        balanceMinor: row.paid - row.charged,
        dueMinor: unpaid.filter((item) => item.currency === row.currency).reduce((sum, item) => sum + Math.max(0, item.price_minor - item.paid_minor), 0),
      }));
    },
  };
}
