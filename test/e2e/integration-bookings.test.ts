import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { testIdentity } from '../support/clinic.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { testDialects } from '../support/services.ts';

const OWNER = 9701;
const PATIENTS = [8701, 8702];

/** A record as the API shows it, with the fields these tests read. */
interface Answered {
  id: number;
  external_id: string | null;
  status?: string;
}

for (const dialect of await testDialects()) {
  describe(`the clinic through the integration API: directory, free slots, booking, moving and cancelling (${dialect.name})`, () => {
    let lavka: TestLavka;
    let key: string;
    let dir: string;

    const call = async (method: string, url: string, body?: unknown) => {
      const response = await fetch(`${lavka.app.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string; details?: Record<string, unknown> } } };
    };

    before(async () => {
      // A back end syncing a clinic makes many calls at once: a rate the tests do not hit.
      dir = mkdtempSync(path.join(tmpdir(), 'lavka-clinic-api-'));
      const config = path.join(dir, 'config.yaml');
      writeFileSync(config, 'settings:\n  integrations:\n    requestsPerSecond: 500\n');
      lavka = await startTestLavka({ preset: 'clinic', adminIds: [OWNER], database: await dialect.create(), env: { LAVKA_CONFIG: config } });
      const owner = (await staffSessions(lavka, OWNER)).get('owner') as StaffSession;
      const created = await lavka.app.http.inject({
        method: 'POST',
        url: '/api/integrations/keys',
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'Clinic MIS', scopes: ['bookings:write'] }),
      });
      key = (created.json() as { secret: string }).secret;
      const { users, patients } = lavka.app.services;
      for (const id of PATIENTS) {
        await users!.register({ id, first_name: `Patient ${id}`, language_code: 'ru' });
        await patients!.register(id, { fullName: `Пациент ${id === 8701 ? 'Первый' : 'Второй'}`, phone: `+7701000${id}`, ...testIdentity(id) });
      }
    });
    after(async () => {
      await lavka?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('a visit is booked at a free time, the same time is refused to another patient, then moved and cancelled', async () => {
      const branches = (await call('GET', '/api/v1/bookings/branches')).body.data as { id: number; title: Record<string, string> }[];
      assert.ok(branches.length > 0 && branches[0]?.title.kk, 'branches with their names in every language');
      const branchId = branches[0]!.id;
      const services = (await call('GET', `/api/v1/bookings/branches/${branchId}/services`)).body.data as { id: number; duration_minutes: number }[];
      const serviceId = services[0]!.id;
      const doctors = (await call('GET', `/api/v1/bookings/doctors?branch_id=${branchId}&service_id=${serviceId}`)).body.data as { id: number }[];
      assert.ok(doctors.length > 0);
      const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const to = new Date(Date.now() + 8 * 86_400_000).toISOString().slice(0, 10);
      const slots = (await call('GET', `/api/v1/bookings/slots?branch_id=${branchId}&service_id=${serviceId}&doctor_id=${doctors[0]!.id}&from=${from}&to=${to}`)).body.data as { starts_at: string }[];
      assert.ok(slots.length > 2, `free slots in the next week (${slots.length})`);
      const tooLong = await call('GET', `/api/v1/bookings/slots?branch_id=${branchId}&service_id=${serviceId}&from=${from}&to=2099-01-01`);
      assert.equal(tooLong.body.error?.code, 'booking.range_too_long');

      const booked = await call('POST', '/api/v1/bookings', { patient_id: PATIENTS[0], branch_id: branchId, service_id: serviceId, doctor_id: doctors[0]!.id, starts_at: slots[0]!.starts_at, language: 'kk' });
      assert.equal(booked.status, 201, JSON.stringify(booked.body));
      assert.equal(booked.body.status, 'booked');
      assert.equal(booked.body.starts_at, new Date(slots[0]!.starts_at).toISOString());
      const taken = await call('POST', '/api/v1/bookings', { patient_id: PATIENTS[1], branch_id: branchId, service_id: serviceId, doctor_id: doctors[0]!.id, starts_at: slots[0]!.starts_at });
      assert.ok([409, 422].includes(taken.status), `a taken time is refused: ${JSON.stringify(taken.body)}`);
      assert.ok(['booking.slot_taken', 'booking.slot_unavailable'].includes(taken.body.error?.code ?? ''));
      const stranger = await call('POST', '/api/v1/bookings', { patient_id: 424242, branch_id: branchId, service_id: serviceId, starts_at: slots[1]!.starts_at });
      assert.equal(stranger.body.error?.code, 'booking.not_registered');

      const id = Number(booked.body.id);
      const moved = await call('POST', `/api/v1/bookings/${id}/reschedule`, { starts_at: slots[2]!.starts_at });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal(moved.body.starts_at, new Date(slots[2]!.starts_at).toISOString());
      const cancelled = await call('POST', `/api/v1/bookings/${id}/cancel`);
      assert.equal(cancelled.body.status, 'cancelled');
      assert.equal((await call('GET', `/api/v1/bookings/${id}`)).body.status, 'cancelled');
      const again = (await call('GET', `/api/v1/bookings/slots?branch_id=${branchId}&service_id=${serviceId}&doctor_id=${doctors[0]!.id}&from=${from}&to=${to}`)).body.data as { starts_at: string }[];
      assert.ok(again.some((slot) => slot.starts_at === slots[2]!.starts_at), 'the cancelled time is free again');
      const audit = await lavka.app.database.db.selectFrom('audit_log').select('action').where('actor_type', '=', 'api_key').execute();
      assert.ok(audit.some((entry) => entry.action === 'api.POST /api/v1/bookings'), 'bookings made with the key are audited');
    });

    test('branches, services, doctors and visits carry the back end’s own id: set, read back, found by it, a taken one refused with nothing changed, cleared', async () => {
      const branches = (await call('GET', '/api/v1/bookings/branches')).body.data as Answered[];
      assert.ok(branches.length >= 2, 'the clinic has two branches');
      assert.ok(branches.every((branch) => branch.external_id === null), 'no record has an id of the back end at first');
      const [dostyk, samal] = branches as [Answered, Answered];
      const setBranch = await call('PATCH', `/api/v1/bookings/branches/${dostyk.id}`, { external_id: 'MIS-BR-1' });
      assert.equal(setBranch.status, 200, JSON.stringify(setBranch.body));
      assert.equal(setBranch.body.external_id, 'MIS-BR-1');
      assert.equal((await call('PATCH', `/api/v1/bookings/branches/${samal.id}`, { external_id: 'MIS-BR-2' })).status, 200);
      const takenBranch = await call('PATCH', `/api/v1/bookings/branches/${samal.id}`, { external_id: 'MIS-BR-1' });
      assert.equal(takenBranch.status, 409);
      assert.equal(takenBranch.body.error?.code, 'booking.external_id_taken');
      assert.deepEqual(
        ((await call('GET', '/api/v1/bookings/branches')).body.data as Answered[]).map((branch) => [branch.id, branch.external_id]),
        [[dostyk.id, 'MIS-BR-1'], [samal.id, 'MIS-BR-2']],
        'the refused change changed nothing',
      );
      assert.deepEqual(((await call('GET', '/api/v1/bookings/branches?external_id=MIS-BR-2')).body.data as Answered[]).map((branch) => branch.id), [samal.id]);

      const services = (await call('GET', `/api/v1/bookings/branches/${dostyk.id}/services`)).body.data as Answered[];
      const service = services[0]!;
      assert.equal((await call('PATCH', `/api/v1/bookings/services/${service.id}`, { external_id: 'MIS-SV-1' })).body.external_id, 'MIS-SV-1');
      const foundService = (await call('GET', `/api/v1/bookings/branches/${dostyk.id}/services?external_id=MIS-SV-1`)).body.data as Answered[];
      assert.deepEqual(foundService.map((item) => item.id), [service.id]);
      assert.equal((await call('PATCH', `/api/v1/bookings/services/${services[1]!.id}`, { external_id: 'MIS-SV-1' })).body.error?.code, 'booking.external_id_taken');
      assert.equal((await call('PATCH', '/api/v1/bookings/services/999999', { external_id: 'MIS-SV-9' })).body.error?.code, 'booking.unknown_service');

      const doctors = (await call('GET', `/api/v1/bookings/doctors?branch_id=${dostyk.id}`)).body.data as Answered[];
      const [first, second] = doctors as [Answered, Answered];
      assert.equal((await call('PATCH', `/api/v1/bookings/doctors/${first.id}`, { external_id: 'MIS-DR-1' })).body.external_id, 'MIS-DR-1');
      assert.equal((await call('PATCH', `/api/v1/bookings/doctors/${second.id}`, { external_id: 'MIS-DR-2' })).status, 200);
      const takenDoctor = await call('PATCH', `/api/v1/bookings/doctors/${second.id}`, { external_id: 'MIS-DR-1' });
      assert.deepEqual([takenDoctor.status, takenDoctor.body.error?.code], [409, 'booking.external_id_taken']);
      assert.deepEqual(((await call('GET', '/api/v1/bookings/doctors?external_id=MIS-DR-2')).body.data as Answered[]).map((doctor) => [doctor.id, doctor.external_id]), [[second.id, 'MIS-DR-2']]);
      const cleared = await call('PATCH', `/api/v1/bookings/doctors/${second.id}`, { external_id: null });
      assert.equal(cleared.body.external_id, null);
      assert.deepEqual((await call('GET', '/api/v1/bookings/doctors?external_id=MIS-DR-2')).body.data, [], 'a cleared id finds nothing');
      assert.equal((await call('PATCH', `/api/v1/bookings/doctors/${second.id}`, { external_id: '' })).status, 400, 'an empty id is refused');

      // A visit booked with the back end's id, then another visit refused that id: nothing booked.
      const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const to = new Date(Date.now() + 8 * 86_400_000).toISOString().slice(0, 10);
      const slots = (await call('GET', `/api/v1/bookings/slots?branch_id=${dostyk.id}&service_id=${service.id}&from=${from}&to=${to}`)).body.data as { starts_at: string; doctor_ids: number[] }[];
      assert.ok(slots.length > 3);
      const booked = await call('POST', '/api/v1/bookings', { patient_id: PATIENTS[0], branch_id: dostyk.id, service_id: service.id, starts_at: slots[0]!.starts_at, external_id: 'MIS-VISIT-1' });
      assert.equal(booked.status, 201, JSON.stringify(booked.body));
      assert.equal(booked.body.external_id, 'MIS-VISIT-1');
      const visitId = Number(booked.body.id);
      const appointments = async () => Number((await lavka.app.database.db.selectFrom('booking_appointments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await appointments();
      const duplicate = await call('POST', '/api/v1/bookings', { patient_id: PATIENTS[1], branch_id: dostyk.id, service_id: service.id, starts_at: slots[3]!.starts_at, external_id: 'MIS-VISIT-1' });
      assert.deepEqual([duplicate.status, duplicate.body.error?.code], [409, 'booking.external_id_taken']);
      assert.equal(await appointments(), before, 'nothing was booked');
      const stillFree = (await call('GET', `/api/v1/bookings/slots?branch_id=${dostyk.id}&service_id=${service.id}&from=${from}&to=${to}`)).body.data as { starts_at: string }[];
      assert.ok(stillFree.some((slot) => slot.starts_at === slots[3]!.starts_at), 'the refused visit holds no time');

      const other = await call('POST', '/api/v1/bookings', { patient_id: PATIENTS[1], branch_id: dostyk.id, service_id: service.id, starts_at: slots[3]!.starts_at });
      assert.equal(other.status, 201, JSON.stringify(other.body));
      assert.equal(other.body.external_id, null);
      const otherId = Number(other.body.id);
      const takenVisit = await call('PATCH', `/api/v1/bookings/${otherId}`, { external_id: 'MIS-VISIT-1' });
      assert.deepEqual([takenVisit.status, takenVisit.body.error?.code], [409, 'booking.external_id_taken']);
      assert.equal((await call('GET', `/api/v1/bookings/${otherId}`)).body.external_id, null, 'the refused change changed nothing');
      assert.equal((await call('PATCH', `/api/v1/bookings/${otherId}`, { external_id: 'MIS-VISIT-2' })).body.external_id, 'MIS-VISIT-2');
      assert.deepEqual(((await call('GET', '/api/v1/bookings?external_id=MIS-VISIT-2')).body.data as Answered[]).map((item) => item.id), [otherId]);
      assert.equal((await call('PATCH', `/api/v1/bookings/${visitId}`, { external_id: null })).body.external_id, null);
      assert.deepEqual((await call('GET', '/api/v1/bookings?external_id=MIS-VISIT-1')).body.data, []);
      assert.equal((await call('PATCH', '/api/v1/bookings/999999', { external_id: 'MIS-VISIT-9' })).body.error?.code, 'booking.not_found');

      // Visits page by a cursor, most recently booked first: no overlap, no gap.
      const all = ((await call('GET', '/api/v1/bookings?limit=100')).body.data as Answered[]).map((item) => item.id);
      assert.ok(all.length >= 3 && all[0] === otherId, `newest first: ${all.join(',')}`);
      const page1 = await call('GET', '/api/v1/bookings?limit=2');
      assert.equal(page1.body.has_more, true);
      const page2 = await call('GET', `/api/v1/bookings?limit=100&starting_after=${String(page1.body.next_cursor)}`);
      assert.equal(page2.body.has_more, false);
      assert.deepEqual([...(page1.body.data as Answered[]), ...(page2.body.data as Answered[])].map((item) => item.id), all);

      const audit = await lavka.app.database.db.selectFrom('audit_log').select(['action', 'subject_type', 'subject_id', 'details']).where('actor_type', '=', 'api_key').where('action', 'like', 'api.PATCH%').execute();
      const doctorEntry = audit.find((entry) => entry.action === 'api.PATCH /api/v1/bookings/doctors/:id' && entry.subject_id === String(second.id) && entry.details?.includes('"external_id":null'));
      assert.equal(doctorEntry?.subject_type, 'booking_doctor', 'clearing the id is audited under the doctor');
      assert.ok(doctorEntry?.details?.includes('"previous_external_id":"MIS-DR-2"'), 'with the id it had');
      assert.ok(audit.some((entry) => entry.action === 'api.PATCH /api/v1/bookings/:id' && entry.subject_type === 'appointment' && entry.subject_id === String(otherId)));
    });

    test("a doctor's schedule shows the working hours day by day and the visits booked in them, not cancelled ones", async () => {
      const branchId = ((await call('GET', '/api/v1/bookings/branches')).body.data as Answered[])[0]!.id;
      const serviceId = ((await call('GET', `/api/v1/bookings/branches/${branchId}/services`)).body.data as Answered[])[0]!.id;
      const doctorId = ((await call('GET', `/api/v1/bookings/doctors?branch_id=${branchId}&service_id=${serviceId}`)).body.data as Answered[])[0]!.id;
      const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const to = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
      const slots = (await call('GET', `/api/v1/bookings/slots?branch_id=${branchId}&service_id=${serviceId}&doctor_id=${doctorId}&from=${from}&to=${to}`)).body.data as { starts_at: string; ends_at: string }[];
      const visit = await call('POST', '/api/v1/bookings', { patient_id: PATIENTS[1], branch_id: branchId, service_id: serviceId, doctor_id: doctorId, starts_at: slots.at(-1)!.starts_at, external_id: 'MIS-SCHEDULE-1' });
      assert.equal(visit.status, 201, JSON.stringify(visit.body));
      const dropped = await call('POST', '/api/v1/bookings', { patient_id: PATIENTS[0], branch_id: branchId, service_id: serviceId, doctor_id: doctorId, starts_at: slots.at(-3)!.starts_at });
      assert.equal((await call('POST', `/api/v1/bookings/${String(dropped.body.id)}/cancel`)).body.status, 'cancelled');

      const schedule = await call('GET', `/api/v1/bookings/doctors/${doctorId}/schedule?from=${from}&to=${to}`);
      assert.equal(schedule.status, 200, JSON.stringify(schedule.body));
      assert.equal(schedule.body.object, 'doctor_schedule');
      assert.equal(schedule.body.time_zone, 'Asia/Almaty');
      type Day = { date: string; working: { starts_at: string; ends_at: string }[]; appointments: { id: number; external_id: string | null; patient_id: number; status: string; starts_at: string; ends_at: string }[] };
      const days = schedule.body.days as Day[];
      assert.equal(days.length, 14, 'every date of the range, days off too');
      assert.deepEqual([days[0]?.date, days.at(-1)?.date], [from, to]);
      const sunday = days.find((day) => new Date(`${day.date}T12:00:00Z`).getUTCDay() === 0);
      assert.deepEqual(sunday?.working, [], 'the doctor does not work on Sundays');
      const booked = days.flatMap((day) => day.appointments.map((item) => ({ ...item, day })));
      const seen = booked.find((item) => item.id === Number(visit.body.id));
      assert.ok(seen, 'the booked visit is in the schedule');
      assert.ok(!booked.some((item) => item.id === Number(dropped.body.id)), 'the cancelled one is not');
      // Exactly the doctor's visits that hold their time (earlier tests booked some too).
      const holding = ((await call('GET', `/api/v1/bookings?doctor_id=${doctorId}&limit=100`)).body.data as (Answered & { starts_at: string })[])
        .filter((item) => item.status !== 'cancelled' && item.starts_at >= `${from}T00:00` && item.starts_at < `${to}T23:59`)
        .map((item) => item.id);
      assert.deepEqual(booked.map((item) => item.id).sort((a, b) => a - b), holding.sort((a, b) => a - b));
      assert.deepEqual([seen.external_id, seen.patient_id, seen.status, seen.starts_at], ['MIS-SCHEDULE-1', PATIENTS[1], 'booked', new Date(slots.at(-1)!.starts_at).toISOString()]);
      assert.ok(
        seen.day.working.some((stretch) => stretch.starts_at <= seen.starts_at && seen.ends_at <= stretch.ends_at),
        `the visit lies in a working stretch of its day: ${JSON.stringify(seen.day.working)}`,
      );
      assert.ok(!JSON.stringify(schedule.body).includes('Пациент'), 'no patient names');

      const tooLong = await call('GET', `/api/v1/bookings/doctors/${doctorId}/schedule?from=${from}&to=2099-01-01`);
      assert.deepEqual([tooLong.status, tooLong.body.error?.code], [400, 'booking.range_too_long']);
      const backwards = await call('GET', `/api/v1/bookings/doctors/${doctorId}/schedule?from=${to}&to=${from}`);
      assert.deepEqual([backwards.status, backwards.body.error?.code], [400, 'api.invalid_request']);
      const nobody = await call('GET', `/api/v1/bookings/doctors/999999/schedule?from=${from}&to=${to}`);
      assert.deepEqual([nobody.status, nobody.body.error?.code], [404, 'booking.unknown_doctor']);
    });
  });
}
