import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { businessHoursSchema } from './business-hours.ts';
import { ConfigError } from './env.ts';
import { countryCodeSchema } from './phone.ts';

/** Languages Lavka ships texts for. */
export const SUPPORTED_LOCALES = ['ru', 'en', 'kk'] as const;
/** One of the languages Lavka ships texts for. */
export type Locale = (typeof SUPPORTED_LOCALES)[number];

/** `value` when it is a supported language code, else `fallback` (stored or typed codes). */
export function localeOr(value: string | null | undefined, fallback: Locale): Locale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value ?? '') ? (value as Locale) : fallback;
}

const localeSchema = z.enum(SUPPORTED_LOCALES);

/** A main-menu entry: a module's action shown as a button on the start screen. */
const menuItemSchema = z.object({
  /** Callback action, `<module>:<action>`, e.g. `faq:list`. */
  action: z.string().regex(/^[a-z0-9_-]+:[a-z0-9_:]+$/, 'expected <module>:<action>'),
  /** Fluent message id of the button label. */
  label: z.string().min(1),
});

/** An IANA time zone name such as `Asia/Almaty`; the config file's and the admin panel's rule. */
export const timeZoneSchema = z.string().trim().refine(isTimeZone, 'expected an IANA time zone such as Asia/Almaty');

/**
 * Flood control of incoming updates, per user: more than `updates` within `perSeconds` and
 * the user is asked once to slow down, then ignored for `muteSeconds`. Staff and payments are
 * never limited. The defaults let a person tap and type as fast as people do.
 */
export const floodControlSchema = z.object({
  enabled: z.boolean().default(true),
  updates: z.number().int().min(1).max(1000).default(30),
  perSeconds: z.number().int().min(1).max(3600).default(10),
  muteSeconds: z.number().int().min(1).max(86_400).default(60),
});

/** Validated flood-control settings. */
export type FloodControlSettings = z.infer<typeof floodControlSchema>;

/**
 * The business configuration: what a preset ships and what an owner's `LAVKA_CONFIG` file
 * overrides. Module sections are checked by each module's own schema.
 */
export const businessConfigSchema = z.object({
  business: z
    .object({
      name: z.string().min(1).max(64).default('Lavka'),
      timeZone: timeZoneSchema.default('UTC'),
      currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as KZT').default('USD'),
      /**
       * Where customers' phone numbers are read as national ones (`8 701 …` in KZ); without
       * it a typed number must carry its country code.
       */
      defaultCountry: countryCodeSchema.optional(),
      defaultLocale: localeSchema.default('en'),
      locales: z.array(localeSchema).min(1).default(['ru', 'en', 'kk']),
      support: z
        .object({
          username: z.string().regex(/^@?\w{5,32}$/).optional(),
          phone: z.string().max(32).optional(),
          email: z.email().optional(),
          /** Free text; read as the note of `hours` when that has none. */
          hours: z.string().max(120).optional(),
        })
        .default({}),
      /** Opening hours: a weekly schedule in `timeZone` and a note. */
      hours: businessHoursSchema.optional(),
    })
    .default({ name: 'Lavka', timeZone: 'UTC', currency: 'USD', defaultLocale: 'en', locales: ['ru', 'en', 'kk'], support: {} }),
  /** Modules the deployment enables, in the order their menu entries appear. */
  modules: z.array(z.string().regex(/^[a-z0-9-]+$/)).min(1),
  menu: z.array(menuItemSchema).default([]),
  /** Staff group chats that receive alerts and new orders. */
  adminChatIds: z.array(z.number().int()).default([]),
  floodControl: floodControlSchema.default({ enabled: true, updates: 30, perSeconds: 10, muteSeconds: 60 }),
  /** Per-language overrides of Fluent messages: `{ ru: { 'start-welcome': '…' } }`. */
  texts: z.partialRecord(localeSchema, z.record(z.string(), z.string())).default({}),
  /**
   * Calls Lavka makes to other systems (webhooks, connectors, feeds). Private and loopback
   * addresses are refused unless listed here (an ERP on the office network: `10.0.0.12`,
   * `192.168.1.0/24`, `erp.office.lan`), so that a URL typed into the panel cannot make Lavka
   * reach into its own network.
   */
  outgoing: z
    .object({
      allowPrivate: z
        .array(
          z
            .string()
            .trim()
            .min(1)
            .max(253)
            .refine((rule) => (rule.includes('/') ? ipaddr.isValidCIDR(rule) : ipaddr.isValid(rule) || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(rule)), {
              message: 'expected an address (10.0.0.12), a range (10.0.0.0/8) or a host name (erp.office.lan)',
            }),
        )
        .max(100)
        .default([]),
    })
    .default({ allowPrivate: [] }),
  /**
   * The business's own systems that Lavka works with as part of its store, one section per
   * connector (`orders`: the order back end; `clinic`: the clinic's ERP), each checked by the
   * module that owns it. An unknown name is refused rather than silently ignored.
   */
  connectors: z.object({ orders: z.unknown().optional(), clinic: z.unknown().optional() }).strict().default({}),
  /** Module-specific sections, keyed by module name; validated by the module. */
  settings: z.record(z.string(), z.unknown()).default({}),
  /** Demo data per module, seeded into an empty database when demo data is on. */
  demo: z.record(z.string(), z.unknown()).default({}),
});

