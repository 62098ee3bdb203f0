/*
 * What every booking file shares without the core: the errors, the reminder job and its
 * payload, claim cells, the actor, event, hook and view types, the input schemas and the deps.
 */
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import { type Db, type DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { type OutboxMessage } from '../../delivery/outbox.ts';
import { localisedSchema, type BookingSettings } from './booking.settings.ts';
import type { AppointmentRecord } from './booking.tables.ts';
import { parseClock, type Slot } from './slots.ts';
import { type ErrorKind, refusalClass } from '../../platform/errors.ts';
import type { Events } from '../../platform/events.ts';
import type { BookingBackend } from './connectors/booking.backend.ts';

/** The kind of each refusal of the clinic's bookings. */
export const BOOKING_KINDS: Readonly<Record<BookingErrorCode, ErrorKind>> = {
  'booking.not_found': 'not_found',
  'booking.unknown_branch': 'not_found',
  'booking.unknown_service': 'not_found',
  'booking.unknown_doctor': 'not_found',
  'booking.unknown_action': 'not_found',
  'booking.slot_taken': 'conflict',
  'booking.not_active': 'conflict',
  'booking.slot_unavailable': 'unprocessable',
  'booking.too_late': 'unprocessable',
  'booking.not_registered': 'unprocessable',
  'booking.range_too_long': 'invalid',
  'booking.external_id_taken': 'conflict',
};

/** A booking rule was broken; `code` says which (`booking.slot_taken`, …). */
export class BookingError extends refusalClass<BookingErrorCode>('BookingError', BOOKING_KINDS) {}

/** Every reason a booking action is refused. */
export type BookingErrorCode =
  | 'booking.not_found'
  | 'booking.unknown_branch'
  | 'booking.unknown_service'
  | 'booking.unknown_doctor'
  | 'booking.unknown_action'
  | 'booking.slot_taken'
  | 'booking.not_active'
  | 'booking.slot_unavailable'
  | 'booking.too_late'
  | 'booking.not_registered'
  | 'booking.range_too_long'
  | 'booking.external_id_taken';

/** The scheduled job kind of appointment reminders. */
export const REMINDER_JOB = 'booking.reminder';
/** Size of one claim cell: appointments start and last in multiples of it. */
export const CLAIM_CELL_MS = 5 * 60_000;

/** The 5-minute cells an appointment `[startMs, endMs)` occupies. */
export function claimCells(startMs: number, endMs: number): number[] {
  const cells: number[] = [];
  for (let cell = Math.floor(startMs / CLAIM_CELL_MS) * CLAIM_CELL_MS; cell < endMs; cell += CLAIM_CELL_MS) cells.push(cell);
  return cells;
}

/** The dedupe key of one reminder of one appointment: rescheduling replaces it. */
export function reminderKey(appointmentId: number, offsetMinutes: number): string {
  return `booking:reminder:${appointmentId}:${offsetMinutes}`;
}

/** What a reminder job carries. */
export interface ReminderPayload {
  appointmentId: number;
  offsetMinutes: number;
  /** The start the reminder was scheduled for; a moved appointment makes it stale. */
  startsAt: number;
}

/** Who acts on an appointment. */
export type BookingActor = { type: 'patient'; id: number } | { type: 'staff'; id?: number | string } | { type: 'system' };

/** Something that happened to an appointment, for other modules' hooks. */
export type AppointmentEvent = 'booked' | 'rescheduled' | 'cancelled' | 'completed' | 'no_show';

/**
 * Runs inside the transaction of the change (documents add the confirmation, feedback asks for
 * a score). Hooks must use `trx` for every query: on SQLite a query on another handle would
 * wait for this very transaction. `locale` is the patient's language, looked up beforehand.
 */
export type AppointmentHook = (
  trx: Transaction<Database>,
  change: { event: AppointmentEvent; appointment: AppointmentRecord; actor: BookingActor; locale: Locale },
) => Promise<void>;

/** An appointment with the names of its branch, service and doctor in one language. */
export interface AppointmentView extends AppointmentRecord {
  branchTitle: string;
  branchAddress: string;
  serviceTitle: string;
  doctorName: string;
  doctorSpecialty: string;
}

/** A bookable start with the doctors free then. */
export interface FreeSlot extends Slot {
  doctorIds: number[];
}

/** Renders the messages the service enqueues; supplied by the module, which knows the texts. */
export interface BookingMessages {
  reminder(view: AppointmentView, locale: Locale): Omit<OutboxMessage, 'chatId'>;
  /** What staff are told about a visit, in `locale` (the language of the staff chat it goes to). */
  staffNotice(event: 'booked' | 'rescheduled' | 'cancelled' | 'confirmed', view: AppointmentView, patientName: string, locale: Locale, previousStartMs?: number): string;
  patientCancelledByClinic(view: AppointmentView, locale: Locale): string;
  /** The clinic moved the patient's visit (in its ERP): the new time, and the old one. */
  patientMovedByClinic(view: AppointmentView, previousStartMs: number, locale: Locale): string;
}

export const clock = z.string().refine((value) => parseClock(value) !== undefined, 'expected HH:MM');
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** A branch as the admin panel submits it. */
export const branchInputSchema = z.object({
  title: localisedSchema,
  address: localisedSchema,
  phone: z.string().trim().max(32).nullable().optional(),
  active: z.boolean().default(true),
  position: z.number().int().min(0).max(10_000).default(0),
});

/** A service as the admin panel submits it; `priceMinor` in minor units. */
export const serviceInputSchema = z.object({
  title: localisedSchema,
  durationMinutes: z.number().int().min(5).max(8 * 60).multipleOf(5),
  priceMinor: z.number().int().min(0).max(1e11),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  active: z.boolean().default(true),
  position: z.number().int().min(0).max(10_000).default(0),
});

/** A doctor as the admin panel submits it. */
export const doctorInputSchema = z.object({
  branchId: z.number().int().positive(),
  name: localisedSchema,
  specialty: localisedSchema,
  serviceIds: z.array(z.number().int().positive()).max(100).default([]),
  active: z.boolean().default(true),
  position: z.number().int().min(0).max(10_000).default(0),
});

export const rangeSchema = z
  .object({ start: clock, end: clock })
  .refine((range) => (parseClock(range.start) as number) < (parseClock(range.end) as number), 'start must be before end')
  .refine((range) => (parseClock(range.start) as number) % 5 === 0 && (parseClock(range.end) as number) % 5 === 0, 'times are multiples of 5 minutes');

/** A doctor's weekly schedule: working stretches per weekday with breaks. */
export const scheduleInputSchema = z.object({
  rules: z
    .array(
      z
        .object({ weekday: z.number().int().min(1).max(7), start: clock, end: clock, breaks: z.array(rangeSchema).max(10).default([]) })
        .refine((rule) => (parseClock(rule.start) as number) < (parseClock(rule.end) as number), 'start must be before end')
        .refine((rule) => (parseClock(rule.start) as number) % 5 === 0 && (parseClock(rule.end) as number) % 5 === 0, 'times are multiples of 5 minutes'),
    )
    .max(50),
});

/** A one-off change of a doctor's hours. */
export const exceptionInputSchema = z
  .object({ date: isoDate, kind: z.enum(['open', 'closed']), start: clock.optional(), end: clock.optional(), note: z.string().max(200).optional() })
  .refine((value) => (value.start === undefined) === (value.end === undefined), 'give both start and end, or neither')
  .refine((value) => value.kind === 'closed' || value.start !== undefined, 'extra hours need start and end')
  .refine((value) => value.start === undefined || (parseClock(value.start) as number) < (parseClock(value.end as string) as number), 'start must be before end');

/** Demo data in `presets/<name>/preset.yaml` under `demo.booking`; prices in whole units. */
export const bookingDemoSchema = z.object({
  branches: z.array(z.object({ key: z.string(), title: localisedSchema, address: localisedSchema, phone: z.string().optional() })).min(1),
  services: z.array(z.object({ key: z.string(), title: localisedSchema, durationMinutes: z.number().int().min(5).multipleOf(5), price: z.number().min(0) })).min(1),
  doctors: z.array(
    z.object({
      branch: z.string(),
      name: localisedSchema,
      specialty: localisedSchema,
      services: z.array(z.string()).min(1),
      schedule: z.array(z.object({ days: z.array(z.number().int().min(1).max(7)).min(1), start: clock, end: clock, breaks: z.array(rangeSchema).default([]) })),
      /** Exceptions `inDays` after the day the demo is seeded. */
      exceptions: z.array(z.object({ inDays: z.number().int().min(0).max(60), kind: z.enum(['open', 'closed']), start: clock.optional(), end: clock.optional(), note: z.string().optional() })).default([]),
    }),
  ),
});

/** Dependencies of the booking service. */
export interface BookingServiceDeps {
  db: Db;
  now(): number;
  /** The business time zone now: schedules are local times, read in the zone in effect. */
  timeZone(): string;
  currency: string;
  defaultLocale: Locale;
  settings: BookingSettings;
  /** Whether the user is a registered patient, and their name for staff messages. Never called inside a transaction. */
  patientName(userId: number): Promise<string | undefined>;
  /** The language a patient reads in. Never called inside a transaction. */
  localeOf(userId: number): Promise<Locale>;
  /** Chats that receive staff alerts, each with its language, read through `executor` (the change's transaction). */
  staffChats(executor: DbExecutor): Promise<readonly { chatId: number; locale: Locale }[]>;
  messages: BookingMessages;
  /** Where `booking.created`, `booking.rescheduled` and `booking.cancelled` are published (for webhooks). */
  events: Events;
  /** Who keeps the schedule when it is not Lavka: the clinic's ERP (connectors.clinic). */
  backend?: BookingBackend;
}
