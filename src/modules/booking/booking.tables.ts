import type { Generated, Selectable } from 'kysely';
import type { EpochMs, Flag } from '../../db/schema.ts';

/** A clinic branch (an address patients come to). Texts are JSON `{ ru, kk, en }`. */
export interface BookingBranchesTable {
  id: Generated<number>;
  title: string;
  address: string;
  phone: string | null;
  is_active: Flag;
  position: number;
  created_at: EpochMs;
  updated_at: EpochMs;
  /** The business's own id (its ERP's), set through the integration API; unique in the table. */
  external_id: string | null;
}

/** Something a patient books: a consultation, an ultrasound scan. */
export interface BookingServicesTable {
  id: Generated<number>;
  title: string;
  duration_minutes: number;
  price_minor: number;
  currency: string;
  is_active: Flag;
  position: number;
  created_at: EpochMs;
  updated_at: EpochMs;
  /** The business's own id (its ERP's), set through the integration API; unique in the table. */
  external_id: string | null;
}

/** A doctor working in one branch (a doctor in two branches is two rows). */
export interface BookingDoctorsTable {
  id: Generated<number>;
  branch_id: number;
  name: string;
  specialty: string;
  is_active: Flag;
  position: number;
  created_at: EpochMs;
  updated_at: EpochMs;
  /** The business's own id (its ERP's), set through the integration API; unique in the table. */
  external_id: string | null;
}

/** Which services a doctor provides. */
export interface BookingDoctorServicesTable {
  doctor_id: number;
  service_id: number;
}

/** A weekly working stretch of a doctor, with its breaks as JSON `[{ start, end }]`. */
export interface BookingScheduleRulesTable {
  id: Generated<number>;
  doctor_id: number;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  start_time: string;
  end_time: string;
  breaks: string;
  created_at: EpochMs;
}

/** A one-off change of a doctor's hours on a date: a day off, a shortened or extra shift. */
export interface BookingExceptionsTable {
  id: Generated<number>;
  doctor_id: number;
  date: string;
  kind: 'open' | 'closed';
  start_time: string | null;
  end_time: string | null;
  note: string | null;
  created_at: EpochMs;
}

/** Where an appointment is: booked (upcoming), then completed or no-show, or cancelled. */
export type AppointmentStatus = 'booked' | 'completed' | 'no_show' | 'cancelled';

/** A patient's visit. Its time is held by rows in `booking_slot_claims` while it is booked. */
export interface BookingAppointmentsTable {
  id: Generated<number>;
  patient_id: number;
  branch_id: number;
  service_id: number;
  doctor_id: number;
  starts_at: EpochMs;
  ends_at: EpochMs;
  status: AppointmentStatus;
  price_minor: number;
  currency: string;
  /** What the patient has paid for this visit, in minor units. */
  paid_minor: number;
  /** When the patient answered "I'll come" to a reminder. */
  confirmed_at: EpochMs | null;
  locale: string;
  reschedule_count: number;
  cancelled_by: string | null;
  cancelled_at: EpochMs | null;
  completed_at: EpochMs | null;
  created_at: EpochMs;
  updated_at: EpochMs;
  /** The business's own id (its ERP's), set through the integration API; unique in the table. */
  external_id: string | null;
}

/**
 * The database's guard against double booking: one row per doctor per 5-minute cell of every
 * booked appointment, with (doctor_id, cell_start) as the primary key. Two overlapping
 * appointments share a cell, so the second insert fails on either dialect, however the
 * requests race. Rows exist only while the appointment is booked.
 */
export interface BookingSlotClaimsTable {
  doctor_id: number;
  cell_start: EpochMs;
  appointment_id: number;
}

/** Branch row. */
export type BranchRecord = Selectable<BookingBranchesTable>;
/** Service row. */
export type ServiceRecord = Selectable<BookingServicesTable>;
/** Doctor row. */
export type DoctorRecord = Selectable<BookingDoctorsTable>;
/** Weekly rule row. */
export type ScheduleRuleRecord = Selectable<BookingScheduleRulesTable>;
/** Exception row. */
export type ExceptionRecord = Selectable<BookingExceptionsTable>;
/** Appointment row. */
export type AppointmentRecord = Selectable<BookingAppointmentsTable>;

/** A visit being written to the clinic's ERP, until Lavka's record of it is written. */
export interface BookingPendingVisitsTable {
  /** The idempotency key the ERP is sent: the same for every attempt at this visit. */
  key: string;
  patient_id: number;
  doctor_id: number;
  starts_at: EpochMs;
  created_at: EpochMs;
}

/** An invoice the clinic's ERP issued to a patient through the bot (the ERP keeps the balance). */
export interface BookingErpInvoicesTable {
  /** The ERP's id of the invoice. */
  invoice_id: string;
  patient_id: number;
  amount_minor: number;
  currency: string;
  /** `pending` until the ERP says it is paid and the patient has been told. */
  status: 'pending' | 'paid';
  created_at: EpochMs;
  paid_at: EpochMs | null;
}

/** One local day of a doctor's schedule: when they work and the visits that take their time. */
export interface DoctorScheduleDay {
  date: string;
  working: { startMs: number; endMs: number }[];
  appointments: AppointmentRecord[];
}

declare module '../../db/schema.ts' {
  interface Database {
    booking_erp_invoices: BookingErpInvoicesTable;
    booking_pending_visits: BookingPendingVisitsTable;
    booking_branches: BookingBranchesTable;
    booking_services: BookingServicesTable;
    booking_doctors: BookingDoctorsTable;
    booking_doctor_services: BookingDoctorServicesTable;
    booking_schedule_rules: BookingScheduleRulesTable;
    booking_exceptions: BookingExceptionsTable;
    booking_appointments: BookingAppointmentsTable;
    booking_slot_claims: BookingSlotClaimsTable;
  }
}
