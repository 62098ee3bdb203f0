// What the booking routes of the server answer (src/modules/booking/booking.miniapp.ts).

export interface Branch {
  id: number;
  title: string;
  address: string;
}

export interface Service {
  id: number;
  title: string;
  duration_minutes: number;
  price: string;
}

export interface Doctor {
  id: number;
  name: string;
  specialty: string;
}

/** The days of a month with free times, within the booking window. */
export interface MonthDays {
  month: string;
  /** The month and year in the reader's language. */
  title: string;
  /** Monday first. */
  weekdays: string[];
  /** Every day of the month, with its name in the reader's language. */
  days: { date: string; label: string }[];
  previous_month: string | null;
  next_month: string | null;
  dates: string[];
}

/** A free start; `time` is already in the clinic's time zone. */
export interface Slot {
  starts_at: number;
  time: string;
  /** Set on an alternative, which may be on another day. */
  date?: string;
  day?: string;
}

/** The patient's choice so far; no doctor: any free doctor. */
export interface Choice {
  branchId: number;
  serviceId: number;
  doctorId: number | undefined;
}
