import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { businessHoursSchema, type BusinessHours } from '../../config/business-hours.ts';
import { SUPPORTED_LOCALES, timeZoneSchema, type BusinessConfig, type Locale } from '../../config/business.ts';
import { countryCodeSchema, type CountryCode } from '../../config/phone.ts';
import { LOCALES_DIR, type Translator } from '../../telegram/i18n.ts';
import type { LiveSettingsSection } from '../module.ts';
import { AdminError } from './admin.errors.ts';
import type { AdminService } from './admin.service.ts';

/** A bot text as the editor shows it: the shipped source and the owner's override. */
export interface TextEntry {
  id: string;
  /** The file it ships in, e.g. `orders` for `locales/ru/orders.ftl`. */
  group: string;
  /** The shipped Fluent source of the message (with `{ $variables }`). */
  source: string;
  override: string | null;
}

/** The business settings the owner may change while Lavka runs. */
export const businessSettingsSchema = z.object({
  name: z.string().trim().min(1).max(64),
  support: z.object({
    username: z
      .string()
      .trim()
      .regex(/^@?\w{5,32}$/, 'a Telegram username such as @shop_support')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    phone: z.string().trim().max(32).optional().or(z.literal('').transform(() => undefined)),
    email: z.email().optional().or(z.literal('').transform(() => undefined)),
    hours: z.string().trim().max(120).optional().or(z.literal('').transform(() => undefined)),
  }),
});

/** Business settings as stored. */
export type BusinessSettings = z.infer<typeof businessSettingsSchema>;

/**
 * Reads the shipped `.ftl` sources. The Fluent runtime keeps parsed patterns only, and the
 * editor must show what the owner would type (`{ $name }`), so the files are read as text:
 * a message starts at `id =` and continues on indented lines.
 */
export function readShippedTexts(locale: Locale, localesDir = LOCALES_DIR): Map<string, { group: string; source: string }> {
  const texts = new Map<string, { group: string; source: string }>();
  let files: string[];
  try {
    files = readdirSync(path.join(localesDir, locale)).filter((file) => file.endsWith('.ftl')).sort();
  } catch {
    return texts;
  }
  for (const file of files) {
    const group = file.replace(/\.ftl$/, '');
    let current: { id: string; lines: string[] } | undefined;
    const flush = () => {
      if (current) texts.set(current.id, { group, source: dedent(current.lines).trim() });
      current = undefined;
    };
    for (const line of readFileSync(path.join(localesDir, locale, file), 'utf8').split('\n')) {
      const start = /^([a-zA-Z][\w-]*)\s*=\s?(.*)$/.exec(line);
      if (start) {
        flush();
        current = { id: start[1] as string, lines: [start[2] ?? ''] };
      } else if (current && (/^\s+\S/.test(line) || line.trim() === '') && !/^\s+\./.test(line)) {
        current.lines.push(line);
      } else if (!/^\s/.test(line)) {
        flush();
      }
    }
    flush();
  }
  return texts;
}

function dedent(lines: string[]): string {
  const [first = '', ...rest] = lines;
  const indents = rest.filter((line) => line.trim() !== '').map((line) => /^\s*/.exec(line)?.[0].length ?? 0);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  const body = rest.map((line) => line.slice(Math.min(cut, line.length)));
  return [first, ...body].join('\n').replace(/^\n+/, '');
}

/** The overrides of one language: the config file's, then the panel's on top. */
async function mergedOverrides(admin: AdminService, config: BusinessConfig, locale: Locale): Promise<Record<string, string>> {
  const stored = (await admin.listTextOverrides()).filter((row) => row.locale === locale);
  return { ...(config.texts[locale] ?? {}), ...Object.fromEntries(stored.map((row) => [row.message_id, row.text])) };
}

/** Applies the panel's stored text overrides on top of the config file's, at start-up. */
export async function applyTextOverrides(deps: { admin: AdminService; i18n: Translator; config: BusinessConfig; logger: Logger }): Promise<void> {
  for (const locale of SUPPORTED_LOCALES) {
    const problems = deps.i18n.setOverrides(locale, await mergedOverrides(deps.admin, deps.config, locale));
    // A stored text that no longer parses must not stop the bot: the shipped text is used.
    if (problems.length > 0) deps.logger.warn({ locale, problems }, 'some text overrides from the admin panel were ignored');
  }
}

/**
 * Writes settings into the live config object in place: modules that kept a reference to
 * `config.business.support` at setup see the change without a restart.
 */
function writeBusinessSettings(config: BusinessConfig, settings: BusinessSettings): void {
  config.business.name = settings.name;
  const support = config.business.support as Record<string, string | undefined>;
  for (const key of ['username', 'phone', 'email', 'hours'] as const) {
    const value = settings.support[key];
    if (value === undefined || value === '') delete support[key];
    else support[key] = value;
  }
}

