/**
 * The clinic on top of the reference ERP, as the end-to-end tests start it: the ERP on a
 * loopback port, a config file pointing `connectors.clinic` at it, Lavka on a test database,
 * and the directory synced before the first test. Also the registration dialogue in Russian.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadBusinessConfig } from '../../src/config/business.ts';
import { startDemoErp, type DemoErp, type DemoErpServerOptions } from '../../src/sim/clinic-erp/index.ts';
import type { SimUser } from '../../src/sim/index.ts';
import { press, waitText } from './clinic-chat.ts';
import { startTestLavka, type TestLavka } from './harness.ts';
import type { TestDatabase } from './services.ts';

export const ALMATY = 'Asia/Almaty';

/** Waits until `condition` holds, polling. */
export async function eventually(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A running clinic on the reference ERP. */
export interface ClinicOnErp {
  erp: DemoErp;
  lavka: TestLavka;
  /** Lavka's id of a branch, service or doctor the ERP knows by `externalId`. */
  localId(table: 'booking_branches' | 'booking_services' | 'booking_doctors', externalId: number | string): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the reference ERP and Lavka's clinic connected to it. */
export async function startClinicOnErp(options: {
  database: TestDatabase;
  token: string;
  adminIds: number[];
  /** Lines under `connectors.clinic` besides its url (indented by the caller's YAML: four spaces). */
  connector?: string[];
  erp?: Pick<DemoErpServerOptions, 'fields' | 'paths'>;
  env?: Record<string, string>;
  now?: () => number;
}): Promise<ClinicOnErp> {
  const clinic = await loadBusinessConfig({ preset: 'clinic' });
  const erp = await startDemoErp({ directory: clinic.demo.booking, timeZone: ALMATY, currency: 'KZT', token: options.token, ...options.erp });
  const configDir = mkdtempSync(path.join(tmpdir(), 'lavka-clinic-erp-'));
  const configFile = path.join(configDir, 'config.yaml');
  writeFileSync(
    configFile,
    ['outgoing:', "  allowPrivate: ['127.0.0.1']", 'connectors:', '  clinic:', `    url: ${erp.url}`, '    pollSeconds: 3600', '    syncMinutes: 1440', ...(options.connector ?? []).map((line) => `    ${line}`), ''].join('\n'),
  );
  const lavka = await startTestLavka({
    preset: 'clinic',
    adminIds: options.adminIds,
    database: options.database,
    ...(options.now ? { now: options.now } : {}),
    env: { LAVKA_CONFIG: configFile, CLINIC_ERP_TOKEN: options.token, ...options.env },
  });
  const db = lavka.app.database.db;
  await eventually(async () => (await db.selectFrom('booking_doctors').select('id').where('external_id', 'is not', null).execute()).length === erp.control.doctors().length, 'the directory sync');
  return {
    erp,
    lavka,
    localId: async (table, externalId) => Number((await db.selectFrom(table).select('id').where('external_id', '=', String(externalId)).executeTakeFirstOrThrow()).id),
    async stop() {
      await lavka.stop();
      await erp.close();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** A patient registers through the booking button, in Russian. */
export async function registerInRussian(patient: SimUser, fullName: string, identity: { birthDate: string; iin: string }): Promise<void> {
  await patient.send('/book');
  await waitText(patient, 'сначала зарегистрируйтесь');
  await press(patient, '📝 Зарегистрироваться');
  await waitText(patient, 'Напишите ФИО полностью');
  await patient.send(fullName);
  await waitText(patient, 'Поделитесь номером телефона');
  await patient.pressReplyButton('📱 Поделиться номером');
  await waitText(patient, 'Дата рождения в формате');
  await patient.send(identity.birthDate);
  await waitText(patient, 'Ваш ИИН');
  await patient.send(identity.iin);
  await waitText(patient, '✅ Вы зарегистрированы.');
}
