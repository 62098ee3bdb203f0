// Intl.DurationFormat ships with Node 24 (ES2025); the project's TypeScript lib predates it,
// so the little of it used here is declared by hand.
interface DurationFormatter {
  format(duration: { hours: number; minutes: number }): string;
}
type DurationFormatConstructor = new (locale: string, options: Record<string, string>) => DurationFormatter;
const { DurationFormat } = Intl as unknown as { DurationFormat: DurationFormatConstructor };

/**
 * Durations for people, in their language: "44 мин", "2 ч 5 мин", "3 сағ", "2 hr, 5 min".
 * Units that are zero are left out (never "0 ч 44 мин"); CLDR's short style gives every
 * language its own abbreviations and separators.
 */
export function formatDurationMinutes(totalMinutes: number, locale: string): string {
  const minutes = Math.max(0, Math.round(totalMinutes));
  // Zero minutes in all is still a duration to show ("0 min"), not an empty string.
  const options: Record<string, string> = minutes === 0 ? { style: 'short', minutesDisplay: 'always' } : { style: 'short' };
  return new DurationFormat(locale, options).format({ hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}
