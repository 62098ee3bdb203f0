import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { clinicClock, startClinicServices, type ClinicServices } from '../../../test/support/clinic.ts';
import { sqliteTestDatabase } from '../../../test/support/services.ts';
import { moduleRoutes } from '../../../test/support/module-routes.ts';
import { localToEpochMs } from './slots.ts';

describe('the booking admin API and audience segments', () => {
  let clinic: ClinicServices;
  let app: FastifyInstance;
  const clock = clinicClock();

  before(async () => {
    clinic = await startClinicServices(sqliteTestDatabase(), { now: clock.now, seed: false });
    app = Fastify();
    await app.register(moduleRoutes(clinic.modules.find((item) => item.name === 'booking')), { prefix: '/api/booking' });
    await clinic.addPatient(600);
    await clinic.addPatient(601);
  });
  after(async () => {
    await app?.close();
    await clinic?.close();
  });

  test('staff build the directory — branch, service, doctor, weekly schedule, an exception — and see it in the calendar', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/booking/branches', payload: { title: '' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error, 'booking.invalid_request');

    const branch = (await app.inject({ method: 'POST', url: '/api/booking/branches', payload: { title: { ru: 'Центр', kk: 'Орталық' }, address: 'Абая, 1' } })).json().branch;
    const service = (await app.inject({ method: 'POST', url: '/api/booking/services', payload: { title: 'ЭКГ', durationMinutes: 20, priceMinor: 500_000 } })).json().service;
    assert.equal(service.currency, 'KZT');
    const oddLength = await app.inject({ method: 'POST', url: '/api/booking/services', payload: { title: 'x', durationMinutes: 17, priceMinor: 1 } });
    assert.equal(oddLength.statusCode, 400, 'durations are multiples of 5 minutes');
    const doctor = (await app.inject({ method: 'POST', url: '/api/booking/doctors', payload: { branchId: branch.id, name: 'Др. Ахметов', specialty: 'кардиолог', serviceIds: [service.id] } })).json().doctor;
    const schedule = await app.inject({
      method: 'PUT',
      url: `/api/booking/doctors/${doctor.id}/schedule`,
      payload: { rules: [{ weekday: 2, start: '09:00', end: '12:00', breaks: [{ start: '10:00', end: '10:20' }] }] },
    });
    assert.equal(schedule.statusCode, 200);
    const reversed = await app.inject({ method: 'PUT', url: `/api/booking/doctors/${doctor.id}/schedule`, payload: { rules: [{ weekday: 2, start: '12:00', end: '09:00' }] } });
    assert.equal(reversed.statusCode, 400);
    const exception = await app.inject({ method: 'POST', url: `/api/booking/doctors/${doctor.id}/exceptions`, payload: { date: '2026-03-17', kind: 'closed' } });
    assert.equal(exception.statusCode, 201);

    const slots = (await app.inject({ method: 'GET', url: `/api/booking/slots?branchId=${branch.id}&serviceId=${service.id}&from=2026-03-10&to=2026-03-17` })).json().slots as { date: string }[];
    assert.deepEqual([...new Set(slots.map((slot) => slot.date))], ['2026-03-10'], 'Tuesday the 10th; the 17th is closed');

    const appointment = await clinic.services.booking.book({ patientId: 600, branchId: branch.id, serviceId: service.id, startMs: localToEpochMs('2026-03-10', 9 * 60, 'Asia/Almaty'), locale: 'ru' });
    const week = (await app.inject({ method: 'GET', url: `/api/booking/calendar?branchId=${branch.id}&from=2026-03-09&days=7` })).json();
    assert.equal(week.days.length, 7);
    const tuesday = week.days[1].doctors[0];
    assert.equal(tuesday.name, 'Др. Ахметов');
    assert.equal(tuesday.working.length, 2, 'the break splits the morning');
    assert.deepEqual(tuesday.appointments.map((item: { id: number }) => item.id), [appointment.id]);

    const done = await app.inject({ method: 'POST', url: `/api/booking/appointments/${appointment.id}/complete`, payload: {} });
    assert.equal(done.json().appointment.status, 'completed');
    const twice = await app.inject({ method: 'POST', url: `/api/booking/appointments/${appointment.id}/no-show`, payload: {} });
    assert.equal(twice.statusCode, 409);
  });

  test('segments find patients by branch, by service, and by months without a visit', async () => {
    const { booking } = clinic.services;
    const branch = (await booking.listBranches())[0]!;
    const service = (await booking.listServices())[0]!;
    const segments = new Map(clinic.modules.flatMap((item) => item.instance.segments ?? []).map((segment) => [segment.name, segment]));
    assert.deepEqual(await segments.get('booking.branch_patients')!.userIds(String(branch.id)), [600]);
    assert.deepEqual(await segments.get('booking.branch_patients')!.userIds('центр'), [600], 'by name, in any language');
    assert.deepEqual(await segments.get('booking.service_patients')!.userIds('ЭКГ'), [600]);
    assert.deepEqual(await segments.get('booking.not_visited_months')!.userIds(1), []);
    clock.advance(95 * 86_400_000);
    assert.deepEqual(await segments.get('booking.not_visited_months')!.userIds(3), [600]);
    // Someone with a visit booked ahead is not "lapsed".
    await booking.book({ patientId: 600, branchId: branch.id, serviceId: service.id, startMs: localToEpochMs('2026-06-16', 9 * 60, 'Asia/Almaty'), locale: 'ru' });
    assert.deepEqual(await segments.get('booking.not_visited_months')!.userIds(3), []);
  });
});
