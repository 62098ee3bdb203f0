import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadBusinessConfig } from '../../config/business.ts';
import { silentLogger } from '../../observability/logger.ts';
import { createOutgoingPolicy } from '../../platform/outgoing.ts';
import { startDemoErp, type DemoErp } from '../../sim/clinic-erp/demo-erp.server.ts';
import { addDays, localDateOf } from '../booking/slots.ts';
import { createClinicErpClient, type ClinicErpClient } from './clinic-erp.client.ts';
import { clinicErpConfigSchema } from './clinic-erp.config.ts';
import { ClinicErpError } from './clinic-erp.errors.ts';
import { erpAppointment, erpBranch, erpDoctor, erpList, erpService, erpSlots } from './clinic-erp.contract.ts';

const TOKEN = 'erp-token-0123456789';
const ZONE = 'Asia/Almaty';

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof ClinicErpError ? { code: error.code, details: error.details } : { code: String(error) };
  }
};

describe('the clinic ERP client against the reference ERP', () => {
  let erp: DemoErp;
  let client: ClinicErpClient;
  const pauses: string[] = [];
  let resumes = 0;

  before(async () => {
    const clinic = await loadBusinessConfig({ preset: 'clinic' });
    // This ERP calls doctors "employees", at its own path, as a real back end might.
    erp = await startDemoErp({ directory: clinic.demo.booking, timeZone: ZONE, currency: 'KZT', token: TOKEN, fields: { doctor_id: 'employee_id' }, paths: { doctors: '/api/bot/employees/' } });
    client = createClinicErpClient({
      config: clinicErpConfigSchema.parse({ url: erp.url, organizationId: 7, fields: { doctor_id: 'employee_id' }, paths: { doctors: '/api/bot/employees/' }, breaker: { failures: 3, pauseSeconds: 1 }, timeoutMs: 2000 }),
      token: TOKEN,
      policy: createOutgoingPolicy(['127.0.0.1']),
      logger: silentLogger(),
      now: Date.now,
      onPause: (reason) => pauses.push(reason),
      onResume: () => {
        resumes += 1;
      },
    });
  });
  after(async () => {
    await erp?.close();
  });

  test('lists come bare or paged, ids become strings, and names the ERP spells differently are mapped both ways', async () => {
    const branches = await client.call('branches', { answer: erpList(erpBranch) });
    assert.equal(branches.length, 2);
    assert.equal(typeof branches[0]?.id, 'string');
    const services = await client.call('services', { query: { branch_id: branches[0]!.id }, answer: erpList(erpService) });
    assert.ok(services.length > 0 && services.every((service) => service.duration_minutes >= 5));
    const doctors = await client.call('doctors', { query: { service_id: services[0]!.id }, answer: erpList(erpDoctor) });
    assert.ok(doctors.length > 0);
    const today = localDateOf(Date.now(), ZONE);
    const free = erp.control.firstFree(Number(doctors[0]!.id), Number(services[0]!.id), addDays(today, 1));
    assert.ok(free);
    const slots = await client.call('slots', { query: { doctor_id: doctors[0]!.id, date: free.date, service_id: services[0]!.id }, answer: erpSlots });
    assert.ok(slots.slots.some((slot) => slot.time === free.time && slot.available));
    const asked = erp.calls.at(-1);
    assert.equal(asked?.operation, 'slots');
    assert.equal(asked?.body.doctor_id, doctors[0]!.id, 'the ERP read employee_id and the demo mapped it back');
    assert.equal(asked?.body.organization_id, '7', 'the organisation goes with every call');
  });

  test('a write repeated with its idempotency key gives the first answer, and a taken time is a conflict', async () => {
    await erp.state.upsertPatient({ telegram_user_id: 555, first_name: 'Айгерим', last_name: 'Сапарова', middle_name: '', phone: '+77010000555', birth_date: '1990-01-01', sex: 'female', iin: '900101400000', language: 'kk' });
    const doctor = erp.control.doctors()[0]!;
    const serviceId = doctor.service_ids[0]!;
    const free = erp.control.firstFree(doctor.id, serviceId, addDays(localDateOf(Date.now(), ZONE), 2))!;
    const body = { telegram_user_id: 555, branch_id: doctor.branch_id, service_id: serviceId, doctor_id: doctor.id, date: free.date, time: free.time };
    const first = await client.call('appointmentCreate', { method: 'POST', body, idempotencyKey: 'lavka-test-1', answer: erpAppointment });
    const again = await client.call('appointmentCreate', { method: 'POST', body, idempotencyKey: 'lavka-test-1', answer: erpAppointment });
    assert.equal(again.id, first.id);
    assert.equal(erp.control.appointments().filter((item) => item.telegram_user_id === 555).length, 1, 'one appointment for two calls');
    assert.equal((await refusal(client.call('appointmentCreate', { method: 'POST', body, idempotencyKey: 'lavka-test-2', answer: erpAppointment })))?.code, 'clinic_erp.conflict');
    assert.equal((await refusal(client.call('patientByTelegram', { id: 999, answer: erpAppointment })))?.code, 'clinic_erp.not_found');
  });

  test('an answer outside the contract is refused before anything uses it', async () => {
    // The branches list read as if it were an appointment: the shape does not match.
    const wrong = await refusal(client.call('branches', { answer: erpAppointment }));
    assert.equal(wrong?.code, 'clinic_erp.bad_answer');
  });

  test('a private address the config does not allow is never called', async () => {
    const strict = createClinicErpClient({ config: clinicErpConfigSchema.parse({ url: erp.url }), token: TOKEN, policy: createOutgoingPolicy([]), logger: silentLogger(), now: Date.now });
    const callsBefore = erp.calls.length;
    const refused = await refusal(strict.call('branches', { answer: erpList(erpBranch) }));
    assert.equal(refused?.code, 'clinic_erp.unavailable');
    assert.equal(refused?.details?.refused, 'outgoing.address_refused');
    assert.equal(erp.calls.length, callsBefore);
  });

  test('an ERP that keeps failing is paused by the breaker, told once, and called again after the pause', async () => {
    erp.setDown(true);
    for (let attempt = 0; attempt < 3; attempt += 1) assert.equal((await refusal(client.call('branches', { answer: erpList(erpBranch) })))?.code, 'clinic_erp.unavailable');
    assert.equal(client.state().state, 'open');
    assert.equal(pauses.length, 1, 'one pause for the outage');
    const paused = await refusal(client.call('branches', { answer: erpList(erpBranch) }));
    assert.equal(paused?.details?.paused, true, 'no call while paused');
    erp.setDown(false);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await client.call('branches', { answer: erpList(erpBranch) })).length, 2);
    assert.equal(client.state().state, 'closed');
    assert.equal(resumes, 1);
    assert.equal(pauses.length, 1);
  });
});
