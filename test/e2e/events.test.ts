// Every module announces what happened for the webhooks, in the transaction of the change:
// the modules are set up exactly as Lavka sets them up, with a sink that records what they
// publish; a change that is refused publishes nothing.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { localToEpochMs } from '../../src/modules/booking/slots.ts';
import { createEvents, type LavkaEvent } from '../../src/platform/events.ts';
import { addBillingUser, startBillingServices, type BillingServices } from '../support/billing.ts';
import { clinicClock, startClinicServices, type ClinicServices } from '../support/clinic.ts';
import { sqliteTestDatabase } from '../support/services.ts';

/** Events and a sink that keeps them; `since` marks where a step's events begin. */
function recorder() {
  const events = createEvents();
  const seen: LavkaEvent[] = [];
  events.deliverTo({
    async record(executor, event) {
      // Written through the change's own executor, as the webhooks' sink does.
      await executor.selectFrom('users').select('id').limit(1).execute();
      seen.push(event);
    },
  });
  let mark = 0;
  return {
    events,
    step(): LavkaEvent[] {
      const fresh = seen.slice(mark);
      mark = seen.length;
      return fresh;
    },
  };
}

const typesOf = (events: readonly LavkaEvent[]) => events.map((event) => event.type);

describe('events of the billing preset: customers, wallet, payments, support and broadcasts', () => {
  let billing: BillingServices;
  const recorded = recorder();

  before(async () => {
    billing = await startBillingServices(sqliteTestDatabase(), { adminIds: [7000], events: recorded.events });
  });
  after(async () => {
    await billing?.close();
  });

  test('a new customer is announced once, on their first contact only', async () => {
    await addBillingUser(billing, 301, 'kk');
    await addBillingUser(billing, 301, 'kk');
    const events = recorded.step();
    assert.deepEqual(typesOf(events), ['customer.registered']);
    assert.deepEqual(events[0]?.resource, { type: 'customer', id: 301 });
    assert.equal((events[0]?.data.customer as { language: string }).language, 'kk');
  });

  test('staff adjustments credit and debit the wallet; a refused overdraft announces nothing', async () => {
    const wallet = billing.services.wallet!;
    await wallet.adjust({ userId: 301, amount: 50, reason: 'welcome', actor: { type: 'admin', id: 7000 } });
    await wallet.adjust({ userId: 301, amount: -20, reason: 'correction', actor: { type: 'admin', id: 7000 } });
    await assert.rejects(wallet.adjust({ userId: 301, amount: -1000, reason: 'too much', actor: { type: 'admin', id: 7000 } }));
    const events = recorded.step();
    assert.deepEqual(typesOf(events), ['wallet.credited', 'wallet.debited']);
    assert.deepEqual(
      events.map((event) => [(event.data.entry as { amount: number }).amount, (event.data.entry as { balance_after: number }).balance_after]),
      [
        [50, 50],
        [-20, 30],
      ],
    );
  });

  test('a confirmed transfer announces the payment and the credit; its refund the refund and the debit', async () => {
    const { payments } = billing.services;
    const { payment } = await payments.start({ userId: 301, purpose: 'topup', ref: 'p100', method: 'manual.bank_transfer', locale: 'kk' });
    await payments.confirm(payment.id, { type: 'admin', id: 7000 });
    const paid = recorded.step();
    assert.deepEqual(typesOf(paid).sort(), ['payment.succeeded', 'wallet.credited']);
    const succeeded = paid.find((event) => event.type === 'payment.succeeded');
    assert.deepEqual(succeeded?.resource, { type: 'payment', id: payment.id });
    assert.equal((succeeded?.data.payment as { status: string }).status, 'paid');
    await payments.refund(payment.id, { type: 'admin', id: 7000 });
    const refunded = recorded.step();
    assert.deepEqual(typesOf(refunded).sort(), ['payment.refunded', 'wallet.debited']);
    assert.equal((refunded.find((event) => event.type === 'payment.refunded')?.data.payment as { status: string }).status, 'refunded');
  });

  test('a customer message to support and a broadcast with nobody to reach are announced', async () => {
    await billing.services.support!.forwardToStaff({ userId: 301, name: 'Dana', chatId: 301, messageId: 5, kind: 'text', text: 'Сәлем' });
    const broadcasts = billing.services.broadcasts!;
    const draft = await broadcasts.createDraft({ text: 'Nobody', audience: { kind: 'ids', ids: [999_999] } });
    await broadcasts.start(draft.id);
    const events = recorded.step();
    assert.deepEqual(typesOf(events), ['support.message_received', 'broadcast.finished']);
    assert.equal((events[0]?.data.message as { text: string }).text, 'Сәлем');
    assert.equal((events[1]?.data.broadcast as { delivered: number }).delivered, 0);

    // A broadcast that reaches someone finishes when its last message has gone out.
    const sent = await broadcasts.createDraft({ text: 'Hello', audience: { kind: 'ids', ids: [301] } });
    await broadcasts.start(sent.id);
    await broadcasts.tick();
    assert.deepEqual(typesOf(recorded.step()), [], 'not finished while its message waits');
    await billing.database.db.updateTable('outbox').set({ status: 'sent' }).where('broadcast_id', '=', sent.id).execute();
    await broadcasts.tick();
    const finished = recorded.step();
    assert.deepEqual(typesOf(finished), ['broadcast.finished']);
    assert.deepEqual([finished[0]?.resource.id, (finished[0]?.data.broadcast as { delivered: number }).delivered], [sent.id, 1]);
  });
});