/** Validated business configuration. */
export type BusinessConfig = z.infer<typeof businessConfigSchema>;

/** The canonical IANA names ICU knows, read once (a list lookup, not a formatter). */
let canonicalTimeZones: ReadonlySet<string> | undefined;

function isTimeZone(value: string): boolean {
  // Intl also takes bare offsets (`+05:00`), which do not follow daylight saving rules.
  if (!/^[A-Za-z][\w+\-/]*$/.test(value)) return false;
  // A canonical name is one Intl.DateTimeFormat takes. Asked first because the first formatter a
  // process makes loads ICU's locale data (about 20 ms of every start, for the config's zone);
  // an alias (`Europe/Kiev`) or another spelling is still asked of a formatter.
  canonicalTimeZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalTimeZones.has(value)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Where presets live: `presets/<name>/preset.yaml`. */
export const PRESETS_DIR = path.resolve(import.meta.dirname, '../../presets');

/** Lists the presets that ship with Lavka. */
export async function listPresets(presetsDir = PRESETS_DIR): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(presetsDir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/**
 * Loads a preset and deep-merges the owner's config file over it (objects merge, arrays and
 * scalars replace), then validates the result. Errors name the file and every bad field.
 */
export async function loadBusinessConfig(options: {
  preset: string;
  configFile?: string;
  presetsDir?: string;
}): Promise<BusinessConfig> {
  const presetsDir = options.presetsDir ?? PRESETS_DIR;
  const presetFile = path.join(presetsDir, options.preset, 'preset.yaml');
  let merged = await readConfigFile(presetFile).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      const known = await listPresets(presetsDir).catch(() => []);
      throw new ConfigError(`Lavka cannot start: unknown preset "${options.preset}".`, [
        `LAVKA_PRESET: expected one of ${known.join(', ')}`,
      ]);
    }
    throw error;
  });
  if (options.configFile) {
    const override = await readConfigFile(path.resolve(options.configFile));
    merged = deepMerge(merged, override);
  }
  const result = businessConfigSchema.safeParse(merged);
  if (!result.success) {
    const source = options.configFile ? `${presetFile} + ${options.configFile}` : presetFile;
    throw new ConfigError(
      `Lavka cannot start: the business configuration (${source}) is invalid.`,
      result.error.issues.map((problem) => `${problem.path.join('.') || '(root)'}: ${problem.message}`),
    );
  }
  return result.data;
}

async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8');
  let value: unknown;
  try {
    // YAML 1.2's core types only: a date stays the text it was written as, as in JSON.
    value = file.endsWith('.json') ? JSON.parse(text) : loadYaml(text, { schema: CORE_SCHEMA, filename: file });
  } catch (error) {
    throw new ConfigError(`Lavka cannot start: ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}.`, [
      (error as Error).message,
    ]);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`Lavka cannot start: ${file} must contain an object at the top level.`, []);
  }
  return value as Record<string, unknown>;
}

/** Objects merge key by key; anything else in `override` replaces what `base` had. */
export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] =
      isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