/** The time zone section's value. */
export const timeZoneSettingsSchema = z.object({ timeZone: timeZoneSchema });

/** The phone country section's value; null when typed numbers must carry their country code. */
export const phoneCountrySettingsSchema = z.object({ defaultCountry: countryCodeSchema.nullable() });

/**
 * The business's own live settings: name and contacts, opening hours, time zone, the country
 * of customers' phone numbers. Each is written into `config.business` in place, where every
 * module reads it at use time. The config file's values are copied first: they are what a
 * reset goes back to.
 */
export function businessSections(config: BusinessConfig): LiveSettingsSection[] {
  const original = structuredClone(config.business);
  const business: LiveSettingsSection<BusinessSettings> = {
    key: 'business',
    summary: 'the business name and support contacts',
    schema: businessSettingsSchema,
    fallback: () => ({ name: original.name, support: { ...original.support } }),
    apply: (value) => writeBusinessSettings(config, value),
  };
  const hours: LiveSettingsSection<BusinessHours> = {
    key: 'hours',
    summary: 'the opening hours: a weekly schedule in the business time zone and a note',
    schema: businessHoursSchema,
    fallback: () => structuredClone(original.hours ?? {}),
    apply: (value) => {
      config.business.hours = structuredClone(value);
    },
  };
  const timeZone: LiveSettingsSection<{ timeZone: string }> = {
    key: 'time-zone',
    summary: 'the business time zone (an IANA name such as Asia/Almaty)',
    schema: timeZoneSettingsSchema,
    fallback: () => ({ timeZone: original.timeZone }),
    apply: (value) => {
      config.business.timeZone = value.timeZone;
    },
  };
  const phoneCountry: LiveSettingsSection<{ defaultCountry: CountryCode | null }> = {
    key: 'phone-country',
    summary: 'the country whose phone numbers customers may type without the country code (ISO 3166 alpha-2, or null)',
    schema: phoneCountrySettingsSchema,
    fallback: () => ({ defaultCountry: original.defaultCountry ?? null }),
    apply: (value) => {
      if (value.defaultCountry) config.business.defaultCountry = value.defaultCountry;
      else delete config.business.defaultCountry;
    },
  };
  return [business, hours, timeZone, phoneCountry];
}

/** Bot texts and business settings the owner edits in the panel. */
export function createContentService(deps: { admin: AdminService; i18n: Translator; config: BusinessConfig; now(): number }) {
  return {
    /** Every shipped message of a language with the override, if any. */
    async texts(locale: Locale): Promise<TextEntry[]> {
      const shipped = readShippedTexts(locale);
      const overrides = await mergedOverrides(deps.admin, deps.config, locale);
      return [...shipped.entries()]
        .map(([id, entry]) => ({ id, group: entry.group, source: entry.source, override: overrides[id] ?? null }))
        .sort((a, b) => a.group.localeCompare(b.group) || a.id.localeCompare(b.id));
    },

    /** Stores and applies an override; a text Fluent cannot parse is refused and nothing changes. */
    async setText(locale: Locale, id: string, text: string, staffId: number): Promise<void> {
      if (!readShippedTexts(locale).has(id) && !deps.i18n.has(locale, id)) throw new AdminError('admin.not_found', `There is no bot text called ${id}.`);
      const before = await mergedOverrides(deps.admin, deps.config, locale);
      const problems = deps.i18n.setOverrides(locale, { ...before, [id]: text });
      if (problems.length > 0) {
        deps.i18n.setOverrides(locale, before);
        throw new AdminError('admin.invalid_input', `This text cannot be used: ${problems.join('; ')}`);
      }
      await deps.admin.upsertTextOverride(locale, id, text, staffId, deps.now());
    },

    /** Removes the panel's override; the config file's or the shipped text applies again. */
    async resetText(locale: Locale, id: string): Promise<boolean> {
      const removed = await deps.admin.deleteTextOverride(locale, id);
      deps.i18n.setOverrides(locale, await mergedOverrides(deps.admin, deps.config, locale));
      return removed;
    },

    /** The business settings in effect. */
    businessSettings(): BusinessSettings & { timeZone: string; currency: string; defaultLocale: Locale; locales: Locale[] } {
      const business = deps.config.business;
      return {
        name: business.name,
        support: { ...business.support },
        timeZone: business.timeZone,
        currency: business.currency,
        defaultLocale: business.defaultLocale,
        locales: [...business.locales],
      };
    },
  };
}

/** The content service's shape. */
export type ContentService = ReturnType<typeof createContentService>;
