import { loadBusinessConfig, type BusinessConfig } from '../../src/config/business.ts';
import { parseEnv } from '../../src/config/env.ts';
import { createDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import type { ModuleServices } from '../../src/modules/module.ts';
import { discoverModules, migrationGroups, selectModules, setupModules, type ActiveModule } from '../../src/modules/registry.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { iinCheckDigit } from '../../src/modules/patients/iin.ts';
import { createTranslator, type Translator } from '../../src/telegram/i18n.ts';
import type { TestDatabase } from './services.ts';
import type { Events } from '../../src/platform/events.ts';

/** A test clock that only moves when told to. */
export interface ClinicClock {
  now(): number;
  set(ms: number): void;
  advance(ms: number): void;
}

/** A clock starting at `startMs` (default: Monday 9 March 2026, 08:00 in Almaty). */
export function clinicClock(startMs = Date.parse('2026-03-09T03:00:00Z')): ClinicClock {
  let current = startMs;
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/** The clinic preset's modules set up on a migrated database, without a bot or HTTP server. */
export interface ClinicServices {
  database: DatabaseHandle;
  config: BusinessConfig;
  i18n: Translator;
  services: Required<Pick<ModuleServices, 'users' | 'patients' | 'booking' | 'documents' | 'feedback' | 'tickets'>> & Partial<ModuleServices>;
  modules: ActiveModule[];
  /** Registers a user and a patient with a valid IIN derived from `userId`. */
  addPatient(userId: number, options?: { locale?: 'ru' | 'kk' | 'en'; name?: string }): Promise<void>;
  /** Closes the database and sets everything up again on it, as a restarted process would. */
  restart(): Promise<ClinicServices>;
  close(): Promise<void>;
}

/**
 * A valid IIN and the matching date of birth for a test user: the date (from 1 January 1990)
 * and the serial are derived from `userId`, so different users never share an IIN.
 */
export function testIdentity(userId: number): { iin: string; birthDate: string } {
  const date = new Date(Date.UTC(1990, 0, 1 + (userId % 7000)));
  const yymmdd = date.toISOString().slice(2, 10).replaceAll('-', '');
  for (let serial = Math.floor(userId / 7000) % 10_000; ; serial = (serial + 1234) % 10_000) {
    const first11 = `${yymmdd}3${String(serial).padStart(4, '0')}`;
    const check = iinCheckDigit(first11);
    if (check !== undefined) {
      return { iin: `${first11}${check}`, birthDate: `${date.toISOString().slice(8, 10)}.${date.toISOString().slice(5, 7)}.${date.getUTCFullYear()}` };
    }
  }
}

/**
 * Migrates `target` and sets up the clinic preset's modules exactly as Lavka does (demo data
 * seeded), so service tests exercise the real wiring: the booking hooks of documents and
 * feedback, the payment purpose, the reminder job handler.
 */
export async function startClinicServices(
  target: TestDatabase,
  options: { now?: () => number; adminIds?: number[]; settings?: Record<string, unknown>; seed?: boolean; events?: Events } = {},
): Promise<ClinicServices> {
  const loaded = await loadBusinessConfig({ preset: 'clinic' });
  const config: BusinessConfig = { ...loaded, settings: { ...loaded.settings, ...options.settings } };
  const env = parseEnv({ DATABASE_URL: target.url, ADMIN_IDS: (options.adminIds ?? [7000]).join(','), LOG_LEVEL: 'silent' });
  const database = await createDatabase({ url: target.url });
  const all = await discoverModules();
  await migrate(database, migrationGroups(all));
  const i18n = createTranslator({ defaultLocale: config.business.defaultLocale });
  const now = options.now ?? Date.now;
  const { active, services } = await setupModules(selectModules(all, config), { env, config, database, logger: silentLogger(), i18n, now, ...(options.events ? { events: options.events } : {}) });
  if (options.seed !== false) {
    for (const item of active) {
      const data = config.demo[item.name];
      if (item.instance.seedDemo && data !== undefined) await item.instance.seedDemo(data);
    }
  }
  const required = services as ClinicServices['services'];
  return {
    database,
    config,
    i18n,
    services: required,
    modules: active,
    async addPatient(userId, patientOptions = {}) {
      await required.users.register({ id: userId, first_name: `Patient ${userId}`, language_code: patientOptions.locale ?? 'ru' });
      await required.patients.register(userId, {
        fullName: patientOptions.name ?? `Тестов ${String(userId).replace(/\d/g, (digit) => 'абвгдежзик'[Number(digit)] as string)}`,
        phone: `+7701${String(userId).padStart(7, '0')}`,
        ...testIdentity(userId),
      });
    },
    async restart() {
      await database.close();
      return startClinicServices(target, { ...options, seed: false });
    },
    async close() {
      await database.close();
      await target.drop();
    },
  };
}
