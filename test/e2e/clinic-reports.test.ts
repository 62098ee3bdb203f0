import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatMoney } from '../../src/config/money.ts';
import { pickLocalised } from '../../src/modules/booking/booking.settings.ts';
import type { AppointmentRecord } from '../../src/modules/booking/booking.tables.ts';
import { localDateOf } from '../../src/modules/booking/slots.ts';
import type { SimUser } from '../../src/sim/index.ts';
import { clinicClock, testIdentity } from '../support/clinic.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { readCsv, readXlsx } from '../support/xlsx-reader.ts';
import { textOf, waitText } from '../support/chat.ts';

const ADMIN = 9150;
const PATIENTS = [8151, 8152, 8153] as const;
const ALMATY = 'Asia/Almaty';
const DAY_MS = 24 * 3600_000;


describe('clinic staff /stats and /export (clinic preset)', () => {
  const clock = clinicClock();
  let lavka: TestLavka;
  let admin: SimUser;
  let patient: SimUser;
  /** What the test booked: two visits with one doctor, one with another, one cancelled. */
  let visits: { completed: AppointmentRecord; missed: AppointmentRecord; upcoming: AppointmentRecord; cancelled: AppointmentRecord };
  let doctorNames: Map<number, string>;

  before(async () => {
    lavka = await startTestLavka({ preset: 'clinic', adminIds: [ADMIN], now: clock.now });
    admin = lavka.sim.user({ id: ADMIN, first_name: 'Staff', language_code: 'en', hasStartedBot: true });
    patient = lavka.sim.user({ id: PATIENTS[0], first_name: 'Anna', language_code: 'en' });
    const { users, patients, booking } = lavka.app.services;
    assert.ok(users && patients && booking);
    for (const [index, userId] of PATIENTS.entries()) {
      await users.register({ id: userId, first_name: `Patient ${index}`, language_code: 'en' });
      await patients.register(userId, { fullName: ['Volkova Anna', 'Serikov Arman', 'Ivanova Olga'][index] as string, phone: `+7701${String(userId).padStart(7, '0')}`, ...testIdentity(userId) });
    }
    // Two doctors, each with a service they provide in some branch.
    const doctors = await booking.listDoctors({ activeOnly: true });
    doctorNames = new Map(doctors.map((doctor) => [doctor.id, pickLocalised(doctor.name, 'en')]));
    const services = await booking.listServices(true);
    const offers: { branchId: number; serviceId: number; doctorId: number }[] = [];
    for (const doctor of doctors) {
      for (const service of services) {
        if ((await booking.listDoctors({ branchId: doctor.branch_id, serviceId: service.id })).some((item) => item.id === doctor.id)) {
          offers.push({ branchId: doctor.branch_id, serviceId: service.id, doctorId: doctor.id });
          break;
        }
      }
    }
    const [first, second] = offers;
    assert.ok(first && second, 'the demo clinic has two doctors');
    // Soon (within a week) and later (the week after), whichever days each doctor works.
    const soon = localDateOf(clock.now() + DAY_MS, ALMATY);
    const later = localDateOf(clock.now() + 8 * DAY_MS, ALMATY);
    const slotsOf = async (offer: typeof first, date: string) => booking.freeSlots({ ...offer, fromDate: date, toDate: localDateOf(Date.parse(`${date}T12:00:00Z`) + 6 * DAY_MS, ALMATY) });
    const book = async (offer: typeof first, patientId: number, date: string, index: number) => {
      const slot = (await slotsOf(offer, date)).filter((item) => item.doctorIds.includes(offer.doctorId))[index];
      assert.ok(slot, `a free slot from ${date}`);
      return booking.book({ patientId, ...offer, startMs: slot.startMs, locale: 'en' });
    };
    const completed = await book(first, PATIENTS[0], soon, 0);
    const missed = await book(second, PATIENTS[1], soon, 0);
    const upcoming = await book(first, PATIENTS[2], later, 0);
    const cancelled = await booking.cancel((await book(first, PATIENTS[1], later, 2)).id, { type: 'staff', id: ADMIN });
    await booking.recordPayment(lavka.app.database.db, completed.id, { amountMinor: completed.price_minor, currency: completed.currency });
    // After both visits: one took place, one was missed.
    clock.set(Math.max(completed.ends_at, missed.ends_at) + 3600_000);
    visits = {
      completed: await booking.markVisit(completed.id, 'completed', { type: 'staff', id: ADMIN }),
      missed: await booking.markVisit(missed.id, 'no_show', { type: 'staff', id: ADMIN }),
      upcoming,
      cancelled,
    };
  });
  after(async () => {
    await lavka?.stop();
  });

  test('staff /stats shows the appointments by status, the no-shows, what was paid per doctor and the new patients', async () => {
    await admin.send('/stats');
    const stats = await waitText(admin, '🩺 Appointments from');
    const text = textOf(stats);
    assert.match(text, /^📊 Statistics/);
    assert.match(text, /• in total: 4\n/);
    assert.match(text, /• booked: 1\n• visit completed: 1\n• missed: 1\n• cancelled: 1\n/);
    assert.match(text, /• no-shows: 1 of 2 past visits \(50%\)/);
    assert.match(text, /• new patients: 3/);
    const paid = formatMoney(visits.completed.price_minor, visits.completed.currency, 'en');
    // The cancelled visit is not counted for its doctor; the upcoming one is, unpaid.
    assert.ok(text.includes(`• ${doctorNames.get(visits.completed.doctor_id)}: ${paid} (2 visits)`), text);
    assert.ok(text.includes(`• ${doctorNames.get(visits.missed.doctor_id)}: ${formatMoney(0, visits.missed.currency, 'en')} (1 visit)`), text);
  });

  test('staff /export sends the appointments as a CSV and an XLSX whose rows match, and narrows them to a status', async () => {
    await admin.send('/export all');
    const csvMessage = await admin.waitForMessage((message) => message.document?.file_name?.startsWith('appointments-all') === true && message.document.file_name.endsWith('.csv'), { timeoutMs: 8000 });
    assert.match(textOf(csvMessage), /^Appointments: 4 \(period: all, status: —\)/);
    const xlsxMessage = await admin.waitForMessage((message) => message.document?.file_name?.endsWith('.xlsx') === true, { timeoutMs: 8000 });
    const csv = readCsv(lavka.sim.file(csvMessage.document?.file_id ?? '')?.data ?? new Uint8Array());
    assert.deepEqual(csv[0], ['No.', 'Visit', 'Status', 'Patient', 'Telegram ID', 'Phone', 'Doctor', 'Service', 'Branch', 'Price', 'Paid', 'Currency']);
    const rows = new Map(csv.slice(1).map((row) => [Number(row[0]), row]));
    assert.deepEqual([...rows.keys()].sort((a, b) => a - b), [visits.completed.id, visits.missed.id, visits.upcoming.id, visits.cancelled.id].sort((a, b) => a - b));
    const completed = rows.get(visits.completed.id);
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: ALMATY, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(visits.completed.starts_at);
    assert.deepEqual(completed?.slice(1, 7), [local, 'visit completed', 'Volkova Anna', String(PATIENTS[0]), `+7701${String(PATIENTS[0]).padStart(7, '0')}`, doctorNames.get(visits.completed.doctor_id)]);
    assert.deepEqual(completed?.slice(9), [String(visits.completed.price_minor / 100), String(visits.completed.price_minor / 100), visits.completed.currency]);
    assert.equal(rows.get(visits.missed.id)?.[2], 'missed');
    assert.equal(rows.get(visits.cancelled.id)?.[2], 'cancelled');
    const book = readXlsx(lavka.sim.file(xlsxMessage.document?.file_id ?? '')?.data ?? new Uint8Array());
    assert.equal((book.sheets[book.sheetNames[0] ?? ''] ?? []).length, 5);

    await admin.send('/export 30d no_show');
    const missed = await admin.waitForMessage((message) => message.document?.file_name?.includes('-no_show-') === true && message.document.file_name.endsWith('.csv'), { timeoutMs: 8000 });
    assert.deepEqual(readCsv(lavka.sim.file(missed.document?.file_id ?? '')?.data ?? new Uint8Array()).slice(1).map((row) => Number(row[0])), [visits.missed.id]);
    await admin.send('/export last_year');
    await waitText(admin, 'Usage: /export');
  });

  test('a patient gets a clear refusal for /stats and /export, which are published for staff chats only', async () => {
    await patient.send('/stats');
    await waitText(patient, 'This command is for staff only.');
    await patient.send('/export');
    await waitText(patient, 'This command is for staff only.');
    // What Lavka publishes with setMyCommands: the two commands, in staff chats only.
    const published = lavka.app.modules.flatMap((item) => item.instance.commands ?? []);
    assert.deepEqual(published.filter((spec) => spec.command === 'stats' || spec.command === 'export').map((spec) => [spec.command, spec.audience]), [['stats', 'admin'], ['export', 'admin']]);
  });
});
