import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clinicClock, startClinicServices, type ClinicServices } from '../../../test/support/clinic.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { createScheduler, type JobHandler } from '../../delivery/scheduler.ts';
import { silentLogger } from '../../observability/logger.ts';
import { BookingError, CLAIM_CELL_MS, claimCells, REMINDER_JOB } from './booking.service.ts';
import { pickLocalised } from './booking.settings.ts';
import { localToEpochMs } from './slots.ts';

const ALMATY = 'Asia/Almaty';
/** Monday 9 March 2026, 08:00 in Almaty: the demo schedule is seeded relative to this day. */
const MONDAY_8AM = Date.parse('2026-03-09T03:00:00Z');
const at = (date: string, time: string) => {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return localToEpochMs(date, hours * 60 + minutes, ALMATY);
};

/** The Dostyk branch, the therapist service and Dr Nurlanova (Mon–Fri 09–18, lunch 13–14, off on Thursday). */
async function directory(clinic: ClinicServices) {
  const { booking } = clinic.services;
  const branch = (await booking.listBranches()).find((item) => pickLocalised(item.title, 'en') === 'Dostyk branch');
  const service = (await booking.listServices()).find((item) => pickLocalised(item.title, 'en') === 'General practitioner');
  assert.ok(branch && service);
  const doctors = await booking.listDoctors({ branchId: branch.id, serviceId: service.id });
  const nurlanova = doctors.find((doctor) => pickLocalised(doctor.name, 'en') === 'Aigul Nurlanova');
  const zhaksybekov = doctors.find((doctor) => pickLocalised(doctor.name, 'en') === 'Yerlan Zhaksybekov');
  assert.ok(nurlanova && zhaksybekov);
  return { branchId: branch.id, serviceId: service.id, doctorId: nurlanova.id, secondDoctorId: zhaksybekov.id };
}

function handlersOf(clinic: ClinicServices): Map<string, JobHandler> {
  return new Map(clinic.modules.flatMap((item) => Object.entries(item.instance.jobHandlers ?? {})));
}