describe('events of the clinic: bookings moved and cancelled, feedback', () => {
  let clinic: ClinicServices;
  const recorded = recorder();
  const clock = clinicClock();

  before(async () => {
    clinic = await startClinicServices(sqliteTestDatabase(), { now: clock.now, events: recorded.events });
    await clinic.addPatient(500);
    recorded.step();
  });
  after(async () => {
    await clinic?.close();
  });

  test('booking, rescheduling and cancelling are announced with the appointment; a taken slot announces nothing', async () => {
    const { booking } = clinic.services;
    const branch = (await booking.listBranches())[0]!;
    const service = (await booking.servicesAtBranch(branch.id))[0]!;
    const at = (hour: number) => localToEpochMs('2026-03-10', hour * 60, 'Asia/Almaty');
    const visit = await booking.book({ patientId: 500, branchId: branch.id, serviceId: service.id, startMs: at(10), locale: 'ru' });
    await assert.rejects(booking.book({ patientId: 500, branchId: branch.id, serviceId: service.id, doctorId: visit.doctor_id, startMs: at(10), locale: 'ru' }));
    await booking.reschedule(visit.id, at(11), { type: 'patient', id: 500 });
    await booking.cancel(visit.id, { type: 'patient', id: 500 });
    const events = recorded.step();
    assert.deepEqual(typesOf(events), ['booking.created', 'booking.rescheduled', 'booking.cancelled']);
    assert.ok(events.every((event) => event.resource.type === 'appointment' && event.resource.id === visit.id));
    assert.equal((events[1]?.data.appointment as { starts_at: string }).starts_at, new Date(at(11)).toISOString());
  });

  test('a score after a completed visit is announced', async () => {
    const { booking, feedback } = clinic.services;
    const branch = (await booking.listBranches())[0]!;
    const service = (await booking.servicesAtBranch(branch.id))[0]!;
    const visit = await booking.book({ patientId: 500, branchId: branch.id, serviceId: service.id, startMs: localToEpochMs('2026-03-10', 15 * 60, 'Asia/Almaty'), locale: 'ru' });
    await booking.markVisit(visit.id, 'completed', { type: 'staff', id: 1 });
    recorded.step();
    await feedback.score(visit.id, 500, 9);
    await feedback.score(visit.id, 500, 2);
    const events = recorded.step();
    assert.deepEqual(typesOf(events), ['feedback.received'], 'a second press changes nothing and announces nothing');
    assert.equal((events[0]?.data.feedback as { score: number }).score, 9);
  });
});
