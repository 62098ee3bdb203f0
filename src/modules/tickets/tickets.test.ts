import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startClinicServices, type ClinicServices } from '../../../test/support/clinic.ts';
import { sqliteTestDatabase } from '../../../test/support/services.ts';
import { TicketsError, ticketIdFromStaffMessage } from './tickets.service.ts';

describe('support tickets', () => {
  let clinic: ClinicServices;
  const outbox = (chatId: number) =>
    clinic.database.db.selectFrom('outbox').select(['payload']).where('chat_id', '=', chatId).orderBy('id').execute().then((rows) => rows.map((row) => JSON.parse(row.payload) as { text: string }));

  before(async () => {
    clinic = await startClinicServices(sqliteTestDatabase(), { adminIds: [7000] });
    await clinic.addPatient(500, { locale: 'kk', name: 'Сейітова Дана' });
  });
  after(async () => {
    await clinic?.close();
  });

  test('a ticket goes to the staff chat, a staff reply reaches the patient, and statuses follow', async () => {
    const { tickets } = clinic.services;
    const ticket = await tickets.open(500, 'Анализ нәтижесі қашан дайын болады?');
    assert.equal(ticket.status, 'open');
    const [staffNotice] = await outbox(7000);
    assert.equal(ticketIdFromStaffMessage(staffNotice?.text), ticket.id);
    assert.match(staffNotice!.text, /Сейітова Дана/);
    const answered = await tickets.staffReply(ticket.id, 'Ертең түске дейін.', '7000');
    assert.equal(answered.status, 'answered');
    const [reply] = await outbox(500);
    assert.match(reply!.text, new RegExp(`№${ticket.id} өтінішіңізге жауап:\\n\\nЕртең түске дейін\\.`));
    const reopened = await tickets.patientMessage(ticket.id, 500, 'Рақмет!');
    assert.equal(reopened.status, 'open');
    const closed = await tickets.close(ticket.id, { type: 'staff', id: '7000' });
    assert.equal(closed.status, 'closed');
    await assert.rejects(tickets.staffReply(ticket.id, 'late', '7000'), (error) => error instanceof TicketsError && error.code === 'tickets.closed');
    assert.deepEqual((await tickets.thread(ticket.id)).map((message) => message.author), ['patient', 'staff', 'patient']);
  });

  test('a patient cannot write into someone else’s ticket', async () => {
    const { tickets } = clinic.services;
    const ticket = await tickets.open(500, 'Сұрақ');
    await assert.rejects(tickets.patientMessage(ticket.id, 501, 'hijack'), (error) => error instanceof TicketsError && error.code === 'tickets.not_found');
    await assert.rejects(tickets.close(ticket.id, { type: 'patient', id: 501 }), (error) => error instanceof TicketsError && error.code === 'tickets.not_found');
  });
});
