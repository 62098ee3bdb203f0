import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadBusinessConfig } from '../../config/business.ts';
import { silentLogger } from '../../observability/logger.ts';
import { createOutgoingPolicy } from '../../platform/outgoing.ts';
import { startDemoErp, type DemoErp } from '../../sim/clinic-erp/demo-erp.server.ts';
import { addDays, localDateOf } from '../booking/slots.ts';
import { testIdentity } from '../../../test/support/clinic.ts';
import { createClinicErpClient, type ClinicErpClient } from './clinic-erp.client.ts';
import { ERP_PATHS, clinicErpConfigSchema, type ErpOperation } from './clinic-erp.config.ts';
import { ERP_OPERATIONS, clinicErpOpenApi } from './clinic-erp.openapi.ts';

const TOKEN = 'erp-openapi-token-0123456789';
const ZONE = 'Asia/Almaty';
const PATIENT = 7711;

describe('the clinic ERP contract document and the reference ERP', () => {
  let erp: DemoErp;
  let client: ClinicErpClient;

  before(async () => {
    const clinic = await loadBusinessConfig({ preset: 'clinic' });
    erp = await startDemoErp({ directory: clinic.demo.booking, timeZone: ZONE, currency: 'KZT', token: TOKEN });
    client = createClinicErpClient({ config: clinicErpConfigSchema.parse({ url: erp.url }), token: TOKEN, policy: createOutgoingPolicy(['127.0.0.1']), logger: silentLogger(), now: Date.now });
  });
  after(async () => {
    await erp?.close();
  });

  test('the document names every operation Lavka calls, at its path, with its method', () => {
    const document = clinicErpOpenApi('test') as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    assert.equal(document.openapi, '3.1.0');
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId}`));
    const expected = (Object.keys(ERP_PATHS) as ErpOperation[]).map((operation) => `${ERP_OPERATIONS[operation].method} ${ERP_PATHS[operation]} ${operation}`);
    assert.deepEqual(documented.sort(), expected.sort());
  });

  test('the reference ERP answers every operation in the documented shape', async () => {
    const identity = testIdentity(PATIENT);
    const doctor = erp.control.doctors()[0]!;
    const serviceId = doctor.service_ids[0]!;
    const free = erp.control.firstFree(doctor.id, serviceId, addDays(localDateOf(Date.now(), ZONE), 2))!;
    // What each operation is called with, in the order a patient's journey calls them.
    const calls: [ErpOperation, { id?: string | number; query?: Record<string, string | number>; body?: Record<string, unknown> }][] = [
      ['patientVerifyIin', { body: { iin: identity.iin } }],
      ['patientUpsert', { body: { telegram_user_id: PATIENT, telegram_username: '', last_name: 'Омарова', first_name: 'Дана', middle_name: '', full_name: 'Омарова Дана', phone: '+77015557711', birth_date: identity.birthDate.split('.').reverse().join('-'), sex: 'female', iin: identity.iin, language: 'ru' } }],
      ['patientByTelegram', { id: PATIENT }],
      ['branches', {}],
      ['services', { query: { branch_id: doctor.branch_id } }],
      ['doctors', { query: { service_id: serviceId } }],
      ['slots', { query: { doctor_id: doctor.id, date: free.date, service_id: serviceId } }],
      ['appointmentCreate', { body: { telegram_user_id: PATIENT, branch_id: doctor.branch_id, service_id: serviceId, doctor_id: doctor.id, date: free.date, time: free.time } }],
      ['appointmentsMine', { query: { telegram_user_id: PATIENT } }],
      ['documentGenerate', { body: { telegram_user_id: PATIENT, document_type: 'tax', language: 'ru' } }],
      ['documents', { query: { telegram_user_id: PATIENT } }],
      ['paymentBalance', { query: { telegram_user_id: PATIENT } }],
      ['paymentInvoice', { body: { telegram_user_id: PATIENT, amount: 8000, description: 'visit' } }],
      ['feedback', { body: { telegram_user_id: PATIENT, appointment_id: 1, score: 9, comment: '' } }],
      ['supportTicket', { body: { telegram_user_id: PATIENT, subject: 'Q', message: 'Question' } }],
      ['faq', { query: { language: 'kk' } }],
      ['changes', { query: { since: '0', limit: 100 } }],
      ['paymentReport', { body: { payment_id: 'p-1', telegram_user_id: PATIENT, amount: 8000, currency: 'KZT', method: 'qr', paid_at: new Date().toISOString() } }],
    ];
    const answers = new Map<ErpOperation, unknown>();
    for (const [operation, input] of calls) {
      const doc = ERP_OPERATIONS[operation];
      answers.set(operation, await client.call(operation, { method: doc.method, ...input, ...(doc.idempotent ? { idempotencyKey: `contract-${operation}` } : {}), answer: doc.answer }));
    }
    const booked = answers.get('appointmentCreate') as { id: string };
    const document = (answers.get('documentGenerate') as { id: string }).id;
    const invoice = (answers.get('paymentInvoice') as { invoice_id: string }).invoice_id;
    const moved = erp.control.firstFree(doctor.id, serviceId, addDays(free.date, 1))!;
    const later: [ErpOperation, { id: string; body?: Record<string, unknown> }][] = [
      ['documentDownload', { id: document }],
      ['paymentStatus', { id: invoice }],
      ['appointmentUpdate', { id: booked.id, body: { date: moved.date, time: moved.time } }],
      ['appointmentCancel', { id: booked.id, body: {} }],
    ];
    for (const [operation, input] of later) {
      const doc = ERP_OPERATIONS[operation];
      answers.set(operation, await client.call(operation, { method: doc.method, ...input, ...(doc.idempotent ? { idempotencyKey: `contract-${operation}` } : {}), answer: doc.answer }));
    }
    assert.deepEqual([...answers.keys()].sort(), (Object.keys(ERP_PATHS) as ErpOperation[]).sort(), 'every operation was called');
    const download = answers.get('documentDownload') as { download_url: string };
    const file = await client.download(download.download_url);
    assert.equal(file.bytes.subarray(0, 5).toString(), '%PDF-');
  });
});
