// The clinic's booking calendar in the Mini App, in a real browser inside the sandbox's chat page
// (the app in an iframe of a phone-sized panel, launch data signed by the simulated Telegram,
// Telegram's MainButton drawn by the page). A visitor who has not registered is sent to the
// chat to do it; a registered patient picks a branch, a service, a doctor, a day of the month
// and a time; a time taken meanwhile is refused with a clear message, another one is booked,
// and the bot lists the visit in /appointments. Screenshots land in test-artifacts/.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { startLavka, type LavkaApp } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { SANDBOX_CUSTOMER_ID } from '../../src/http/sandbox.routes.ts';
import { formatClockTime, formatVisitTime } from '../../src/modules/booking/booking.messages.ts';
import { pickLocalised } from '../../src/modules/booking/booking.settings.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { testIdentity } from '../support/clinic.ts';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, prepareMiniAppBrowser } from '../support/miniapp-page.ts';

/** Another patient, who takes a time while the sandbox's patient is choosing it. */
const OTHER_PATIENT = 8801;

const skip = prepareMiniAppBrowser();

describe('the clinic’s booking calendar in the Mini App, in Chromium', { skip }, () => {
  let app: LavkaApp;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let clinic: FrameLocator;

  const mainButton = () => page.locator('.miniapp-main-button');
  const chat = () => page.getByRole('log', { name: 'Messages' });
  const panel = () => page.getByRole('dialog', { name: /Mini App/ });
  const openApp = async () => {
    // The business's language is Kazakh, as is the sandbox's patient.
    await page.getByRole('button', { name: '📅 Онлайн жазылу' }).click();
    await panel().waitFor();
    clinic = page.frameLocator('iframe.miniapp-frame');
  };

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'lavka-miniapp-booking-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const env = parseEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dataDir, 'lavka.db')}`, LOG_LEVEL: 'silent', LAVKA_PRESET: 'clinic' });
    app = await startLavka({ env, logger: silentLogger(), sandbox: { rateLimits: false } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light', locale: 'kk-KZ', timezoneId: 'Europe/Berlin' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('the clinic’s menu button opens the booking app', async () => {
    const menu = await app.bot.api.getChatMenuButton();
    assert.deepEqual(menu, { type: 'web_app', text: 'Жазылу', web_app: { url: `${app.url}/app/` } });
  });

  test('a visitor who has not registered is sent to the chat, where the registration button waits', async () => {
    await page.goto(`${app.url}/sandbox`);
    await page.getByRole('button', { name: 'START' }).last().click();
    await chat().getByRole('button').first().waitFor();
    await openApp();
    await clinic.getByRole('heading', { name: 'Алдымен тіркеліңіз' }).waitFor();
    await clinic.getByRole('button', { name: 'Чатта тіркелу' }).click();
    // The app closes itself; the chat has the bot's prompt with the button that starts registration.
    await panel().waitFor({ state: 'hidden' });
    await chat().getByText(/алдымен тіркеліңіз/).waitFor();
    await chat().getByRole('button', { name: '📝 Тіркелу' }).last().waitFor();
    assert.equal(await app.services.booking!.listForPatient(SANDBOX_CUSTOMER_ID, 'upcoming', 10).then((list) => list.length), 0);
  });

  test('a registered patient books a time; a time taken meanwhile is refused with a clear message', async () => {
    const patients = app.services.patients!;
    await patients.register(SANDBOX_CUSTOMER_ID, { fullName: 'Айгерім Сапарова', phone: '+77011234567', ...testIdentity(SANDBOX_CUSTOMER_ID) });
    await patients.register(OTHER_PATIENT, { fullName: 'Бекзат Омаров', phone: '+77017654321', ...testIdentity(OTHER_PATIENT) });
    const booking = app.services.booking!;
    const [branch] = await booking.listBranches();
    const [service] = await booking.servicesAtBranch(branch!.id);
    const [doctor] = await booking.listDoctors({ branchId: branch!.id, serviceId: service!.id });

    await openApp();
    await clinic.getByRole('heading', { name: 'Қабылдауға жазылу' }).waitFor();
    await clinic.getByRole('group', { name: 'Филиал' }).getByRole('button').first().click();
    await clinic.getByRole('group', { name: 'Қызмет' }).getByRole('button').first().click();
    await clinic.getByRole('group', { name: 'Дәрігер' }).getByRole('button', { name: new RegExp(escape(pickLocalised(doctor!.name, 'kk'))) }).click();
    // Days without a free time are greyed out; the first free one opens its times.
    const firstFree = clinic.getByRole('gridcell').and(clinic.locator(':enabled')).first();
    await firstFree.click();
    const times = clinic.getByRole('group', { name: 'Уақыт' }).getByRole('button');
    await times.first().waitFor();
    assert.ok((await times.count()) >= 2, 'the day has at least two free times');
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(await clinic.locator('html').evaluate((html) => html.scrollWidth > html.clientWidth + 1), false, 'the calendar fits a phone');
    await panel().screenshot({ path: path.join(ARTIFACTS, 'miniapp-booking.png') });
    await page.setViewportSize({ width: 1280, height: 860 });

    // Meanwhile another patient takes the first time of that doctor on that day (in the bot, say).
    // The first free day is the doctor's earliest free time; the first time shown is that one.
    const shownFirst = (await times.first().innerText()).trim();
    const window = booking.bookingWindow();
    const [taken] = await booking.freeSlots({ branchId: branch!.id, serviceId: service!.id, doctorId: doctor!.id, fromDate: window.firstDate, toDate: window.lastDate });
    assert.equal(formatClockTime(taken!.startMs, 'kk', app.config.business.timeZone), shownFirst, 'times are shown in the clinic’s time zone');
    await booking.book({ patientId: OTHER_PATIENT, branchId: branch!.id, serviceId: service!.id, doctorId: doctor!.id, startMs: taken!.startMs, locale: 'kk' });

    await times.first().click();
    await mainButton().filter({ hasText: new RegExp(`Жазылу · .*${shownFirst}`) }).click();
    await clinic.getByRole('alert').getByText('Бұл уақытты жаңа ғана біреу алды. Басқасын таңдаңыз.').waitFor();
    // The day's times are read again: the taken one is gone.
    await clinic.getByRole('group', { name: 'Уақыт' }).getByRole('button', { name: shownFirst, exact: true }).waitFor({ state: 'detached' });
    assert.equal((await booking.listForPatient(SANDBOX_CUSTOMER_ID, 'upcoming', 10)).length, 0, 'nothing booked for the refused time');

    const chosen = (await times.first().innerText()).trim();
    await times.first().click();
    await mainButton().filter({ hasText: new RegExp(`Жазылу · .*${chosen}`) }).click();
    await clinic.getByRole('heading', { name: 'Сіз жазылдыңыз!' }).waitFor();
    await panel().screenshot({ path: path.join(ARTIFACTS, 'miniapp-booked.png') });
    const [visit] = await booking.listForPatient(SANDBOX_CUSTOMER_ID, 'upcoming', 10);
    assert.ok(visit);
    assert.equal(visit.doctor_id, doctor!.id);
    assert.ok(formatVisitTime(visit.starts_at, 'kk', app.config.business.timeZone).endsWith(chosen), 'booked at the time shown, in the clinic’s time zone');

    // The bot lists the visit in /appointments, and the chat heard of the booking.
    await page.getByRole('button', { name: 'Close' }).click();
    await chat().getByText(/Сіз қабылдауға жазылдыңыз/).waitFor();
    const field = page.getByRole('combobox', { name: 'Message' });
    await field.fill('/appointments');
    await field.press('Enter');
    await chat().getByRole('button', { name: new RegExp(escape(formatVisitTime(visit.starts_at, 'kk', app.config.business.timeZone))) }).last().waitFor();
  });
});

/** A string matched literally inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
