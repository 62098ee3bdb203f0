import { z } from 'zod';
import { isUniqueViolation, type DbExecutor } from '../../db/database.ts';
import { formatLocalDateTime } from '../../delivery/zoned-time.ts';
import { contactPhone, parsePhone, phoneExample, type CountryCode } from '../../config/phone.ts';
import { parseBirthDate, validateIin, type IinErrorCode } from './iin.ts';
import { createPatientsRepository } from './patients.repository.ts';
import type { PatientRecord } from './patients.tables.ts';
import { localPatientsBackend, type PatientDetails, type PatientsBackend } from './connectors/patients.backend.ts';
import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** A patient rule was broken; `code` says which, and the bot has a message for each. */
export class PatientsError extends LavkaError<PatientsErrorCode> {
  override readonly name = 'PatientsError';
  /** A field the rules refuse is unprocessable; a user who never registered is not found. */
  get kind(): ErrorKind {
    return this.code === 'patients.not_registered' ? 'not_found' : 'unprocessable';
  }
}

/** Every reason a registration field is refused. */
export type PatientsErrorCode =
  | 'patients.invalid_name'
  | 'patients.invalid_phone'
  | 'patients.invalid_birth_date'
  | 'patients.iin_taken'
  | 'patients.not_registered'
  /** The clinic's records (its ERP) do not accept this IIN. */
  | 'patients.iin_not_accepted'
  | IinErrorCode;

/** Settings under `settings.patients`. */
export const patientsSettingsSchema = z
  .object({
    /**
     * Refuse an IIN whose digits name another birth date than the one entered. On by default;
     * IINs issued after the 2013 rule change may not encode the birth date, so a clinic that
     * meets such numbers can switch this off.
     */
    iinMustMatchBirthDate: z.boolean().default(true),
  })
  .prefault({});

/** Validated patients settings. */
export type PatientsSettings = z.infer<typeof patientsSettingsSchema>;

/** What a patient enters when registering. */
export interface RegistrationInput {
  fullName: string;
  phone: string;
  /** As typed (`DD.MM.YYYY`) or ISO. */
  birthDate: string;
  iin: string;
}

