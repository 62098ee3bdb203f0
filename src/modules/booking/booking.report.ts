import { formatDate } from '../../config/dates.ts';
import { formatMoney, toMajor } from '../../config/money.ts';
import { buildCsv, type CsvCell } from '../../export/csv.ts';
import { buildXlsx, type XlsxCell } from '../../export/xlsx.ts';
import { wallClockMs } from '../../config/dates.ts';
import type { ExportFilter } from '../../export/period.ts';
import type { ReportReader, ReportSource } from '../reports/reports.types.ts';
import type { BookingService } from './booking.service.ts';
import { pickLocalised } from './booking.settings.ts';
import type { AppointmentRecord, AppointmentStatus } from './booking.tables.ts';

/** Statuses of an appointment, in the order a visit goes through them. */
const STATUSES: readonly AppointmentStatus[] = ['booked', 'completed', 'no_show', 'cancelled'];

/** Days before today that `/stats` looks back; upcoming visits are counted too. */
export const STATS_DAYS = 30;

/** Most appointments one export holds. */
const EXPORT_LIMIT = 50_000;

/** Column ids of the appointments export; headers come from `booking-export-col-<id>`. */
const COLUMNS = ['id', 'visit', 'status', 'patient', 'user_id', 'phone', 'doctor', 'service', 'branch', 'price', 'paid', 'currency'] as const;

/** Figures of the clinic over a stretch of time, as `/stats` shows them. */
export interface ClinicFigures {
  appointments: number;
  byStatus: { status: AppointmentStatus; count: number }[];
  /** Missed visits, and visits that took place or were missed (the base of the no-show rate). */
  noShows: number;
  finished: number;
  /** What patients paid, per doctor and currency, largest first. */
  revenueByDoctor: { doctorId: number; currency: string; paidMinor: number; visits: number }[];
  newPatients: number;
}

/** Counts appointments (any but cancelled count towards a doctor's revenue by what was paid for them). */
export function clinicFigures(appointments: readonly AppointmentRecord[], newPatients: number): ClinicFigures {
  const byStatus = new Map<AppointmentStatus, number>();
  const revenue = new Map<string, { doctorId: number; currency: string; paidMinor: number; visits: number }>();
  for (const appointment of appointments) {
    byStatus.set(appointment.status, (byStatus.get(appointment.status) ?? 0) + 1);
    if (appointment.status === 'cancelled') continue;
    const key = `${appointment.doctor_id}:${appointment.currency}`;
    const entry = revenue.get(key) ?? { doctorId: appointment.doctor_id, currency: appointment.currency, paidMinor: 0, visits: 0 };
    entry.paidMinor += appointment.paid_minor;
    entry.visits += 1;
    revenue.set(key, entry);
  }
  const noShows = byStatus.get('no_show') ?? 0;
  return {
    appointments: appointments.length,
    byStatus: STATUSES.filter((status) => byStatus.has(status)).map((status) => ({ status, count: byStatus.get(status) ?? 0 })),
    noShows,
    finished: noShows + (byStatus.get('completed') ?? 0),
    revenueByDoctor: [...revenue.values()].sort((a, b) => b.paidMinor - a.paidMinor || a.doctorId - b.doctorId),
    newPatients,
  };
}

/** What the clinic's report reads besides appointments: patients' names, phones and registrations. */
export interface ClinicPatients {
  getMany(userIds: readonly number[]): Promise<{ user_id: number; full_name: string; phone: string }[]>;
  countSince(sinceMs: number): Promise<number>;
}

/**
 * The clinic's part of `/stats` and `/export` (see the reports module): appointments by status
 * from 30 days ago on (upcoming ones included), no-shows, what patients paid per doctor and new
 * patients; and the appointments of a period as a CSV and an XLSX, visit times in the clinic's
 * time zone.
 */
