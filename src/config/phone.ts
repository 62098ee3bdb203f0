/**
 * Phone numbers people give the bot: read by the numbering plans of their country
 * (libphonenumber's full metadata) and stored in E.164 (`+77012345678`). One set of rules
 * for every module that asks for a phone.
 */
import { createRequire } from 'node:module';
import type * as PhoneRules from 'libphonenumber-js/max';
import type { CountryCode, Examples } from 'libphonenumber-js/max';
import { z } from 'zod';
import { PHONE_COUNTRIES } from './phone-countries.ts';

/** An ISO 3166 alpha-2 country code libphonenumber knows, e.g. `KZ`. */
export type { CountryCode };

/**
 * libphonenumber's full numbering plans, loaded with the first phone number read or shown,
 * synchronously as reading one is (about 50 ms once): a start, and a bot whose customers never
 * give a phone, keep the 2.5 MB they take (checking a configured country uses PHONE_COUNTRIES).
 */
const requireRules = createRequire(import.meta.url);
let rules: { plans: typeof PhoneRules; mobileExamples: Examples } | undefined;
const loadRules = () =>
  (rules ??= {
    plans: requireRules('libphonenumber-js/max') as typeof PhoneRules,
    mobileExamples: requireRules('libphonenumber-js/mobile/examples') as Examples,
  });

/** A country code in the config file or the admin panel: `KZ` (any case), checked against libphonenumber's list. */
export const countryCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine((value) => PHONE_COUNTRIES.has(value), 'expected an ISO 3166 alpha-2 country code such as KZ')
  .transform((value) => value as CountryCode);

/** Longest text read as a phone number; anything longer is not one. */
const MAX_TYPED_LENGTH = 40;
/** Digits and the separators people type between them; letters and extensions are not a phone. */
const TYPED_SHAPE = /^\+?[\d\s().-]+$/;

/**
 * Reads a typed phone number and returns it in E.164, or undefined when it is not a valid
 * number. With `+` it is read as international; without, as a national number of
 * `defaultCountry` (`8 701 234 56 78` in KZ). Without a default country a number must carry
 * its country code (with or without `+`). Digits that merely have a phone's length, such as
 * a Kazakhstan IIN, are refused because no numbering plan has them.
 */
export function parsePhone(raw: string, defaultCountry?: CountryCode): string | undefined {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_TYPED_LENGTH || !TYPED_SHAPE.test(text)) return undefined;
  const { parsePhoneNumberFromString } = loadRules().plans;
  const international = text.startsWith('+');
  // A national reading only: trying the digits as international too would let an IIN that
  // happens to fit some far country's plan pass for a local customer's number.
  const parsed = international || !defaultCountry ? parsePhoneNumberFromString(international ? text : `+${text}`) : parsePhoneNumberFromString(text, defaultCountry);
  return parsed?.isValid() ? parsed.number : undefined;
}

/**
 * The phone of a contact the user shared of themselves, in E.164. Telegram has verified that
 * number and sends it with or without `+`, always with the country code; it is kept even when
 * no public plan lists it (Telegram's own +888 numbers), as long as it has a phone's length.
 */
export function contactPhone(raw: string): string | undefined {
  const digits = raw.replace(/\D/g, '');
  if (!/^\+?[\d\s().-]+$/.test(raw.trim()) || digits.length < 7 || digits.length > 15) return undefined;
  return `+${digits}`;
}

/** Examples made so far, by country: the numbering plans do not change while Lavka runs. */
const examples = new Map<CountryCode, string>();

/** A mobile number of `country` written as people type it, for "type it like …" hints. */
export function phoneExample(country?: CountryCode): string {
  // Without a country the hint shows the international form with some real number.
  const international = '+44 7400 123456';
  if (!country) return international;
  let example = examples.get(country);
  if (example === undefined) {
    const { plans, mobileExamples } = loadRules();
    example = plans.getExampleNumber(country, mobileExamples)?.formatInternational() ?? international;
    examples.set(country, example);
  }
  return example;
}