const NAME_PATTERN = /^[\p{L}][\p{L}'\u2019.\- ]*[\p{L}.]$/u;

/** Dependencies of the patients service. */
export interface PatientsServiceDeps {
  db: DbExecutor;
  now(): number;
  /** The business time zone now (the owner may change it while Lavka runs). */
  timeZone(): string;
  /** Where typed phone numbers are read as national ones (the business setting, read at use time). */
  defaultCountry(): CountryCode | undefined;
  settings: PatientsSettings;
  /** Where else the clinic keeps its patients (its ERP); Lavka's table alone by default. */
  backend?: PatientsBackend;
}

/** Patient registration and profile: name, phone, date of birth and IIN, each validated. */
export function createPatientsService(deps: PatientsServiceDeps) {
  const repository = createPatientsRepository(deps.db);
  const backend = deps.backend ?? localPatientsBackend;

  /**
   * Writes the patient to the clinic's records first: a patient they refuse, or that they
   * cannot take now, is not registered here either. An IIN of another patient here is refused
   * before anything is sent.
   */
  const saveElsewhere = async (userId: number, details: PatientDetails): Promise<string | null> => {
    const holder = await repository.findByIin(details.iin);
    if (holder && holder.user_id !== userId) throw new PatientsError('patients.iin_taken', 'this IIN belongs to another patient');
    const verdict = await backend.verifyIin(details.iin);
    if (!verdict.valid) throw new PatientsError('patients.iin_not_accepted', verdict.reason ?? "the clinic's records do not accept this IIN");
    return (await backend.save(userId, details)).externalId;
  };
  const today = () => formatLocalDateTime(deps.now(), deps.timeZone()).slice(0, 10);

  const service = {
    get: repository.findByUser,
    getMany: repository.findMany,
    search: repository.search,
    /** Patients registered since `sinceMs` (the clinic's new patients). */
    countSince: repository.countSince,

    /** A full name of at least two words of letters (hyphens and apostrophes allowed). */
    checkName(raw: string): string {
      const name = raw.trim().replace(/\s+/g, ' ');
      if (name.length < 3 || name.length > 120 || !NAME_PATTERN.test(name) || name.split(' ').length < 2) {
        throw new PatientsError('patients.invalid_name', 'expected a surname and a first name in letters');
      }
      return name;
    },

    /** A valid phone number in E.164; a national one is read in the business country. */
    checkPhone(raw: string): string {
      const phone = parsePhone(raw, deps.defaultCountry());
      if (!phone) throw new PatientsError('patients.invalid_phone', 'not a phone number');
      return phone;
    },

    /** The phone of the patient's own shared contact (Telegram verified it) in E.164. */
    checkContactPhone(raw: string): string {
      const phone = contactPhone(raw);
      if (!phone) throw new PatientsError('patients.invalid_phone', 'the contact has no phone number');
      return phone;
    },

    /** A phone number of the business country as people type it, for the refusal message. */
    phoneExample(): string {
      return phoneExample(deps.defaultCountry());
    },

    /** A real, past date of birth, as ISO. */
    checkBirthDate(raw: string): string {
      const date = parseBirthDate(raw, today());
      if (!date) throw new PatientsError('patients.invalid_birth_date', 'not a possible date of birth');
      return date;
    },

    /** A valid IIN consistent with the date of birth (when the setting asks for it); returns the digits and sex. */
    checkIin(raw: string, birthDate: string): { iin: string; sex: 'male' | 'female' } {
      const result = validateIin(raw, { todayIso: today(), birthDate: deps.settings.iinMustMatchBirthDate ? birthDate : undefined });
      if (!result.ok) throw new PatientsError(result.code, `IIN refused: ${result.code}`);
      return { iin: result.info.iin, sex: result.info.sex };
    },

    /**
     * Registers the user as a patient, or replaces their details when they are one already.
     * An IIN that belongs to another patient is refused (the UNIQUE constraint decides).
     */
    async register(userId: number, input: RegistrationInput): Promise<PatientRecord> {
      const fullName = service.checkName(input.fullName);
      const phone = service.checkPhone(input.phone);
      const birthDate = service.checkBirthDate(input.birthDate);
      const { iin, sex } = service.checkIin(input.iin, birthDate);
      const externalId = await saveElsewhere(userId, { fullName, phone, birthDate, iin, sex });
      const nowMs = deps.now();
      try {
        const existing = await repository.findByUser(userId);
        const kept = externalId ?? existing?.external_id ?? null;
        if (existing) return (await repository.update(userId, { full_name: fullName, phone, birth_date: birthDate, iin, sex, external_id: kept, updated_at: nowMs })) as PatientRecord;
        return await repository.insert({ user_id: userId, full_name: fullName, phone, birth_date: birthDate, iin, sex, external_id: kept, created_at: nowMs, updated_at: nowMs });
      } catch (error) {
        if (isUniqueViolation(error)) throw new PatientsError('patients.iin_taken', 'this IIN belongs to another patient');
        throw error;
      }
    },

    /**
     * The patient, when the clinic's records know this Telegram user already (registered at
     * the front desk): their details are checked by Lavka's own rules and kept here, so they
     * need not register again. Undefined when there is no such record, or it does not pass.
     */
    async recognise(userId: number): Promise<PatientRecord | undefined> {
      const existing = await repository.findByUser(userId);
      if (existing) return existing;
      const found = await backend.find(userId);
      if (!found) return undefined;
      try {
        const fullName = service.checkName(found.fullName);
        const phone = service.checkPhone(found.phone);
        const { iin, sex } = service.checkIin(found.iin, found.birthDate);
        const holder = await repository.findByIin(iin);
        if (holder) return undefined;
        const nowMs = deps.now();
        return await repository.insert({ user_id: userId, full_name: fullName, phone, birth_date: found.birthDate, iin, sex, external_id: found.externalId, created_at: nowMs, updated_at: nowMs });
      } catch (error) {
        if (error instanceof PatientsError || isUniqueViolation(error)) return undefined;
        throw error;
      }
    },

    /** Changes one field of a registered patient; date of birth and IIN change together. */
    async update(userId: number, patch: { fullName?: string; phone?: string; birthDate?: string; iin?: string }): Promise<PatientRecord> {
      const current = await repository.findByUser(userId);
      if (!current) throw new PatientsError('patients.not_registered', 'register first');
      const changes: Partial<PatientRecord> = { updated_at: deps.now() };
      if (patch.fullName !== undefined) changes.full_name = service.checkName(patch.fullName);
      if (patch.phone !== undefined) changes.phone = service.checkPhone(patch.phone);
      if (patch.birthDate !== undefined || patch.iin !== undefined) {
        const birthDate = patch.birthDate !== undefined ? service.checkBirthDate(patch.birthDate) : current.birth_date;
        const { iin, sex } = service.checkIin(patch.iin ?? current.iin, birthDate);
        Object.assign(changes, { birth_date: birthDate, iin, sex });
      }
      const next = { ...current, ...changes };
      const externalId = await saveElsewhere(userId, { fullName: next.full_name, phone: next.phone, birthDate: next.birth_date, iin: next.iin, sex: next.sex });
      if (externalId !== null) changes.external_id = externalId;
      try {
        return (await repository.update(userId, changes)) as PatientRecord;
      } catch (error) {
        if (isUniqueViolation(error)) throw new PatientsError('patients.iin_taken', 'this IIN belongs to another patient');
        throw error;
      }
    },
  };
  return service;
}

/** The patients service's shape. */
export type PatientsService = ReturnType<typeof createPatientsService>;
