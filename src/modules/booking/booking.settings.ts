import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../config/business.ts';

/** Settings under `settings.booking` in the business config. */
export const bookingSettingsSchema = z
  .object({
    /** Distance between two offered start times. */
    slotStepMinutes: z.number().int().min(5).max(240).multipleOf(5).default(30),
    /** How far ahead patients may book. */
    horizonDays: z.number().int().min(1).max(180).default(30),
    /** The earliest a visit can be booked, counted from now. */
    minLeadMinutes: z.number().int().min(0).max(7 * 24 * 60).default(60),
    /** Patients may cancel or reschedule online until this long before the visit. */
    cancelCutoffMinutes: z.number().int().min(0).max(7 * 24 * 60).default(120),
    /** Reminders before the visit, in minutes (24 h and 2 h by default). */
    reminderOffsetsMinutes: z.array(z.number().int().min(5).max(14 * 24 * 60)).max(5).default([1440, 120]),
    /** How many nearby free slots a patient who lost a slot is offered. */
    alternatives: z.number().int().min(1).max(8).default(3),
    /**
     * No longer used: a visit is a physical service, which Telegram's payment rules forbid
     * paying in Stars. Still accepted so older configs load; a warning at start says it is ignored.
     */
    minorPerStar: z.number().int().min(1).optional(),
  })
  .prefault({});

/** Validated booking settings. */
export type BookingSettings = z.infer<typeof bookingSettingsSchema>;

/** A text in each language (`{ ru, kk, en }`), or one text for all. */
export const localisedSchema = z.union([
  z.string().trim().min(1).max(300),
  z.partialRecord(z.enum(SUPPORTED_LOCALES), z.string().trim().min(1).max(300)).refine((value) => Object.keys(value).length > 0, 'at least one language'),
]);

/** Input form of a localised text. */
export type LocalisedInput = z.infer<typeof localisedSchema>;

/** Stores a localised text as JSON. */
export function encodeLocalised(value: LocalisedInput): string {
  return JSON.stringify(typeof value === 'string' ? { ru: value, kk: value, en: value } : value);
}

/** Picks a stored localised text in `locale`, falling back to Russian, Kazakh, English, anything. */
export function pickLocalised(stored: string, locale: string): string {
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return stored;
  }
  if (typeof value === 'string') return value;
  const record = (value ?? {}) as Record<string, string | undefined>;
  return record[locale] ?? record.ru ?? record.kk ?? record.en ?? Object.values(record).find((text) => typeof text === 'string') ?? '';
}
