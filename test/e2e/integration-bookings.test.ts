import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { testIdentity } from '../support/clinic.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';

const OWNER = 9701;
const PATIENTS = [8701, 8702];

describe('the clinic through the integration API: directory, free slots, booking, moving and cancelling', () => {
  let lavka: TestLavka;
  let key: string;

  const call = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${lavka.app.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string; details?: Record<string, unknown> } } };
  };

  before(async () => {
    lavka = await startTestLavka({ preset: 'clinic', adminIds: [OWNER] });
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
});
