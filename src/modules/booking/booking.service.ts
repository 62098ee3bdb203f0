import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import { toMinor } from '../../config/money.ts';
import { isUniqueViolation, type Db, type DbExecutor } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueOutbox, type OutboxMessage } from '../../delivery/outbox.ts';
import { cancelJob, scheduleJob, type JobHandler } from '../../delivery/scheduler.ts';
import { createBookingRepository, type AppointmentFilter } from './booking.repository.ts';
import { encodeLocalised, localisedSchema, pickLocalised, type BookingSettings } from './booking.settings.ts';
import type { AppointmentRecord, BranchRecord, DoctorRecord, ScheduleRuleRecord, ServiceRecord } from './booking.tables.ts';
import { addDays, generateSlots, localDateOf, localToEpochMs, nearestSlots, parseClock, workingIntervals, type ScheduleException, type Slot, type WeeklyRule } from './slots.ts';
import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** A booking rule was broken; `code` says which (`booking.slot_taken`, …). */
export class BookingError extends LavkaError<BookingErrorCode> {
  override readonly name = 'BookingError';
  get kind(): ErrorKind {
    return BOOKING_KINDS[this.code];
  }
}

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

const BOOKING_KINDS: Readonly<Record<BookingErrorCode, ErrorKind>> = {
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
interface ReminderPayload {
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

const clock = z.string().refine((value) => parseClock(value) !== undefined, 'expected HH:MM');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

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

const rangeSchema = z
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
}

/**
 * Branches, services, doctors and their schedules; free slots; booking, rescheduling and
 * cancelling with the database refusing double bookings; reminders through the scheduler;
 * visits completed or missed; the patient's balance.
 */
export function createBookingService(deps: BookingServiceDeps) {
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

  const service = {
    describe,

    /** Registers a hook run inside the transaction of every appointment change. */
    onAppointmentChange(hook: AppointmentHook): void {
      hooks.push(hook);
    },

    // ── directory ──────────────────────────────────────────────────────────────────────────
    listBranches: (activeOnly = true) => repository.listBranches(activeOnly),
    getBranch: repository.findBranch,
    listServices: (activeOnly = true) => repository.listServices(activeOnly),
    getService: repository.findService,
    servicesAtBranch: repository.servicesAtBranch,
    getDoctor: repository.findDoctor,
    listDoctors: (filter: { branchId?: number; serviceId?: number; activeOnly?: boolean } = {}) => repository.listDoctors({ ...filter, activeOnly: filter.activeOnly ?? true }),
    serviceIdsOfDoctor: repository.serviceIdsOfDoctor,

    async scheduleOf(doctorId: number): Promise<WeeklyRule[]> {
      return rulesByDoctor(await repository.rulesOf([doctorId])).get(doctorId) ?? [];
    },

    exceptionsOf: (doctorId: number, fromDate: string, toDate: string) => repository.exceptionsOf([doctorId], fromDate, toDate),

    async createBranch(input: unknown): Promise<BranchRecord> {
      const data = branchInputSchema.parse(input);
      const nowMs = deps.now();
      return repository.insertBranch({
        title: encodeLocalised(data.title),
        address: encodeLocalised(data.address),
        phone: data.phone ?? null,
        is_active: data.active ? 1 : 0,
        position: data.position,
        created_at: nowMs,
        updated_at: nowMs,
      });
    },

    async updateBranch(id: number, input: unknown): Promise<BranchRecord | undefined> {
      const data = branchInputSchema.parse(input);
      return repository.updateBranch(id, {
        title: encodeLocalised(data.title),
        address: encodeLocalised(data.address),
        phone: data.phone ?? null,
        is_active: data.active ? 1 : 0,
        position: data.position,
        updated_at: deps.now(),
      });
    },

    async createService(input: unknown): Promise<ServiceRecord> {
      const data = serviceInputSchema.parse(input);
      const nowMs = deps.now();
      return repository.insertService({
        title: encodeLocalised(data.title),
        duration_minutes: data.durationMinutes,
        price_minor: data.priceMinor,
        currency: data.currency ?? deps.currency,
        is_active: data.active ? 1 : 0,
        position: data.position,
        created_at: nowMs,
        updated_at: nowMs,
      });
    },

    async updateService(id: number, input: unknown): Promise<ServiceRecord | undefined> {
      const data = serviceInputSchema.parse(input);
      return repository.updateService(id, {
        title: encodeLocalised(data.title),
        duration_minutes: data.durationMinutes,
        price_minor: data.priceMinor,
        currency: data.currency ?? deps.currency,
        is_active: data.active ? 1 : 0,
        position: data.position,
        updated_at: deps.now(),
      });
    },

    async createDoctor(input: unknown): Promise<DoctorRecord> {
      const data = doctorInputSchema.parse(input);
      if (!(await repository.findBranch(data.branchId))) throw new BookingError('booking.unknown_branch', `no branch ${data.branchId}`);
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createBookingRepository(trx);
        const nowMs = deps.now();
        const doctor = await scoped.insertDoctor({
          branch_id: data.branchId,
          name: encodeLocalised(data.name),
          specialty: encodeLocalised(data.specialty),
          is_active: data.active ? 1 : 0,
          position: data.position,
          created_at: nowMs,
          updated_at: nowMs,
        });
        await scoped.replaceDoctorServices(doctor.id, [...new Set(data.serviceIds)]);
        return doctor;
      });
    },

    async updateDoctor(id: number, input: unknown): Promise<DoctorRecord | undefined> {
      const data = doctorInputSchema.parse(input);
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createBookingRepository(trx);
        const doctor = await scoped.updateDoctor(id, {
          branch_id: data.branchId,
          name: encodeLocalised(data.name),
          specialty: encodeLocalised(data.specialty),
          is_active: data.active ? 1 : 0,
          position: data.position,
          updated_at: deps.now(),
        });
        if (doctor) await scoped.replaceDoctorServices(id, [...new Set(data.serviceIds)]);
        return doctor;
      });
    },

    /** Replaces a doctor's weekly schedule. Existing appointments stay; new slots follow the new hours. */
    async setSchedule(doctorId: number, input: unknown): Promise<WeeklyRule[]> {
      const data = scheduleInputSchema.parse(input);
      if (!(await repository.findDoctor(doctorId))) throw new BookingError('booking.unknown_doctor', `no doctor ${doctorId}`);
      await deps.db.transaction().execute((trx) =>
        createBookingRepository(trx).replaceRules(
          doctorId,
          data.rules.map((rule) => ({ weekday: rule.weekday, start_time: rule.start, end_time: rule.end, breaks: JSON.stringify(rule.breaks) })),
          deps.now(),
        ),
      );
      return service.scheduleOf(doctorId);
    },

    async addException(doctorId: number, input: unknown) {
      const data = exceptionInputSchema.parse(input);
      if (!(await repository.findDoctor(doctorId))) throw new BookingError('booking.unknown_doctor', `no doctor ${doctorId}`);
      return repository.insertException({
        doctor_id: doctorId,
        date: data.date,
        kind: data.kind,
        start_time: data.start ?? null,
        end_time: data.end ?? null,
        note: data.note ?? null,
        created_at: deps.now(),
      });
    },

    removeException: repository.deleteException,

    // ── availability ───────────────────────────────────────────────────────────────────────
    /** Free starts for a service at a branch, with a given doctor or any, between two local dates. */
    async freeSlots(query: { branchId: number; serviceId: number; doctorId?: number; fromDate: string; toDate: string }): Promise<FreeSlot[]> {
      const found = await activeService(query.serviceId);
      const doctors = await candidateDoctors(query.branchId, query.serviceId, query.doctorId);
      return mergeSlots(await slotsByDoctor(doctors, found, query.fromDate, query.toDate, true));
    },

    /** Local dates of a month (`YYYY-MM`) that have at least one free slot. */
    async datesWithSlots(query: { branchId: number; serviceId: number; doctorId?: number; month: string }): Promise<Set<string>> {
      const first = `${query.month}-01`;
      const last = addDays(addDays(first, 32).slice(0, 7) + '-01', -1);
      const slots = await service.freeSlots({ ...query, fromDate: first, toDate: last });
      return new Set(slots.map((slot) => slot.date));
    },

    /** The first and last local dates patients may book now. */
    bookingWindow(): { firstDate: string; lastDate: string } {
      return { firstDate: today(), lastDate: addDays(today(), settings.horizonDays) };
    },

    // ── appointments ───────────────────────────────────────────────────────────────────────
    /**
     * Books a visit. The start must be a slot of the doctor's schedule; whether it is still
     * free is decided by the database: the claim rows' primary key lets one booking of a
     * time through and refuses the rest with `booking.slot_taken`, whose `alternatives` are
     * the nearest free starts. With no doctor chosen, each free doctor is tried in turn.
     */
    async book(input: { patientId: number; branchId: number; serviceId: number; doctorId?: number; startMs: number; locale: Locale }): Promise<AppointmentRecord> {
      const patientName = await deps.patientName(input.patientId);
      if (!patientName) throw new BookingError('booking.not_registered', 'register as a patient first');
      const found = await activeService(input.serviceId);
      const doctors = await candidateDoctors(input.branchId, input.serviceId, input.doctorId);
      if (doctors.length === 0) throw new BookingError('booking.unknown_doctor', 'no such doctor for this service at this branch');
      const date = localDateOf(input.startMs, timeZone());
      // Schedule validity only: whether the time is still free is for the database to say.
      const scheduled = await slotsByDoctor(doctors, found, date, date, false);
      const candidates = doctors.filter((doctor) => scheduled.get(doctor.id)?.some((slot) => slot.startMs === input.startMs));
      if (candidates.length === 0) {
        throw new BookingError('booking.slot_unavailable', 'not a bookable time', { alternatives: await alternativesFor(input.branchId, found, input.doctorId, input.startMs) });
      }
      const endMs = input.startMs + found.duration_minutes * 60_000;
      for (const doctor of candidates) {
        try {
          return await deps.db.transaction().execute(async (trx) => {
            const scoped = createBookingRepository(trx);
            const nowMs = deps.now();
            const appointment = await scoped.insertAppointment({
              patient_id: input.patientId,
              branch_id: input.branchId,
              service_id: found.id,
              doctor_id: doctor.id,
              starts_at: input.startMs,
              ends_at: endMs,
              status: 'booked',
              price_minor: found.price_minor,
              currency: found.currency,
              paid_minor: 0,
              confirmed_at: null,
              locale: input.locale,
              reschedule_count: 0,
              cancelled_by: null,
              cancelled_at: null,
              completed_at: null,
              created_at: nowMs,
              updated_at: nowMs,
            });
            await scoped.claim(doctor.id, claimCells(input.startMs, endMs), appointment.id);
            await scheduleReminders(trx, appointment);
            await notifyStaff(trx, 'booked', appointment, patientName, `booking:${appointment.id}:booked`);
            await runHooks(trx, 'booked', appointment, { type: 'patient', id: input.patientId }, input.locale);
            return appointment;
          });
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
      }
      throw new BookingError('booking.slot_taken', 'someone booked this time first', {
        alternatives: await alternativesFor(input.branchId, found, input.doctorId, input.startMs),
      });
    },

    /**
     * Moves a booked visit to another start with the same doctor. The old time is freed and
     * the new one claimed in one transaction: if the new time is taken, nothing changes.
     */
    async reschedule(appointmentId: number, newStartMs: number, actor: BookingActor): Promise<AppointmentRecord> {
      const appointment = await ownBooked(appointmentId, actor);
      checkCutoff(appointment, actor);
      const found = (await repository.findService(appointment.service_id)) as ServiceRecord;
      const doctor = await repository.findDoctor(appointment.doctor_id);
      const date = localDateOf(newStartMs, timeZone());
      const scheduled = doctor ? await slotsByDoctor([doctor], found, date, date, false) : new Map<number, Slot[]>();
      const durationMs = appointment.ends_at - appointment.starts_at;
      const patient = await patientContext(appointment.patient_id);
      if (newStartMs === appointment.starts_at || !scheduled.get(appointment.doctor_id)?.some((slot) => slot.startMs === newStartMs)) {
        throw new BookingError('booking.slot_unavailable', 'not a bookable time', {
          alternatives: await alternativesFor(appointment.branch_id, found, appointment.doctor_id, newStartMs),
        });
      }
      try {
        return await deps.db.transaction().execute(async (trx) => {
          const scoped = createBookingRepository(trx);
          const nowMs = deps.now();
          const moved = await scoped.updateAppointment(appointment.id, ['booked'], {
            starts_at: newStartMs,
            ends_at: newStartMs + durationMs,
            confirmed_at: null,
            reschedule_count: appointment.reschedule_count + 1,
            updated_at: nowMs,
          });
          if (!moved) throw new BookingError('booking.not_active', 'the appointment changed meanwhile');
          await scoped.releaseClaims(appointment.id);
          await scoped.claim(appointment.doctor_id, claimCells(newStartMs, newStartMs + durationMs), appointment.id);
          await scheduleReminders(trx, moved);
          await notifyStaff(trx, 'rescheduled', moved, patient.name, `booking:${appointment.id}:moved:${moved.reschedule_count}`, appointment.starts_at);
          await runHooks(trx, 'rescheduled', moved, actor, patient.locale);
          return moved;
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new BookingError('booking.slot_taken', 'someone booked this time first', {
          alternatives: await alternativesFor(appointment.branch_id, found, appointment.doctor_id, newStartMs),
        });
      }
    },

    /** Cancels a booked visit and frees its time; patients only until the cut-off. */
    async cancel(appointmentId: number, actor: BookingActor): Promise<AppointmentRecord> {
      const appointment = await ownBooked(appointmentId, actor);
      checkCutoff(appointment, actor);
      const patient = await patientContext(appointment.patient_id);
      return deps.db.transaction().execute(async (trx) => {
        const scoped = createBookingRepository(trx);
        const nowMs = deps.now();
        const cancelled = await scoped.updateAppointment(appointment.id, ['booked'], {
          status: 'cancelled',
          cancelled_by: actor.type === 'patient' ? 'patient' : actor.type === 'staff' ? `staff${actor.id !== undefined ? `:${actor.id}` : ''}` : 'system',
          cancelled_at: nowMs,
          updated_at: nowMs,
        });
        if (!cancelled) throw new BookingError('booking.not_active', 'the appointment changed meanwhile');
        await scoped.releaseClaims(appointment.id);
        await cancelReminders(trx, appointment.id);
        if (actor.type === 'patient') {
          await notifyStaff(trx, 'cancelled', cancelled, patient.name, `booking:${appointment.id}:cancelled`);
        } else {
          const text = deps.messages.patientCancelledByClinic(await describe(cancelled, patient.locale, trx), patient.locale);
          await enqueueOutbox(trx, { chatId: appointment.patient_id, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `booking:${appointment.id}:cancelled:patient` }, nowMs);
        }
        await runHooks(trx, 'cancelled', cancelled, actor, patient.locale);
        return cancelled;
      });
    },

    /** The patient answered "I'll come": recorded once, and the staff are told. */
    async confirmAttendance(appointmentId: number, patientId: number): Promise<{ appointment: AppointmentRecord; first: boolean }> {
      const appointment = await ownBooked(appointmentId, { type: 'patient', id: patientId });
      if (appointment.starts_at <= deps.now()) throw new BookingError('booking.not_active', 'the visit has started');
      if (appointment.confirmed_at !== null) return { appointment, first: false };
      const patient = await patientContext(patientId);
      return deps.db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const confirmed = await createBookingRepository(trx).updateAppointment(appointment.id, ['booked'], { confirmed_at: nowMs, updated_at: nowMs });
        if (!confirmed) throw new BookingError('booking.not_active', 'the appointment changed meanwhile');
        await notifyStaff(trx, 'confirmed', confirmed, patient.name, `booking:${appointment.id}:confirmed:${appointment.starts_at}`);
        return { appointment: confirmed, first: true };
      });
    },

    /** Staff mark a visit as done (`completed`) or missed (`no_show`). */
    async markVisit(appointmentId: number, outcome: 'completed' | 'no_show', actor: BookingActor): Promise<AppointmentRecord> {
      const appointment = await ownBooked(appointmentId, actor);
      const patient = await patientContext(appointment.patient_id);
      return deps.db.transaction().execute(async (trx) => {
        const nowMs = deps.now();
        const done = await createBookingRepository(trx).updateAppointment(appointment.id, ['booked'], { status: outcome, completed_at: nowMs, updated_at: nowMs });
        if (!done) throw new BookingError('booking.not_active', 'the appointment changed meanwhile');
        await cancelReminders(trx, appointment.id);
        await runHooks(trx, outcome, done, actor, patient.locale);
        return done;
      });
    },

    get: repository.findAppointment,

    /** A patient's upcoming (soonest first) or past (latest first) appointments. */
    async listForPatient(patientId: number, which: 'upcoming' | 'past', limit = 20): Promise<AppointmentRecord[]> {
      const nowMs = deps.now();
      if (which === 'upcoming') return repository.listAppointments({ patientId, fromMs: nowMs, statuses: ['booked'] }, 'asc', limit);
      const past = await repository.listAppointments({ patientId }, 'desc', limit * 2);
      return past.filter((item) => item.status !== 'booked' || item.starts_at < nowMs).slice(0, limit);
    },

    list: (filter: AppointmentFilter, order: 'asc' | 'desc' = 'asc', limit = 500) => repository.listAppointments(filter, order, limit),

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

    /**
     * Records a payment for a visit inside the payments module's settlement transaction. A
     * payment in another currency (Telegram Stars) settles what was due; more than the price
     * is never recorded.
     */
    async recordPayment(trx: DbExecutor, appointmentId: number, paid: { amountMinor: number; currency: string }): Promise<AppointmentRecord | undefined> {
      const scoped = createBookingRepository(trx);
      const appointment = await scoped.findAppointment(appointmentId);
      if (!appointment) return undefined;
      const amount = paid.currency === appointment.currency ? paid.amountMinor : appointment.price_minor - appointment.paid_minor;
      return scoped.updateAppointment(appointment.id, ['booked', 'completed', 'no_show', 'cancelled'], {
        paid_minor: Math.min(appointment.price_minor, appointment.paid_minor + Math.max(0, amount)),
        updated_at: deps.now(),
      });
    },

    /** Runs a due reminder: only for a still-booked visit at the time it was scheduled for, once. */
    reminderHandler: (async (payload) => {
      const { appointmentId, offsetMinutes, startsAt } = payload as ReminderPayload;
      const appointment = await repository.findAppointment(appointmentId);
      if (!appointment || appointment.status !== 'booked' || appointment.starts_at !== startsAt || deps.now() >= startsAt) return;
      const locale = await deps.localeOf(appointment.patient_id);
      const message = deps.messages.reminder(await describe(appointment, locale), locale);
      // The key names the visit's start: a handler run twice (a crash before it was marked done) sends once.
      await enqueueOutbox(deps.db, { ...message, chatId: appointment.patient_id, dedupeKey: `booking:reminder:${appointmentId}:${offsetMinutes}:${startsAt}` }, deps.now());
    }) satisfies JobHandler,

    // ── segments ───────────────────────────────────────────────────────────────────────────
    patientIdsOfBranch: (branchId: number) => repository.patientIds({ branchId }),
    patientIdsOfService: (serviceId: number) => repository.patientIds({ serviceId }),
    /** Patients whose last completed visit was more than `months` months ago (and nothing booked). */
    patientIdsNotVisitedFor(months: number): Promise<number[]> {
      return repository.patientIdsNotVisitedSince(deps.now() - months * 30 * 86_400_000);
    },

    // ── demo ───────────────────────────────────────────────────────────────────────────────
    /** Seeds the preset's branches, services, doctors and schedules into an empty directory. */
    async seed(data: unknown): Promise<boolean> {
      if ((await repository.countBranches()) > 0) return false;
      const demo = bookingDemoSchema.parse(data);
      const branchIds = new Map<string, number>();
      for (const [index, branch] of demo.branches.entries()) {
        branchIds.set(branch.key, (await service.createBranch({ title: branch.title, address: branch.address, phone: branch.phone ?? null, position: index })).id);
      }
      const serviceIds = new Map<string, number>();
      for (const [index, item] of demo.services.entries()) {
        const created = await service.createService({ title: item.title, durationMinutes: item.durationMinutes, priceMinor: toMinor(item.price, deps.currency), position: index });
        serviceIds.set(item.key, created.id);
      }
      const seededOn = today();
      for (const [index, doctor] of demo.doctors.entries()) {
        const branchId = branchIds.get(doctor.branch);
        if (branchId === undefined) throw new Error(`demo.booking: doctor ${JSON.stringify(doctor.name)} names unknown branch ${doctor.branch}`);
        const ids = doctor.services.map((key) => {
          const id = serviceIds.get(key);
          if (id === undefined) throw new Error(`demo.booking: unknown service ${key}`);
          return id;
        });
        const created = await service.createDoctor({ branchId, name: doctor.name, specialty: doctor.specialty, serviceIds: ids, position: index });
        await service.setSchedule(created.id, {
          rules: doctor.schedule.flatMap((block) => block.days.map((weekday) => ({ weekday, start: block.start, end: block.end, breaks: block.breaks }))),
        });
        for (const exception of doctor.exceptions) {
          await service.addException(created.id, { date: addDays(seededOn, exception.inDays), kind: exception.kind, start: exception.start, end: exception.end, note: exception.note });
        }
      }
      return true;
    },
  };
  return service;
}

/** The booking service's shape. */
export type BookingService = ReturnType<typeof createBookingService>;