for (const dialect of await testDialects()) {
  describe(`booking on ${dialect.name}`, () => {
    let target: TestDatabase;
    let clinic: ClinicServices;
    const clock = clinicClock(MONDAY_8AM);

    before(async () => {
      target = await dialect.create();
      clinic = await startClinicServices(target, { now: clock.now });
      // 100–119 race for one slot (any of them may win); later tests use their own patients.
      for (let id = 100; id < 140; id += 1) await clinic.addPatient(id);
    });
    after(async () => {
      await clinic?.close();
    });

    test('free slots follow the seeded schedule: lunch break, the day off on Thursday, no weekend', async () => {
      const { branchId, serviceId, doctorId } = await directory(clinic);
      const { booking } = clinic.services;
      const tuesday = await booking.freeSlots({ branchId, serviceId, doctorId, fromDate: '2026-03-10', toDate: '2026-03-10' });
      assert.equal(tuesday[0]?.startMs, at('2026-03-10', '09:00'));
      assert.ok(!tuesday.some((slot) => slot.startMs >= at('2026-03-10', '13:00') && slot.startMs < at('2026-03-10', '14:00')), 'nothing in the lunch break');
      assert.equal(tuesday.length, 16, '8 working hours in 30-minute steps');
      const dates = await booking.datesWithSlots({ branchId, serviceId, doctorId, month: '2026-03' });
      assert.ok(dates.has('2026-03-10') && dates.has('2026-03-11'));
      assert.ok(!dates.has('2026-03-12'), 'the seeded day off (three days after seeding)');
      assert.ok(!dates.has('2026-03-14') && !dates.has('2026-03-15'), 'no weekend');
      assert.ok(!dates.has('2026-03-08'), 'nothing in the past');
    });

    test('many patients booking one slot at once: exactly one wins, the database refuses the rest with the nearest free slots', async () => {
      const { branchId, serviceId, doctorId } = await directory(clinic);
      const { booking } = clinic.services;
      const startMs = at('2026-03-10', '10:00');
      const attempts = await Promise.allSettled(
        Array.from({ length: 20 }, (_, index) => booking.book({ patientId: 100 + index, branchId, serviceId, doctorId, startMs, locale: 'ru' })),
      );
      const won = attempts.filter((item) => item.status === 'fulfilled');
      const lost = attempts.filter((item): item is PromiseRejectedResult => item.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, 19);
      for (const failure of lost) {
        assert.ok(failure.reason instanceof BookingError, String(failure.reason));
        assert.equal(failure.reason.code, 'booking.slot_taken');
        const alternatives = failure.reason.details.alternatives as { startMs: number }[];
        assert.equal(alternatives.length, 3);
        assert.ok(!alternatives.some((slot) => slot.startMs === startMs));
        // Half an hour either side, then an hour either side, where the later wins the tie.
        assert.deepEqual(alternatives.map((slot) => slot.startMs), [at('2026-03-10', '09:30'), at('2026-03-10', '10:30'), at('2026-03-10', '11:00')]);
      }
      const booked = await booking.list({ doctorId, fromMs: startMs, toMs: startMs + 1, statuses: ['booked'] });
      assert.equal(booked.length, 1);
      const cells = await clinic.database.db.selectFrom('booking_slot_claims').select('cell_start').where('appointment_id', '=', booked[0]!.id).execute();
      assert.equal(cells.length, 6, 'a 30-minute visit holds six 5-minute cells');
    });

    test('the claim table itself refuses an overlapping claim, whatever the code in front of it', async () => {
      const { doctorId } = await directory(clinic);
      const [appointment] = await clinic.services.booking.list({ doctorId, statuses: ['booked'] });
      assert.ok(appointment);
      await assert.rejects(
        clinic.database.db
          .insertInto('booking_slot_claims')
          .values({ doctor_id: doctorId, cell_start: appointment.starts_at + CLAIM_CELL_MS, appointment_id: appointment.id })
          .execute(),
        (error) => isUniqueViolation(error),
      );
    });

    test('overlapping services of different lengths cannot share a doctor’s time', async () => {
      const { branchId, doctorId } = await directory(clinic);
      const { booking } = clinic.services;
      // Dr Zhaksybekov also sees therapist patients; his cardiology visit lasts 45 minutes.
      const cardio = (await booking.listServices()).find((item) => pickLocalised(item.title, 'en') === 'Cardiologist');
      const yerlan = (await booking.listDoctors({ branchId, serviceId: cardio?.id })).at(0);
      assert.ok(cardio && yerlan && yerlan.id !== doctorId);
      const wednesday = '2026-03-11';
      await booking.book({ patientId: 120, branchId, serviceId: cardio.id, doctorId: yerlan.id, startMs: at(wednesday, '10:00'), locale: 'ru' });
      const therapist = (await booking.servicesAtBranch(branchId)).find((item) => pickLocalised(item.title, 'en') === 'General practitioner');
      await assert.rejects(
        booking.book({ patientId: 121, branchId, serviceId: (therapist as { id: number }).id, doctorId: yerlan.id, startMs: at(wednesday, '10:30'), locale: 'ru' }),
        (error) => error instanceof BookingError && error.code === 'booking.slot_taken',
      );
      const free = await booking.freeSlots({ branchId, serviceId: (therapist as { id: number }).id, doctorId: yerlan.id, fromDate: wednesday, toDate: wednesday });
      assert.ok(!free.some((slot) => slot.startMs === at(wednesday, '10:30')));
      assert.ok(free.some((slot) => slot.startMs === at(wednesday, '11:00')), 'free again once the 45 minutes are over');
    });

    test('with "any doctor", a taken doctor is skipped for another who is free at that time', async () => {
      const { branchId, serviceId, doctorId, secondDoctorId } = await directory(clinic);
      const { booking } = clinic.services;
      const startMs = at('2026-03-13', '11:00');
      const first = await booking.book({ patientId: 122, branchId, serviceId, doctorId, startMs, locale: 'ru' });
      const second = await booking.book({ patientId: 123, branchId, serviceId, startMs, locale: 'kk' });
      assert.equal(first.doctor_id, doctorId);
      assert.equal(second.doctor_id, secondDoctorId);
      await assert.rejects(booking.book({ patientId: 124, branchId, serviceId, startMs, locale: 'ru' }), (error) => error instanceof BookingError && error.code === 'booking.slot_taken');
    });

    test('rescheduling frees the old slot and takes the new one in one step; a taken target changes nothing', async () => {
      const { branchId, serviceId, doctorId } = await directory(clinic);
      const { booking } = clinic.services;
      const day = '2026-03-16';
      const original = await booking.book({ patientId: 125, branchId, serviceId, doctorId, startMs: at(day, '09:00'), locale: 'ru' });
      const blocker = await booking.book({ patientId: 126, branchId, serviceId, doctorId, startMs: at(day, '12:00'), locale: 'ru' });
      const moved = await booking.reschedule(original.id, at(day, '11:00'), { type: 'patient', id: 125 });
      assert.equal(moved.starts_at, at(day, '11:00'));
      assert.deepEqual(
        (await clinic.database.db.selectFrom('booking_slot_claims').select('cell_start').where('appointment_id', '=', original.id).orderBy('cell_start').execute()).map((row) => row.cell_start),
        claimCells(at(day, '11:00'), at(day, '11:30')),
      );
      // 09:00 is free again: another patient gets it.
      const taker = await booking.book({ patientId: 127, branchId, serviceId, doctorId, startMs: at(day, '09:00'), locale: 'ru' });
      assert.equal(taker.starts_at, at(day, '09:00'));
      // Moving onto a taken time is refused and the visit keeps its current slot.
      await assert.rejects(booking.reschedule(original.id, blocker.starts_at, { type: 'patient', id: 125 }), (error) => error instanceof BookingError && error.code === 'booking.slot_taken');
      const after = await booking.get(original.id);
      assert.equal(after?.starts_at, at(day, '11:00'));
      assert.equal((await clinic.database.db.selectFrom('booking_slot_claims').select('cell_start').where('appointment_id', '=', original.id).execute()).length, 6);
      // Someone else's visit cannot be moved.
      await assert.rejects(booking.reschedule(original.id, at(day, '15:00'), { type: 'patient', id: 999 }), (error) => error instanceof BookingError && error.code === 'booking.not_found');
    });

    test('cancelling frees the time; changes inside the cut-off are refused', async () => {
      const { branchId, serviceId, doctorId } = await directory(clinic);
      const { booking } = clinic.services;
      const soon = await booking.book({ patientId: 128, branchId, serviceId, doctorId, startMs: at('2026-03-09', '15:00'), locale: 'ru' });
      clock.set(at('2026-03-09', '13:30'));
      try {
        await assert.rejects(booking.cancel(soon.id, { type: 'patient', id: 128 }), (error) => error instanceof BookingError && error.code === 'booking.too_late');
        // Staff may still cancel; the patient hears about it through the outbox.
        await booking.cancel(soon.id, { type: 'staff', id: 1 });
      } finally {
        clock.set(MONDAY_8AM);
      }
      const notice = await clinic.database.db.selectFrom('outbox').select('payload').where('dedupe_key', '=', `booking:${soon.id}:cancelled:patient`).executeTakeFirst();
      assert.ok(notice);
      const again = await booking.book({ patientId: 129, branchId, serviceId, doctorId, startMs: at('2026-03-09', '15:00'), locale: 'ru' });
      assert.equal(again.status, 'booked');
    });

    test('a reminder is sent once, at its time, with a restart in between and a handler run twice', async () => {
      const { branchId, serviceId, doctorId } = await directory(clinic);
      clock.set(MONDAY_8AM);
      const visitMs = at('2026-03-11', '16:00');
      const appointment = await clinic.services.booking.book({ patientId: 130, branchId, serviceId, doctorId, startMs: visitMs, locale: 'ru' });
      const reminders = () =>
        clinic.database.db.selectFrom('outbox').selectAll().where('chat_id', '=', 130).where('dedupe_key', 'like', `booking:reminder:${appointment.id}:%`).execute();
      const scheduler = () => createScheduler({ db: clinic.database.db, dialect: clinic.database.dialect, handlers: handlersOf(clinic), logger: silentLogger(), clock: clock.now, leaseMs: 60_000 });

      await scheduler().runDue();
      assert.equal((await reminders()).length, 0);

      // The process stops and starts again; the jobs are in the database.
      clinic = await clinic.restart();
      clock.set(visitMs - 24 * 3600_000 - 1000);
      await scheduler().runDue();
      assert.equal((await reminders()).length, 0, 'not a second early');

      clock.set(visitMs - 24 * 3600_000);
      await scheduler().runDue();
      let sent = await reminders();
      assert.equal(sent.length, 1);
      const payload = JSON.parse(sent[0]!.payload) as { text: string; reply_markup: { inline_keyboard: { callback_data: string }[][] } };
      assert.match(payload.text, /Напоминаем о приёме/);
      assert.deepEqual(payload.reply_markup.inline_keyboard.flat().map((button) => button.callback_data), [`bk:cf:${appointment.id}`, `bk:cx:${appointment.id}`]);

      // A crash after the message was queued but before the job was marked done: it runs again, and sends nothing new.
      await clinic.database.db.updateTable('scheduled_jobs').set({ status: 'running', claimed_by: 'dead-worker', claimed_until: clock.now() - 1 }).where('dedupe_key', '=', `booking:reminder:${appointment.id}:1440`).execute();
      clock.advance(60_000);
      assert.equal(await scheduler().runDue(), 1);
      assert.equal((await reminders()).length, 1);

      clock.set(visitMs - 2 * 3600_000);
      await scheduler().runDue();
      sent = await reminders();
      assert.equal(sent.length, 2, 'the 2-hour reminder follows');
      clock.set(MONDAY_8AM);
    });

    test('a rescheduled visit is reminded of its new time only, and a cancelled one not at all', async () => {
      const { branchId, serviceId, doctorId } = await directory(clinic);
      const { booking } = clinic.services;
      clock.set(MONDAY_8AM);
      // Reminders are written in the patient's current language.
      await clinic.services.users.register({ id: 131, first_name: 'Aruzhan', language_code: 'kk' });
      const moving = await booking.book({ patientId: 131, branchId, serviceId, doctorId, startMs: at('2026-03-17', '09:00'), locale: 'kk' });
      await booking.reschedule(moving.id, at('2026-03-18', '09:00'), { type: 'patient', id: 131 });
      const cancelled = await booking.book({ patientId: 132, branchId, serviceId, doctorId, startMs: at('2026-03-17', '10:00'), locale: 'ru' });
      await booking.cancel(cancelled.id, { type: 'patient', id: 132 });
      const scheduler = createScheduler({ db: clinic.database.db, dialect: clinic.database.dialect, handlers: handlersOf(clinic), logger: silentLogger(), clock: clock.now });
      clock.set(at('2026-03-17', '09:00') - 3600_000);
      await scheduler.runDue();
      const early = await clinic.database.db.selectFrom('outbox').select('dedupe_key').where('chat_id', 'in', [131, 132]).where('dedupe_key', 'like', 'booking:reminder:%').execute();
      assert.deepEqual(early, []);
      clock.set(at('2026-03-18', '09:00') - 24 * 3600_000);
      await scheduler.runDue();
      const due = await clinic.database.db.selectFrom('outbox').select(['dedupe_key', 'payload']).where('chat_id', '=', 131).where('dedupe_key', 'like', 'booking:reminder:%').execute();
      assert.equal(due.length, 1);
      assert.match(JSON.parse(due[0]!.payload).text as string, /Қабылдау туралы еске саламыз/);
      assert.ok(due[0]!.dedupe_key?.endsWith(`:${at('2026-03-18', '09:00')}`));
      const jobs = await clinic.database.db.selectFrom('scheduled_jobs').select(['status']).where('kind', '=', REMINDER_JOB).where('dedupe_key', 'like', `booking:reminder:${cancelled.id}:%`).execute();
      assert.ok(jobs.every((job) => job.status === 'cancelled'));
      clock.set(MONDAY_8AM);
    });

    test('the balance counts payments against completed visits', async () => {
      const { branchId, serviceId, doctorId } = await directory(clinic);
      const { booking } = clinic.services;
      const visit = await booking.book({ patientId: 133, branchId, serviceId, doctorId, startMs: at('2026-03-19', '09:00'), locale: 'ru' });
      await clinic.database.db.transaction().execute((trx) => booking.recordPayment(trx, visit.id, { amountMinor: 300_000, currency: 'KZT' }));
      let [balance] = await booking.balanceOf(133);
      assert.deepEqual(balance, { currency: 'KZT', paidMinor: 300_000, chargedMinor: 0, balanceMinor: 300_000, dueMinor: 500_000 });
      await booking.markVisit(visit.id, 'completed', { type: 'staff', id: 1 });
      [balance] = await booking.balanceOf(133);
      assert.deepEqual(balance, { currency: 'KZT', paidMinor: 300_000, chargedMinor: 800_000, balanceMinor: -500_000, dueMinor: 500_000 });
      // Overpaying is capped at the price (the database would refuse more anyway).
      await clinic.database.db.transaction().execute((trx) => booking.recordPayment(trx, visit.id, { amountMinor: 900_000, currency: 'KZT' }));
      [balance] = await booking.balanceOf(133);
      assert.equal(balance?.balanceMinor, 0);
    });
  });
}
