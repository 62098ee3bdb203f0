// The Kazakhstan individual identification number (ИИН / ЖСН): 12 digits,
//   YYMMDD   date of birth
//   C        century and sex: 1/2 = 1800s male/female, 3/4 = 1900s, 5/6 = 2000s
//   NNNN     serial number
//   K        check digit
// The check digit is Σ dᵢ·wᵢ mod 11 over the first 11 digits with weights 1…11; when that is
// 10, a second pass uses weights 3…11, 1, 2; when that is 10 as well, the serial is never
// issued, so such a number is invalid. Rules: Government decree No. 406 of 22 May 2007
// ("Правила формирования идентификационного номера"), as implemented by the public validators
// (e.g. valery1707/kaz-person-id). Since the 2013 amendment (decree No. 853) the number is no
// longer *required* to encode the birth date, which is why the birth-date comparison is a
// separate, switchable check (see `patients.iinMustMatchBirthDate`).

/** Why an IIN was refused; each gets its own message in the bot. */
export type IinErrorCode =
  | 'iin.invalid_format'
  | 'iin.invalid_century'
  | 'iin.impossible_date'
  | 'iin.bad_check_digit'
  | 'iin.birth_date_mismatch';

/** What a valid IIN says about its holder. */
export interface IinInfo {
  /** The 12 digits, without spaces. */
  iin: string;
  /** ISO date `YYYY-MM-DD`. */
  birthDate: string;
  sex: 'male' | 'female';
}

/** The outcome of {@link validateIin}. */
export type IinResult = { ok: true; info: IinInfo } | { ok: false; code: IinErrorCode };

const FIRST_WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
const SECOND_WEIGHTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2] as const;
const CENTURY_BY_DIGIT: Readonly<Record<string, number>> = { '1': 1800, '2': 1800, '3': 1900, '4': 1900, '5': 2000, '6': 2000 };

/** The check digit of the first 11 digits, or undefined when both passes give 10 (never issued). */
export function iinCheckDigit(first11: string): number | undefined {
  if (!/^\d{11}$/.test(first11)) throw new RangeError('iinCheckDigit needs exactly 11 digits');
  const digits = [...first11].map(Number);
  for (const weights of [FIRST_WEIGHTS, SECOND_WEIGHTS]) {
    const remainder = digits.reduce((sum, digit, index) => sum + digit * (weights[index] as number), 0) % 11;
    if (remainder !== 10) return remainder;
  }
  return undefined;
}

/** Removes the spaces and dashes people type inside long numbers. */
export function normaliseIin(raw: string): string {
  return raw.replace(/[\s\-\u2013]/g, '');
}

/**
 * Validates an IIN: format, century digit, a real date of birth (not in the future when
 * `todayIso` is given), the check digit, and, when `birthDate` is given, that it matches.
 */
export function validateIin(raw: string, options: { birthDate?: string; todayIso?: string } = {}): IinResult {
  const iin = normaliseIin(raw);
  if (!/^\d{12}$/.test(iin)) return { ok: false, code: 'iin.invalid_format' };
  const centuryDigit = iin[6] as string;
  const century = CENTURY_BY_DIGIT[centuryDigit];
  if (century === undefined) return { ok: false, code: 'iin.invalid_century' };
  const year = century + Number(iin.slice(0, 2));
  const birthDate = isoDate(year, Number(iin.slice(2, 4)), Number(iin.slice(4, 6)));
  if (!birthDate || (options.todayIso !== undefined && birthDate > options.todayIso)) return { ok: false, code: 'iin.impossible_date' };
  if (iinCheckDigit(iin.slice(0, 11)) !== Number(iin[11])) return { ok: false, code: 'iin.bad_check_digit' };
  if (options.birthDate !== undefined && options.birthDate !== birthDate) return { ok: false, code: 'iin.birth_date_mismatch' };
  return { ok: true, info: { iin, birthDate, sex: Number(centuryDigit) % 2 === 1 ? 'male' : 'female' } };
}

/**
 * Reads a date of birth as people type it in Kazakhstan (`DD.MM.YYYY`, also with `/` or `-`)
 * or as ISO `YYYY-MM-DD`. Undefined for impossible dates, the future, or more than 130 years ago.
 */
export function parseBirthDate(raw: string, todayIso: string): string | undefined {
  const text = raw.trim();
  let match = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(text);
  let date: string | undefined;
  if (match) date = isoDate(Number(match[3]), Number(match[2]), Number(match[1]));
  match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match) date = isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
  if (!date || date > todayIso) return undefined;
  const oldest = `${Number(todayIso.slice(0, 4)) - 130}${todayIso.slice(4)}`;
  return date < oldest ? undefined : date;
}

/** `YYYY-MM-DD` of a calendar date, or undefined when the day does not exist (31.02, 29.02.2023). */
export function isoDate(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const probe = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  probe.setUTCFullYear(year);
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Formats an ISO date as `DD.MM.YYYY`, the way dates are written in Kazakhstan and Russia. */
export function formatIsoDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}.${month}.${year}`;
}
