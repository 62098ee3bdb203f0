import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clinicClock, startClinicServices, type ClinicServices } from '../../../test/support/clinic.ts';
import { sqliteTestDatabase } from '../../../test/support/services.ts';
import { localToEpochMs } from '../booking/slots.ts';
import { FeedbackError } from './feedback.service.ts';

describe('feedback after a visit', () => {
  let clinic: ClinicServices;
  const clock = clinicClock();
  const book = async (patientId: number, time: number) => {
    const { booking } = clinic.services;
    const branch = (await booking.listBranches())[0]!;
    const service = (await booking.servicesAtBranch(branch.id))[0]!;
    return booking.book({ patientId, branchId: branch.id, serviceId: service.id, startMs: localToEpochMs('2026-03-10', time * 60, 'Asia/Almaty'), locale: 'ru' });
  };
  const outbox = (like: string) => clinic.database.db.selectFrom('outbox').select(['chat_id', 'payload', 'not_before']).where('dedupe_key', 'like', like).execute();

  before(async () => {
    clinic = await startClinicServices(sqliteTestDatabase(), { now: clock.now, adminIds: [7000], settings: { feedback: { alertAtOrBelow: 6, delayMinutes: 30 } } });
    await clinic.addPatient(400);
    await clinic.addPatient(401);
  });
  after(async () => {
    await clinic?.close();
  });

  test('marking a visit completed queues the 0–10 question for the patient, after the configured delay', async () => {
    const visit = await book(400, 10);
    assert.deepEqual(await outbox(`feedback:ask:${visit.id}`), []);
    await clinic.services.booking.markVisit(visit.id, 'completed', { type: 'staff', id: 1 });
    const [question] = await outbox(`feedback:ask:${visit.id}`);
    assert.equal(question?.chat_id, 400);
    assert.equal(question?.not_before, clock.now() + 30 * 60_000);
    const payload = JSON.parse(question!.payload) as { text: string; reply_markup: { inline_keyboard: { text: string; callback_data: string }[][] } };
    assert.deepEqual(payload.reply_markup.inline_keyboard.flat().map((button) => button.text), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    assert.equal(payload.reply_markup.inline_keyboard[0]![3]!.callback_data, `fb:s:${visit.id}:3`);
  });

  test('a visit is scored once; a low score and its comment alert the staff; a high one does not', async () => {
    const { feedback } = clinic.services;
    const [low] = await clinic.services.booking.list({ patientId: 400, statuses: ['completed'] });
    const first = await feedback.score(low!.id, 400, 3);
    assert.equal(first.created, true);
    const again = await feedback.score(low!.id, 400, 10);
    assert.deepEqual([again.created, again.feedback.score], [false, 3]);
    await feedback.comment(low!.id, 400, 'Долго ждала в очереди');
    const alerts = await outbox(`feedback:${low!.id}:%`);
    assert.equal(alerts.length, 2);
    assert.ok(alerts.every((alert) => alert.chat_id === 7000));
    assert.match(JSON.parse(alerts[1]!.payload).text as string, /Долго ждала в очереди/);

    const happy = await book(401, 11);
    await clinic.services.booking.markVisit(happy.id, 'completed', { type: 'staff', id: 1 });
    await feedback.score(happy.id, 401, 10);
    assert.deepEqual(await outbox(`feedback:${happy.id}:%`), []);
    assert.deepEqual(await feedback.summary(), { responses: 2, promoters: 1, passives: 0, detractors: 1, nps: 0 });
  });

  test('nobody scores a visit that is not theirs or not completed', async () => {
    const { feedback } = clinic.services;
    const [visit] = await clinic.services.booking.list({ patientId: 400, statuses: ['completed'] });
    await assert.rejects(feedback.score(visit!.id, 401, 0), (error) => error instanceof FeedbackError && error.code === 'feedback.not_found');
    const upcoming = await book(401, 12);
    await assert.rejects(feedback.score(upcoming.id, 401, 9), (error) => error instanceof FeedbackError && error.code === 'feedback.not_completed');
    await assert.rejects(feedback.score(visit!.id, 400, 11), (error) => error instanceof FeedbackError && error.code === 'feedback.invalid_score');
  });
});
