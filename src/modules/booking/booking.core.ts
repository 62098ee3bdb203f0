import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import { type Db, type DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueOutbox, type OutboxMessage } from '../../delivery/outbox.ts';
import { cancelJob, scheduleJob } from '../../delivery/scheduler.ts';
import { createBookingRepository } from './booking.repository.ts';
import { localisedSchema, pickLocalised, type BookingSettings } from './booking.settings.ts';
import type { AppointmentRecord, DoctorRecord, ScheduleRuleRecord, ServiceRecord } from './booking.tables.ts';
import { addDays, generateSlots, localDateOf, nearestSlots, parseClock, type ScheduleException, type Slot, type WeeklyRule } from './slots.ts';
import { type ErrorKind, refusalClass } from '../../platform/errors.ts';
import type { Events } from '../../platform/events.ts';
import { apiAppointment } from './booking.api.view.ts';

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
  | 'booking.not_registered';

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
}

/** The changes of an appointment the business's other systems hear about. */
const WEBHOOK_EVENTS: Partial<Record<AppointmentEvent, 'booking.created' | 'booking.rescheduled' | 'booking.cancelled'>> = {
  booked: 'booking.created',
  rescheduled: 'booking.rescheduled',
  cancelled: 'booking.cancelled',
};

/** What every booking use case shares: the repository, the clock, slots and hooks. */
export function createBookingCore(deps: BookingServiceDeps) {
  const repository = createBookingRepository(deps.db);
  const { settings } = deps;
  const timeZone = () => deps.timeZone();
  const hooks: AppointmentHook[] = [];

  const today = () => localDateOf(deps.now(), timeZone());

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

  const activeService = async (serviceId: number): Promise<ServiceRecord> => {
    const found = await repository.findService(serviceId);
    if (!found || found.is_active !== 1) throw new BookingError('booking.unknown_service', `no active service ${serviceId}`);
    return found;
  };

  const describe = async (appointment: AppointmentRecord, locale: Locale, executor: DbExecutor = deps.db): Promise<AppointmentView> => {
    const scoped = createBookingRepository(executor);
    const [branch, service, doctor] = await Promise.all([
      scoped.findBranch(appointment.branch_id),
      scoped.findService(appointment.service_id),
      scoped.findDoctor(appointment.doctor_id),
    ]);
    return {
      ...appointment,
      branchTitle: branch ? pickLocalised(branch.title, locale) : '—',
      branchAddress: branch ? pickLocalised(branch.address, locale) : '',
      serviceTitle: service ? pickLocalised(service.title, locale) : '—',
      doctorName: doctor ? pickLocalised(doctor.name, locale) : '—',
      doctorSpecialty: doctor ? pickLocalised(doctor.specialty, locale) : '',
    };
  };

  /** Who the patient is and what language they read, fetched before a transaction opens. */
  const patientContext = async (patientId: number) => ({
    name: (await deps.patientName(patientId)) ?? `#${patientId}`,
    locale: await deps.localeOf(patientId),
  });

  const notifyStaff = async (
    trx: DbExecutor,
    event: 'booked' | 'rescheduled' | 'cancelled' | 'confirmed',
    appointment: AppointmentRecord,
    patientName: string,
    key: string,
    previousStartMs?: number,
  ) => {
    // Each staff chat reads the notice in its own language; each language is written once.
    const texts = new Map<Locale, string>();
    const messages: OutboxMessage[] = [];
    for (const { chatId, locale } of await deps.staffChats(trx)) {
      let text = texts.get(locale);
      if (text === undefined) {
        text = deps.messages.staffNotice(event, await describe(appointment, locale, trx), patientName, locale, previousStartMs);
        texts.set(locale, text);
      }
      messages.push({ chatId, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `${key}:staff:${chatId}` });
    }
    await enqueueOutbox(trx, messages, deps.now());
  };

  /** Schedules (or replaces) the reminders of an appointment; reminders already due are dropped. */
  const scheduleReminders = async (trx: DbExecutor, appointment: AppointmentRecord) => {
    const nowMs = deps.now();
    for (const offsetMinutes of settings.reminderOffsetsMinutes) {
      const runAt = appointment.starts_at - offsetMinutes * 60_000;
      const dedupeKey = reminderKey(appointment.id, offsetMinutes);
      if (runAt <= nowMs) {
        await cancelJob(trx, dedupeKey, nowMs);
        continue;
      }
      const payload: ReminderPayload = { appointmentId: appointment.id, offsetMinutes, startsAt: appointment.starts_at };
      await scheduleJob(trx, { kind: REMINDER_JOB, payload, runAt, dedupeKey }, nowMs);
    }
  };

  const cancelReminders = async (trx: DbExecutor, appointmentId: number) => {
    for (const offsetMinutes of settings.reminderOffsetsMinutes) await cancelJob(trx, reminderKey(appointmentId, offsetMinutes), deps.now());
  };

  const runHooks = async (trx: Transaction<Database>, event: AppointmentEvent, appointment: AppointmentRecord, actor: BookingActor, locale: Locale) => {
    for (const hook of hooks) await hook(trx, { event, appointment, actor, locale });
    const published = WEBHOOK_EVENTS[event];
    if (published) await deps.events.publish(trx, { type: published, resource: { type: 'appointment', id: appointment.id }, data: { appointment: apiAppointment(appointment), actor } });
  };

  /** The nearest free starts to `targetMs` for the same service (and doctor, when one was chosen). */
  const alternativesFor = async (branchId: number, service: ServiceRecord, doctorId: number | undefined, targetMs: number): Promise<FreeSlot[]> => {
    const doctors = await candidateDoctors(branchId, service.id, doctorId);
    const date = localDateOf(targetMs, timeZone());
    const slots = mergeSlots(await slotsByDoctor(doctors, service, addDays(date, -3), addDays(date, 7), true));
    return nearestSlots(slots, targetMs, settings.alternatives);
  };

  const ownBooked = async (appointmentId: number, actor: BookingActor): Promise<AppointmentRecord> => {
    const appointment = await repository.findAppointment(appointmentId);
    if (!appointment || (actor.type === 'patient' && appointment.patient_id !== actor.id)) {
      throw new BookingError('booking.not_found', `no appointment ${appointmentId}`);
    }
    if (appointment.status !== 'booked') throw new BookingError('booking.not_active', `appointment ${appointmentId} is ${appointment.status}`, { status: appointment.status });
    return appointment;
  };

  const checkCutoff = (appointment: AppointmentRecord, actor: BookingActor) => {
    if (actor.type !== 'patient') return;
    const cutoffMs = appointment.starts_at - settings.cancelCutoffMinutes * 60_000;
    if (deps.now() >= cutoffMs) throw new BookingError('booking.too_late', 'too close to the visit to change it online', { cutoffMinutes: settings.cancelCutoffMinutes });
  };

  return { deps, repository, settings, timeZone, hooks, today, rulesByDoctor, candidateDoctors, slotsByDoctor, mergeSlots, activeService, describe, patientContext, notifyStaff, scheduleReminders, cancelReminders, runHooks, alternativesFor, ownBooked, checkCutoff };
}

/** What the booking use cases share. */
export type BookingCore = ReturnType<typeof createBookingCore>;
