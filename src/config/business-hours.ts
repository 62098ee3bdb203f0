import { z } from 'zod';

/** Days of the week as the config names them, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** One day of the week. */
export type Weekday = (typeof WEEKDAYS)[number];

/** `HH:MM` → minutes since midnight (`24:00` is 1440). */
export function clockMinutes(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

const clockSchema = z
  .string()
  .trim()
  .regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a time as HH:MM, such as 09:30');

/** One stretch of a day the business is open: `from` before `to`, both `HH:MM` (`to` may be 24:00). */
export const hoursIntervalSchema = z
  .object({ from: clockSchema, to: clockSchema })
  .refine((interval) => clockMinutes(interval.from) < clockMinutes(interval.to), { message: 'the closing time must come after the opening time', path: ['to'] });

/** One opening interval. */
export type HoursInterval = z.infer<typeof hoursIntervalSchema>;

/** A day's intervals: sorted, never overlapping (touching is fine: 10:00–13:00, 13:00–19:00). */
const dayIntervalsSchema = z
  .array(hoursIntervalSchema)
  .max(6, 'at most 6 intervals a day')
  .transform((list) => [...list].sort((a, b) => clockMinutes(a.from) - clockMinutes(b.from)))
  .superRefine((list, ctx) => {
    for (let index = 1; index < list.length; index += 1) {
      const before = list[index - 1] as HoursInterval;
      const current = list[index] as HoursInterval;
      if (clockMinutes(current.from) < clockMinutes(before.to)) {
        ctx.addIssue({ code: 'custom', message: `${before.from}–${before.to} and ${current.from}–${current.to} overlap` });
      }
    }
  });

/** The week: each day's opening intervals; a day that is left out or empty is closed. */
export const weeklyHoursSchema = z.object({
  mon: dayIntervalsSchema.default([]),
  tue: dayIntervalsSchema.default([]),
  wed: dayIntervalsSchema.default([]),
  thu: dayIntervalsSchema.default([]),
  fri: dayIntervalsSchema.default([]),
  sat: dayIntervalsSchema.default([]),
  sun: dayIntervalsSchema.default([]),
});

/** The weekly schedule, every day present. */
export type WeeklyHours = z.infer<typeof weeklyHoursSchema>;

/**
 * `business.hours`: a weekly schedule in the business's time zone and an optional note
 * ("closed on public holidays"). Both are optional: a business may publish only a note, and
 * the older free-text `business.support.hours` is still read as that note.
 */
export const businessHoursSchema = z.object({
  weekly: weeklyHoursSchema.optional(),
  note: z.string().trim().max(200).optional(),
});

/** Business hours as configured. */
export type BusinessHours = z.infer<typeof businessHoursSchema>;

/**
 * The hours in effect: the schedule, and the note — `hours.note` when it is set (even to an
 * empty text, which the panel uses to remove it), else the older `support.hours`.
 */
export function effectiveHours(business: { hours?: BusinessHours; support: { hours?: string } }): { weekly?: WeeklyHours; note?: string } {
  const note = business.hours?.note !== undefined ? business.hours.note : business.support.hours;
  return { weekly: business.hours?.weekly, note: note?.trim() ? note.trim() : undefined };
}
