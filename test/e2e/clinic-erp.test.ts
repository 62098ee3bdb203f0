import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays, localDateOf, localTimeOf } from '../../src/modules/booking/slots.ts';
import type { DemoErp } from '../../src/sim/clinic-erp/index.ts';
import type { SimUser } from '../../src/sim/index.ts';
import { buttonsOf, dayOfButton, press, textOf, waitText } from '../support/clinic-chat.ts';
import { testIdentity } from '../support/clinic.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { testDialects } from '../support/services.ts';
import { ALMATY, eventually, registerInRussian, startClinicOnErp, type ClinicOnErp } from '../support/clinic-erp.ts';

const ADMIN = 9300;
const PATIENT = 8301;
const TOKEN = 'clinic-erp-e2e-token-0123456789';

for (const dialect of await testDialects()) {
  describe(`the clinic on top of its ERP (${dialect.name})`, () => {
    let clinic: ClinicOnErp;
    let erp: DemoErp;
    let lavka: TestLavka;
    let patient: SimUser;
    let admin: SimUser;

    before(async () => {
      // The ERP names doctors "employees", as some back ends do: the config's mapping covers it.
      clinic = await startClinicOnErp({
        database: await dialect.create(),
        token: TOKEN,
        adminIds: [ADMIN],
        erp: { fields: { doctor_id: 'employee_id' } },
        connector: ['organizationId: 1', 'fields: { doctor_id: employee_id }', 'breaker: { failures: 1, pauseSeconds: 1 }'],
      });
      ({ erp, lavka } = clinic);
      patient = lavka.sim.user({ id: PATIENT, first_name: 'Patient', language_code: 'ru', phone_number: '+77015558301' });
      admin = lavka.sim.user({ id: ADMIN, first_name: 'Registrar', language_code: 'kk', hasStartedBot: true });
    });
    after(async () => {
      await clinic?.stop();
    });

    const db = () => lavka.app.database.db;
    const clinicErp = () => lavka.app.services['clinic-erp']!;
    const visits = () => db().selectFrom('booking_appointments').selectAll().where('patient_id', '=', PATIENT).orderBy('id').execute();
    const botTexts = (user: SimUser, part: string) => user.chat().messages.filter((message) => message.from_bot && textOf(message).includes(part)).length;

    /** Branch, service and doctor, then the calendar. */
    async function openCalendar() {
      await patient.send('/book');
      await waitText(patient, 'Выберите филиал');
      await press(patient, '🏥 Филиал в Самале');
      await waitText(patient, 'Выберите услугу');
      await press(patient, (button) => button.text.startsWith('Приём терапевта'));
      await waitText(patient, 'Выберите врача');
      await press(patient, (button) => button.text.startsWith('👩‍⚕️ Сергей Волков'));
      return waitText(patient, 'Выберите день');
    }

    test('the directory comes from the ERP: its branches, services and doctors with their ids, and no demo copy', async () => {
      const branches = await db().selectFrom('booking_branches').select(['external_id', 'title']).execute();
      assert.deepEqual(branches.map((branch) => branch.external_id).sort(), ['1', '2']);
      assert.match(branches[0]!.title, /Достық/);
      const local = await db().selectFrom('booking_doctors').select('id').where('external_id', 'is', null).execute();
      assert.deepEqual(local, [], 'nothing seeded beside the ERP');
    });

    test('registration is written to the ERP first and keeps its patient id', async () => {
      const identity = testIdentity(PATIENT);
      await registerInRussian(patient, 'Сапарова Айгерим Болатовна', identity);
      const inErp = erp.control.patients().find((item) => item.telegram_user_id === PATIENT);
      assert.deepEqual([inErp?.last_name, inErp?.first_name, inErp?.middle_name, inErp?.iin, inErp?.language], ['Сапарова', 'Айгерим', 'Болатовна', identity.iin, 'ru']);
      assert.equal((await lavka.app.services.patients!.get(PATIENT))?.external_id, String(inErp?.patient_id));
    });

    test('a patient the clinic registered at its front desk is recognised, not asked to register again', async () => {
      const known = 8302;
      const identity = testIdentity(known);
      erp.state.upsertPatient({ telegram_user_id: known, first_name: 'Ерлан', last_name: 'Жумабаев', middle_name: '', phone: '+77015558302', birth_date: identity.birthDate.split('.').reverse().join('-'), sex: 'male', iin: identity.iin, language: 'ru' });
      const regular = lavka.sim.user({ id: known, first_name: 'Yerlan', language_code: 'ru' });
      await regular.send('/book');
      await waitText(regular, 'сначала зарегистрируйтесь');
      await press(regular, '📝 Зарегистрироваться');
      const greeting = await waitText(regular, 'Клиника вас уже знает');
      assert.match(textOf(greeting), new RegExp(identity.iin));
      const stored = await lavka.app.services.patients!.get(known);
      assert.deepEqual([stored?.full_name, stored?.external_id], ['Жумабаев Ерлан', String(erp.control.patients().find((item) => item.telegram_user_id === known)?.patient_id)]);
    });

    test('a time taken at the front desk is never offered; a visit is booked in the ERP, then moved there', async () => {
      const doctor = erp.control.doctors().find((item) => item.full_name.ru === 'Сергей Волков')!;
      const service = erp.state.services().find((item) => item.name.ru === 'Приём терапевта')!;
      const free = erp.control.firstFree(doctor.id, service.id, addDays(localDateOf(Date.now(), ALMATY), 2))!;
      erp.control.takeAtDesk(doctor.id, free.date, free.time, service.id);

      const calendar = await openCalendar();
      const day = buttonsOf(calendar).find((button) => dayOfButton(button) === free.date);
      assert.ok(day, `the day ${free.date} still has free times`);
      await press(patient, (button) => button.callback_data === day.callback_data);
      const times = await patient.waitForMessage((message) => buttonsOf(message).some((button) => /^bk:t:/.test(button.callback_data ?? '')), { timeoutMs: 5000 });
      const offered = buttonsOf(times).filter((button) => /^bk:t:/.test(button.callback_data ?? '')).map((button) => button.text);
      assert.ok(!offered.some((text) => text.includes(free.time)), `${free.time} was taken at the desk: offered ${offered.join(' ')}`);

      await press(patient, (button) => /^bk:t:/.test(button.callback_data ?? ''));
      await waitText(patient, 'Проверьте запись');
      await press(patient, '✅ Подтвердить');
      await waitText(patient, '✅ Вы записаны!');
      const [visit] = await visits();
      const inErp = erp.control.appointments().find((item) => item.telegram_user_id === PATIENT);
      assert.equal(visit?.external_id, String(inErp?.id), 'Lavka keeps the ERP id of the visit');
      assert.equal(inErp?.time, localTimeOf(visit!.starts_at, ALMATY));
      assert.equal(await db().selectFrom('booking_pending_visits').select('key').executeTakeFirst(), undefined, 'nothing left pending');
      assert.equal(erp.calls.filter((call) => call.operation === 'appointmentCreate').length, 1);

      await patient.send('/appointments');
      await waitText(patient, 'Ваши предстоящие приёмы');
      await press(patient, (button) => button.callback_data === `bk:a:${visit!.id}`);
      await waitText(patient, 'Статус: записан');
      await press(patient, '🔁 Перенести');
      const again = await patient.waitForMessage((message) => buttonsOf(message).some((button) => /^bk:rd:/.test(button.callback_data ?? '')), { timeoutMs: 5000 });
      const other = buttonsOf(again).find((button) => /^bk:rd:/.test(button.callback_data ?? '') && dayOfButton(button) !== localDateOf(visit!.starts_at, ALMATY));
      await press(patient, (button) => button.callback_data === other?.callback_data);
      await patient.waitForMessage((message) => buttonsOf(message).some((button) => /^bk:rt:/.test(button.callback_data ?? '')), { timeoutMs: 5000 });
      await press(patient, (button) => /^bk:rt:/.test(button.callback_data ?? ''));
      await waitText(patient, 'Перенести приём?');
      await press(patient, '✅ Подтвердить');
      await waitText(patient, '🔁 Ваш приём перенесён.');
      const moved = (await visits())[0]!;
      const movedInErp = erp.control.appointments().find((item) => item.id === inErp?.id);
      assert.equal(movedInErp?.date, localDateOf(moved.starts_at, ALMATY));
      assert.equal(movedInErp?.time, localTimeOf(moved.starts_at, ALMATY));
    });

    test('the ERP moving and then cancelling the visit reaches the patient once each', async () => {
      const visit = (await visits())[0]!;
      const inErp = erp.control.appointments().find((item) => item.id === Number(visit.external_id))!;
      const later = erp.control.firstFree(inErp.doctor_id, inErp.service_id, addDays(inErp.date, 1))!;
      erp.control.moveByClinic(inErp.id, later.date, later.time);
      await clinicErp().followChanges();
      await clinicErp().followChanges();
      await waitText(patient, '🔁 Клиника перенесла ваш приём');
      const moved = (await visits())[0]!;
      assert.equal(localTimeOf(moved.starts_at, ALMATY), later.time);

      erp.control.cancelByClinic(inErp.id);
      assert.equal(await clinicErp().followChanges(), 1);
      await waitText(patient, '❌ Клиника отменила ваш приём');
      // The feed read again, and a repair round: nothing is told twice.
      assert.equal(await clinicErp().followChanges(), 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(botTexts(patient, 'Клиника отменила ваш приём'), 1);
      assert.equal(botTexts(patient, 'Клиника перенесла ваш приём'), 1);
      assert.equal((await visits())[0]?.status, 'cancelled');
      assert.equal((await visits())[0]?.cancelled_by, 'staff:erp');
    });

    test('the repair round undoes a visit the ERP made while its answer was lost, and follows a change the feed never brought', async () => {
      const repair = lavka.app.modules.find((item) => item.name === 'booking')?.instance.jobs?.find((job) => job.name === 'booking.erp-repair');
      assert.ok(repair, 'the booking module runs a repair round with the ERP');
      const doctor = erp.control.doctors().find((item) => item.full_name.ru === 'Сергей Волков')!;
      const service = erp.state.services().find((item) => item.name.ru === 'Приём терапевта')!;
      const localDoctor = await db().selectFrom('booking_doctors').select('id').where('external_id', '=', String(doctor.id)).executeTakeFirstOrThrow();

      // The ERP booked it, but Lavka never heard back: only the pending key is left, ten minutes old.
      const lost = erp.control.firstFree(doctor.id, service.id, addDays(localDateOf(Date.now(), ALMATY), 3))!;
      const made = erp.state.createAppointment({ telegram_user_id: PATIENT, branch_id: doctor.branch_id, service_id: service.id, doctor_id: doctor.id, date: lost.date, time: lost.time });
      const lostStart = Date.parse(`${lost.date}T${lost.time}:00+05:00`);
      await db().insertInto('booking_pending_visits').values({ key: 'lavka-visit-lost', patient_id: PATIENT, doctor_id: localDoctor.id, starts_at: lostStart, created_at: Date.now() - 11 * 60_000 }).execute();

      // A visit booked through the bot, then cancelled in the ERP without a word in its feed.
      const [branch] = await db().selectFrom('booking_branches').select('id').where('external_id', '=', String(doctor.branch_id)).execute();
      const localService = await db().selectFrom('booking_services').select('id').where('external_id', '=', String(service.id)).executeTakeFirstOrThrow();
      const quiet = erp.control.firstFree(doctor.id, service.id, addDays(lost.date, 1))!;
      const booked = await lavka.app.services.booking!.book({ patientId: PATIENT, branchId: branch!.id, serviceId: localService.id, doctorId: localDoctor.id, startMs: Date.parse(`${quiet.date}T${quiet.time}:00+05:00`), locale: 'ru' });
      erp.state.cancel(Number(booked.external_id));

      await repair.run();
      assert.equal(erp.control.appointments().find((item) => item.id === made.id)?.status, 'cancelled', 'undone in the ERP');
      assert.equal(await db().selectFrom('booking_pending_visits').select('key').executeTakeFirst(), undefined);
      assert.equal((await lavka.app.services.booking!.get(booked.id))?.status, 'cancelled', 'followed here');
      await waitText(patient, '❌ Клиника отменила ваш приём');
      await repair.run();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(botTexts(patient, 'Клиника отменила ваш приём'), 2, 'one message for this visit (and one for the earlier one)');
    });

    test('the panel shows the connector: its state, each round with its outcome, a round started at once', async () => {
      const owner = (await staffSessions(lavka, ADMIN)).get('owner') as StaffSession;
      const headers = { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' };
      const me = (await lavka.app.http.inject({ method: 'GET', url: '/api/admin/auth/me', headers })).json() as { pages: string[] };
      assert.ok(me.pages.includes('clinic-erp'), 'the Clinic ERP page is in the panel');
      const ran = await lavka.app.http.inject({ method: 'POST', url: '/api/clinic-erp/rounds/directory', headers, payload: '{}' });
      assert.equal(ran.statusCode, 200, ran.body);
      assert.deepEqual((ran.json() as { summary: Record<string, number> }).summary, { branches: 2, services: erp.state.services().length, doctors: erp.control.doctors().length });
      assert.equal((await lavka.app.http.inject({ method: 'POST', url: '/api/clinic-erp/rounds/nonsense', headers, payload: '{}' })).statusCode, 404);
      const overview = (await lavka.app.http.inject({ method: 'GET', url: '/api/clinic-erp', headers })).json() as { url: string; state: string; rounds: { name: string; outcome: { ok: boolean } | null }[] };
      assert.equal(overview.url, erp.url);
      assert.equal(overview.state, 'closed');
      assert.deepEqual(overview.rounds.map((round) => round.name).sort(), ['changes', 'directory', 'repair']);
      assert.equal(overview.rounds.find((round) => round.name === 'directory')?.outcome?.ok, true);
    });

    test('with the ERP down the patient is told so in their language, nothing is written, the staff hear once, and it works again after', async () => {
      const before = (await visits()).length;
      erp.setDown(true);
      await openCalendar().catch(() => undefined);
      await waitText(patient, 'Система клиники сейчас не отвечает');
      await eventually(async () => (await fetch(`${lavka.app.url}/health/ready`).then((response) => response.json() as Promise<{ checks: { name: string; ok: boolean }[] }>)).checks.some((check) => check.name === 'clinic-erp' && !check.ok), 'the health check');
      // The staff chat reads the clinic's language (Kazakh).
      const paused = await admin.waitForMessage((message) => textOf(message).includes('Клиника жүйесі (МАЖ) жауап бермей тұр'), { timeoutMs: 8000 });
      assert.match(textOf(paused), /HTTP 503/);
      assert.equal((await visits()).length, before, 'no visit written');
      await patient.send('/book').catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(botTexts(admin, 'Клиника жүйесі (МАЖ) жауап бермей тұр'), 1, 'the staff are told once');

      erp.setDown(false);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const calendar = await openCalendar();
      assert.ok(buttonsOf(calendar).some((button) => dayOfButton(button) !== undefined), 'free days again');
      await admin.waitForMessage((message) => textOf(message).includes('қайта жауап береді'), { timeoutMs: 8000 });
    });

    test('the patient cancels in the bot: cancelled in the ERP first, then here', async () => {
      const doctor = erp.control.doctors().find((item) => item.full_name.ru === 'Сергей Волков')!;
      const service = erp.state.services().find((item) => item.name.ru === 'Приём терапевта')!;
      const free = erp.control.firstFree(doctor.id, service.id, addDays(localDateOf(Date.now(), ALMATY), 5))!;
      const visit = await lavka.app.services.booking!.book({
        patientId: PATIENT,
        branchId: await clinic.localId('booking_branches', doctor.branch_id),
        serviceId: await clinic.localId('booking_services', service.id),
        doctorId: await clinic.localId('booking_doctors', doctor.id),
        startMs: Date.parse(`${free.date}T${free.time}:00+05:00`),
        locale: 'ru',
      });
      await patient.send('/appointments');
      await waitText(patient, 'Ваши предстоящие приёмы');
      await press(patient, (button) => button.callback_data === `bk:a:${visit.id}`);
      await waitText(patient, 'Статус: записан');
      await press(patient, '❌ Отменить');
      await waitText(patient, 'Отменить этот приём?');
      await press(patient, 'Да, отменить приём');
      await waitText(patient, '❌ Приём отменён');
      assert.equal(erp.control.appointments().find((item) => item.id === Number(visit.external_id))?.status, 'cancelled');
      assert.equal((await lavka.app.services.booking!.get(visit.id))?.status, 'cancelled');
    });
  });
}

describe('the sandbox clinic on the reference ERP (LAVKA_CLINIC_BACKEND=demo)', () => {
  let lavka: TestLavka;

  before(async () => {
    lavka = await startTestLavka({ preset: 'clinic', env: { LAVKA_CLINIC_BACKEND: 'demo' } });
  });
  after(async () => {
    await lavka?.stop();
  });

  test('starts the reference ERP, connects the clinic to it and books there; its contract document is served', async () => {
    const db = lavka.app.database.db;
    await eventually(async () => (await db.selectFrom('booking_doctors').select('id').where('external_id', 'is not', null).execute()).length > 0, 'the directory sync');
    const booking = lavka.app.services.booking!;
    const [branch] = await booking.listBranches();
    const [service] = await booking.servicesAtBranch(branch!.id);
    const from = addDays(localDateOf(Date.now(), ALMATY), 1);
    const slots = await booking.freeSlots({ branchId: branch!.id, serviceId: service!.id, fromDate: from, toDate: addDays(from, 3) });
    assert.ok(slots.length > 0, 'free times read from the reference ERP');
    assert.ok(lavka.app.services['clinic-erp'], 'the connector runs');
    const document = (await (await fetch(`${lavka.app.url}/api/v1/connectors/clinic-erp.openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(document.paths['/api/bot/changes/'] && document.paths['/api/bot/appointments/'], 'the ERP side of the contract');
  });
});
