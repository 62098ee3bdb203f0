// The clinic's booking routes of the Mini App's API over real HTTP, as the app in a patient's
// Telegram calls them: launch data signed by the simulated Telegram, the same booking service
// as the bot (its window, the clinic's time zone, the registered patient, double booking refused
// by the database), forged initData refused before anything runs, and the same calls on top of
// the clinic's ERP, which then keeps the visit.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatClockTime } from '../../src/modules/booking/booking.messages.ts';
import { signWebAppInitData } from '../../src/sim/web-app.ts';
import type { DemoErp } from '../../src/sim/clinic-erp/index.ts';
import type { SimUser } from '../../src/sim/index.ts';
import { testIdentity } from '../support/clinic.ts';
import { registerInRussian, startClinicOnErp, type ClinicOnErp } from '../support/clinic-erp.ts';
import { startTestLavka, TEST_BOT_TOKEN, type TestLavka } from '../support/harness.ts';
import { testDialects } from '../support/services.ts';
import { textOf, waitText } from '../support/chat.ts';

const PATIENT = 8711;
const OTHER = 8712;

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers read field by field in assertions
  body: any;
}

/** Calls the Mini App's API of `lavka` with `initData` (none: no Authorization header). */
async function call(lavka: TestLavka, method: string, url: string, initData: string | undefined, body?: unknown): Promise<Answer> {
  const response = await fetch(`${lavka.app.url}/api/miniapp${url}`, {
    method,
    headers: { ...(initData === undefined ? {} : { authorization: `tma ${initData}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Branch, service and doctor of the first choice the app offers, and the first free day's times. */
async function firstChoice(lavka: TestLavka, initData: string) {
  const start = await call(lavka, 'GET', '/booking/start', initData);
  assert.equal(start.status, 200);
  const branchId: number = start.body.branches[0].id;
  const services = await call(lavka, 'GET', `/booking/branches/${branchId}/services`, initData);
  const serviceId: number = services.body.services[0].id;
  const doctors = await call(lavka, 'GET', `/booking/doctors?branch_id=${branchId}&service_id=${serviceId}`, initData);
  const doctorId: number = doctors.body.doctors[0].id;
  const query = `branch_id=${branchId}&service_id=${serviceId}&doctor_id=${doctorId}`;
  const calendar = await call(lavka, 'GET', `/booking/calendar?${query}`, initData);
  assert.equal(calendar.status, 200);
  const date: string = calendar.body.dates[0];
  assert.ok(date, 'a free day in the first month shown');
  const slots = await call(lavka, 'GET', `/booking/slots?${query}&date=${date}`, initData);
  assert.equal(slots.status, 200);
  return { branchId, serviceId, doctorId, query, calendar: calendar.body, date, slots: slots.body.slots as { starts_at: number; time: string }[] };
}

for (const dialect of await testDialects()) {
  describe(`the Mini App's booking calendar: the clinic's rules behind checked initData (${dialect.name})`, () => {
    let lavka: TestLavka;
    let patient: SimUser;
    let initData: string;
    const appointmentsOf = (userId: number) => lavka.app.database.db.selectFrom('booking_appointments').selectAll().where('patient_id', '=', userId).execute();

    before(async () => {
      lavka = await startTestLavka({ preset: 'clinic', database: await dialect.create(), env: { PUBLIC_URL: 'https://clinic.example' } });
      patient = lavka.sim.user({ id: PATIENT, first_name: 'Aigerim', language_code: 'ru', phone_number: '+77011234567', hasStartedBot: true });
      initData = signWebAppInitData(TEST_BOT_TOKEN, patient.profile, Math.floor(Date.now() / 1000));
    });
    after(async () => {
      await lavka?.stop();
    });

    test('the clinic offers the booking app: its menu button and the session’s one section', async () => {
      const menu = await lavka.app.bot.api.getChatMenuButton();
      assert.deepEqual(menu, { type: 'web_app', text: 'Жазылу', web_app: { url: 'https://clinic.example/app/' } });
      const session = await call(lavka, 'GET', '/app/session', initData);
      assert.deepEqual(session.body.sections, ['booking']);
    });

    test('forged, foreign and missing initData get 401 on every booking route and book nothing', async () => {
      const forged = new URLSearchParams(initData);
      forged.set('user', JSON.stringify({ id: OTHER, first_name: 'Mallory' }));
      const foreign = signWebAppInitData('999999:ANOTHER-BOT', patient.profile, Math.floor(Date.now() / 1000));
      const routes: [string, string, unknown?][] = [
        ['GET', '/booking/start'],
        ['POST', '/booking/registration'],
        ['GET', '/booking/branches/1/services'],
        ['GET', '/booking/doctors?branch_id=1&service_id=1'],
        ['GET', '/booking/calendar?branch_id=1&service_id=1'],
        ['GET', '/booking/slots?branch_id=1&service_id=1&date=2030-01-01'],
        ['POST', '/booking/appointments', { branch_id: 1, service_id: 1, starts_at: Date.now() + 86_400_000 }],
      ];
      for (const [method, url, body] of routes) {
        for (const [name, auth, code] of [
          ['forged', forged.toString(), 'miniapp.init_data_invalid'],
          ['another bot', foreign, 'miniapp.init_data_invalid'],
          ['missing', undefined, 'miniapp.unauthenticated'],
        ] as const) {
          const answer = await call(lavka, method, url, auth, body);
          assert.equal(answer.status, 401, `${name} ${method} ${url}`);
          assert.equal(answer.body.error.code, code, `${name} ${method} ${url}`);
        }
      }
      assert.deepEqual(await appointmentsOf(OTHER), []);
      assert.equal(await lavka.app.services.users?.get(OTHER), undefined, 'the forged user was never registered');
    });

    test('a user who has not registered is told so, and the chat gets the registration button', async () => {
      const start = await call(lavka, 'GET', '/booking/start', initData);
      assert.equal(start.body.registered, false);
      assert.ok(start.body.branches.length > 0);
      const { branchId, serviceId, slots } = await firstChoice(lavka, initData);
      const refused = await call(lavka, 'POST', '/booking/appointments', initData, { branch_id: branchId, service_id: serviceId, starts_at: slots[0]!.starts_at });
      assert.equal(refused.status, 422);
      assert.equal(refused.body.error.code, 'booking.not_registered');
      assert.equal((await call(lavka, 'POST', '/booking/registration', initData)).body.sent, true);
      const prompt = await waitText(patient, 'зарегистрируйтесь');
      assert.ok(prompt.reply_markup && JSON.stringify(prompt.reply_markup).includes('Зарегистрироваться'));
      assert.deepEqual(await appointmentsOf(PATIENT), []);
    });

    test('a patient books a free time in the clinic’s zone; the same time again is refused with the nearest free ones', async () => {
      await lavka.app.services.patients!.register(PATIENT, { fullName: 'Сапарова Айгерим', phone: '+77011234567', ...testIdentity(PATIENT) });
      await lavka.app.services.patients!.register(OTHER, { fullName: 'Омаров Бекзат', phone: '+77017654321', ...testIdentity(OTHER) });
      const choice = await firstChoice(lavka, initData);
      const window = lavka.app.services.booking!.bookingWindow();
      assert.ok(choice.date >= window.firstDate && choice.date <= window.lastDate, 'the day is within the booking window');
      assert.equal(choice.calendar.days.length >= 28, true);
      assert.equal(choice.calendar.previous_month, null, 'nothing before the window');
      const slot = choice.slots[0]!;
      assert.equal(slot.time, formatClockTime(slot.starts_at, 'ru', 'Asia/Almaty'), 'the time in the clinic’s zone');
      assert.ok(slot.starts_at >= Date.now() + 60 * 60_000, 'no time inside the minimum lead');

      const booked = await call(lavka, 'POST', '/booking/appointments', initData, { branch_id: choice.branchId, service_id: choice.serviceId, doctor_id: choice.doctorId, starts_at: slot.starts_at });
      assert.equal(booked.status, 201, JSON.stringify(booked.body));
      assert.match(booked.body.appointment.details, /№\d+/);
      const [visit] = await appointmentsOf(PATIENT);
      assert.equal(visit?.starts_at, slot.starts_at);
      assert.equal(visit?.locale, 'ru');
      await waitText(patient, 'Вы записаны');

      const otherInit = signWebAppInitData(TEST_BOT_TOKEN, lavka.sim.user({ id: OTHER, first_name: 'Bekzat', language_code: 'en', hasStartedBot: true }).profile, Math.floor(Date.now() / 1000));
      const taken = await call(lavka, 'POST', '/booking/appointments', otherInit, { branch_id: choice.branchId, service_id: choice.serviceId, doctor_id: choice.doctorId, starts_at: slot.starts_at });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.error.code, 'booking.slot_taken');
      assert.ok(taken.body.error.details.alternatives.length > 0);
      assert.ok(taken.body.error.details.alternatives.every((item: { starts_at: number; time: string; day: string }) => item.starts_at !== slot.starts_at && item.time && item.day));
      assert.deepEqual(await appointmentsOf(OTHER), []);
      const after = await call(lavka, 'GET', `/booking/slots?${choice.query}&date=${choice.date}`, initData);
      assert.ok(!after.body.slots.some((item: { starts_at: number }) => item.starts_at === slot.starts_at), 'the taken time is no longer offered');

      // The bot lists the visit booked in the app.
      await patient.send('/appointments');
      const list = await waitText(patient, 'предстоящие');
      assert.ok(JSON.stringify(list.reply_markup).includes(`bk:a:${visit!.id}`), textOf(list));
    });

    test('bad input is a clear 4xx and books nothing', async () => {
      const before = (await appointmentsOf(PATIENT)).length;
      const cases: [string, string, unknown, number, string][] = [
        ['GET', '/booking/calendar?branch_id=1&service_id=1&month=2030-13', undefined, 400, 'miniapp.invalid_request'],
        ['GET', '/booking/slots?branch_id=1&service_id=1&date=tomorrow', undefined, 400, 'miniapp.invalid_request'],
        ['GET', '/booking/calendar?branch_id=1&service_id=1&doctor_id=999999', undefined, 404, 'booking.unknown_doctor'],
        ['GET', '/booking/branches/999999/services', undefined, 404, 'booking.unknown_branch'],
        ['POST', '/booking/appointments', { branch_id: 1, service_id: 1, starts_at: 'soon' }, 400, 'miniapp.invalid_request'],
        ['POST', '/booking/appointments', { branch_id: 1, service_id: 1, starts_at: Date.UTC(2020, 0, 1, 5) }, 422, 'booking.slot_unavailable'],
      ];
      for (const [method, url, body, status, code] of cases) {
        const answer = await call(lavka, method, url, initData, body);
        assert.equal(answer.status, status, `${method} ${url}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error.code, code, `${method} ${url}`);
        assert.ok(answer.body.error.message);
      }
      assert.equal((await appointmentsOf(PATIENT)).length, before);
    });
  });
}