export function createBookingReport(deps: {
  booking: BookingService;
  patients: ClinicPatients;
  /** The clinic's time zone, read at use time: the owner may change it while Lavka runs. */
  timeZone(): string;
  now(): number;
}): ReportSource {
  const statusText = (reader: ReportReader, status: AppointmentStatus) => reader.t(`booking-status-${status.replace('_', '-')}`);
  const doctorNames = async (locale: string) => new Map((await deps.booking.listDoctors({ activeOnly: false })).map((doctor) => [doctor.id, pickLocalised(doctor.name, locale)]));

  return {
    name: 'booking',

    async stats(reader) {
      const sinceMs = deps.now() - STATS_DAYS * 24 * 3600_000;
      const appointments = await deps.booking.list({ fromMs: sinceMs }, 'asc', EXPORT_LIMIT);
      const figures = clinicFigures(appointments, await deps.patients.countSince(sinceMs));
      const names = await doctorNames(reader.locale);
      const rate = figures.finished === 0 ? '—' : `${Math.round((figures.noShows / figures.finished) * 1000) / 10}%`;
      const lines = [
        reader.t('booking-stats-title', { since: formatDate(sinceMs, reader.locale, deps.timeZone()) }),
        reader.t('booking-stats-total', { count: figures.appointments }),
        ...figures.byStatus.map((item) => reader.t('booking-stats-status', { status: statusText(reader, item.status), count: item.count })),
        reader.t('booking-stats-no-shows', { count: figures.noShows, finished: figures.finished, rate }),
        reader.t('booking-stats-new-patients', { count: figures.newPatients }),
        '',
        reader.t('booking-stats-revenue-title'),
      ];
      if (figures.revenueByDoctor.length === 0) lines.push(reader.t('booking-stats-revenue-none'));
      for (const item of figures.revenueByDoctor) {
        lines.push(reader.t('booking-stats-revenue-doctor', { doctor: names.get(item.doctorId) ?? `#${item.doctorId}`, amount: formatMoney(item.paidMinor, item.currency, reader.locale), count: item.visits }));
      }
      return lines;
    },

    exportStatuses: () => STATUSES,

    async exportFiles(filter: ExportFilter, reader) {
      const statuses = filter.status ? STATUSES.filter((status) => status === filter.status) : undefined;
      if (statuses?.length === 0) return undefined;
      const appointments = await deps.booking.list({ fromMs: filter.fromMs, toMs: filter.toMs, statuses }, 'asc', EXPORT_LIMIT);
      const patients = new Map((await deps.patients.getMany([...new Set(appointments.map((item) => item.patient_id))])).map((patient) => [patient.user_id, patient]));
      const names = await doctorNames(reader.locale);
      const services = new Map((await deps.booking.listServices(false)).map((service) => [service.id, pickLocalised(service.title, reader.locale)]));
      const branches = new Map((await deps.booking.listBranches(false)).map((branch) => [branch.id, pickLocalised(branch.title, reader.locale)]));
      const timeZone = deps.timeZone();
      const records = appointments.map((item) => ({
        id: item.id,
        visitWallMs: wallClockMs(item.starts_at, timeZone),
        status: statusText(reader, item.status),
        patient: patients.get(item.patient_id)?.full_name ?? '',
        userId: item.patient_id,
        phone: patients.get(item.patient_id)?.phone ?? '',
        doctor: names.get(item.doctor_id) ?? '',
        service: services.get(item.service_id) ?? '',
        branch: branches.get(item.branch_id) ?? '',
        price: toMajor(item.price_minor, item.currency),
        paid: toMajor(item.paid_minor, item.currency),
        currency: item.currency,
      }));
      const headers = COLUMNS.map((column) => reader.t(`booking-export-col-${column}`));
      const iso = (wallMs: number) => new Date(wallMs).toISOString().slice(0, 16).replace('T', ' ');
      const row = (r: (typeof records)[number], visit: XlsxCell): XlsxCell[] => [r.id, visit, r.status, r.patient, r.userId, r.phone, r.doctor, r.service, r.branch, r.price, r.paid, r.currency];
      const csv = buildCsv([headers, ...records.map((r) => row(r, iso(r.visitWallMs)) as CsvCell[])]);
      const xlsx = await buildXlsx([{ name: reader.t('booking-export-sheet'), rows: [headers, ...records.map((r) => row(r, { wallClockMs: r.visitWallMs }))], header: true, columnWidths: [8, 17, 16, 28, 13, 16, 24, 28, 20, 10, 10, 8] }]);
      const stamp = new Date(deps.now()).toISOString().slice(0, 10);
      return {
        name: `appointments-${filter.periodLabel.replace(/[^0-9a-z.-]/gi, '_')}${filter.status ? `-${filter.status}` : ''}-${stamp}`,
        csv,
        xlsx,
        rows: records.length,
        caption: reader.t('booking-export-caption', { count: records.length, period: filter.periodLabel, status: filter.status ? statusText(reader, filter.status as AppointmentStatus) : '—' }),
      };
    },
  };
}