describe('the Mini App’s booking calendar on top of the clinic’s ERP', () => {
  let clinic: ClinicOnErp;
  let erp: DemoErp;
  let lavka: TestLavka;
  let patient: SimUser;
  let initData: string;

  before(async () => {
    const [dialect] = await testDialects();
    clinic = await startClinicOnErp({ database: await dialect!.create(), token: 'clinic-erp-miniapp-token-0123456789', adminIds: [] });
    ({ erp, lavka } = clinic);
    patient = lavka.sim.user({ id: PATIENT, first_name: 'Patient', language_code: 'ru', phone_number: '+77015558711' });
    initData = signWebAppInitData(TEST_BOT_TOKEN, patient.profile, Math.floor(Date.now() / 1000));
  });
  after(async () => {
    await clinic?.stop();
  });

  test('the ERP’s free times are offered, the visit is kept there, and a time taken at its front desk is refused', async () => {
    await registerInRussian(patient, 'Сапарова Айгерим Болатовна', testIdentity(PATIENT));
    const choice = await firstChoice(lavka, initData);
    assert.ok(choice.slots.length >= 2);
    const [first, second] = choice.slots as [{ starts_at: number; time: string }, { starts_at: number; time: string }];
    const booked = await call(lavka, 'POST', '/booking/appointments', initData, { branch_id: choice.branchId, service_id: choice.serviceId, doctor_id: choice.doctorId, starts_at: first.starts_at });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const inErp = erp.control.appointments().filter((item) => item.telegram_user_id === PATIENT);
    assert.equal(inErp.length, 1);
    assert.equal(inErp[0]!.time, first.time);

    // The front desk takes the next time in the ERP while the app still shows it.
    const doctorInErp = Number((await lavka.app.services.booking!.getDoctor(choice.doctorId))!.external_id);
    const serviceInErp = Number((await lavka.app.services.booking!.getService(choice.serviceId))!.external_id);
    erp.control.takeAtDesk(doctorInErp, choice.date, second.time, serviceInErp);
    const refused = await call(lavka, 'POST', '/booking/appointments', initData, { branch_id: choice.branchId, service_id: choice.serviceId, doctor_id: choice.doctorId, starts_at: second.starts_at });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'booking.slot_taken');
    assert.equal(erp.control.appointments().filter((item) => item.telegram_user_id === PATIENT).length, 1, 'nothing more booked in the ERP');
  });
});
