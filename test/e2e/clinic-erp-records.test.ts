import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays, localDateOf, localToEpochMs, parseClock } from '../../src/modules/booking/slots.ts';
import type { DemoErp } from '../../src/sim/clinic-erp/index.ts';
import type { SimUser, ViewMessage } from '../../src/sim/index.ts';
import { buttonsOf, press, textOf, waitText } from '../support/clinic-chat.ts';
import { testIdentity } from '../support/clinic.ts';
import type { TestLavka } from '../support/harness.ts';
import { readPdf } from '../support/pdf-reader.ts';
import { testDialects } from '../support/services.ts';
import { ALMATY, eventually, startClinicOnErp, type ClinicOnErp } from '../support/clinic-erp.ts';

const ADMIN = 9400;
const PATIENT = 8401;
const KAZAKH_PATIENT = 8402;
const TOKEN = 'clinic-erp-records-token-0123456789';
const NAME = 'Сапарова Айгерим Болатовна';
const APOLOGY = 'Система клиники сейчас не отвечает';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const dialect of await testDialects()) {
  describe(`the clinic's documents, FAQ, tickets and feedback on top of its ERP (${dialect.name})`, () => {
    let erp: DemoErp;
    let lavka: TestLavka;
    let patient: SimUser;
    let clinic: ClinicOnErp;
    let visitId: number;
    // Lavka's clock runs ahead of the wall clock when a test needs a back-off or a cache to pass.
    let aheadMs = 0;

    before(async () => {
      clinic = await startClinicOnErp({
        database: await dialect.create(),
        token: TOKEN,
        adminIds: [ADMIN],
        connector: ['breaker: { failures: 3, pauseSeconds: 1 }'],
        now: () => Date.now() + aheadMs,
      });
      ({ erp, lavka } = clinic);
      patient = lavka.sim.user({ id: PATIENT, first_name: 'Айгерим', language_code: 'ru' });
      await patient.send('/start');
      await patient.waitForMessage(() => true, { timeoutMs: 5000 });
      await lavka.app.services.patients!.register(PATIENT, { fullName: NAME, phone: '+77015558401', ...testIdentity(PATIENT) });

      // A visit booked in the ERP (Lavka keeps its confirmation PDF and the ERP's id of the visit).
      const doctor = erp.control.doctors()[0]!;
      const serviceId = doctor.service_ids[0]!;
      const free = erp.control.firstFree(doctor.id, serviceId, addDays(localDateOf(Date.now(), ALMATY), 2))!;
      const visit = await lavka.app.services.booking!.book({
        patientId: PATIENT,
        branchId: await clinic.localId('booking_branches', doctor.branch_id),
        serviceId: await clinic.localId('booking_services', serviceId),
        doctorId: await clinic.localId('booking_doctors', doctor.id),
        startMs: localToEpochMs(free.date, parseClock(free.time)!, ALMATY),
        locale: 'ru',
      });
      assert.ok(visit.external_id, 'the ERP booked the visit');
      visitId = visit.id;
    });
    after(async () => {
      await clinic?.stop();
    });

    const db = () => lavka.app.database.db;
    const clinicErp = () => lavka.app.services['clinic-erp']!;
    const botTexts = (user: SimUser, part: string) => user.chat().messages.filter((message) => message.from_bot && textOf(message).includes(part)).length;
    const erpCalls = (operation: string) => erp.calls.filter((call) => call.operation === operation).length;
    const documentMessages = () => patient.chat().messages.filter((message) => message.from_bot && message.document !== undefined);

    /** Presses a button and waits for the document the bot sends for it. */
    async function download(label: (button: { text: string; callback_data?: string }) => boolean): Promise<ViewMessage> {
      const before = documentMessages().length;
      await press(patient, label);
      await eventually(() => documentMessages().length > before, 'the document');
      return documentMessages().at(-1)!;
    }

    const pdfText = async (message: ViewMessage) => {
      const file = lavka.sim.file(message.document!.file_id);
      assert.ok(file, 'the simulator has the file');
      return (await readPdf(new Uint8Array(file.data as Buffer))).pages.flat().join('\n');
    };

    test('the list shows the ERP’s documents beside Lavka’s confirmation; a download sends the ERP’s PDF, and the second one Telegram’s copy', async () => {
      const resultId = await erp.control.addResult(PATIENT, 'Общий анализ крови');
      await patient.send('/documents');
      const list = await waitText(patient, 'Ваши документы');
      const buttons = buttonsOf(list);
      const result = buttons.find((button) => button.callback_data === `doc:e:${resultId}`);
      assert.ok(result, `the ERP's result is listed: ${buttons.map((button) => button.text).join(' | ')}`);
      assert.match(result.text, /^🧪 Общий анализ крови · /);
      assert.ok(buttons.some((button) => /^doc:g:/.test(button.callback_data ?? '') && button.text.includes('Подтверждение записи')), 'Lavka’s own confirmation is listed too');

      const first = await download((button) => button.callback_data === `doc:e:${resultId}`);
      assert.equal(first.document?.file_name, 'Общий анализ крови.pdf');
      const text = await pdfText(first);
      assert.ok(text.includes('Общий анализ крови'), text);
      assert.ok(text.includes(NAME), text);
      assert.equal(erpCalls('file'), 1, 'fetched from the ERP once');

      const again = await download((button) => button.callback_data === `doc:e:${resultId}`);
      assert.equal(again.document?.file_id, first.document?.file_id, 'Telegram’s copy is sent again');
      assert.equal(erpCalls('file'), 1, 'not fetched again');
      const cached = await db().selectFrom('documents_clinic_files').selectAll().where('external_id', '=', String(resultId)).execute();
      assert.deepEqual(cached.map((row) => [Number(row.patient_id), row.telegram_file_id]), [[PATIENT, first.document!.file_id]]);
    });

    test('someone else’s ERP document is not sent, whatever the button says', async () => {
      const otherId = await erp.control.addResult(PATIENT, 'Чужой анализ');
      const stranger = lavka.sim.user({ id: 8499, first_name: 'Stranger', language_code: 'ru' });
      await stranger.send('/start');
      await stranger.waitForMessage(() => true, { timeoutMs: 5000 });
      // A forged press on the bot's last message to them.
      const toast = await stranger.pressCallback(stranger.chat().messages.at(-1)!.message_id, `doc:e:${otherId}`);
      assert.equal(toast?.text, 'Этот документ недоступен.');
      assert.equal(stranger.chat().messages.filter((message) => message.document !== undefined).length, 0);
    });

    test('a tax certificate is made by the ERP at once and offered; a kind it does not make goes to the staff as before', async () => {
      const requestsBefore = (await db().selectFrom('document_requests').select('id').execute()).length;
      await patient.send('/documents');
      await waitText(patient, 'Ваши документы');
      await press(patient, '📝 Запросить справку');
      await waitText(patient, 'Какая справка вам нужна?');
      await press(patient, 'Справка для налогового вычета');
      const offered = await waitText(patient, 'Ваша справка готова: Справка для налогового вычета');
      const generate = erp.calls.filter((call) => call.operation === 'documentGenerate');
      assert.equal(generate.length, 1);
      assert.deepEqual([generate[0]!.body.document_type, generate[0]!.body.language, Number(generate[0]!.body.telegram_user_id)], ['tax', 'ru', PATIENT]);
      const get = buttonsOf(offered).find((button) => button.text === '📥 Получить документ');
      assert.match(get?.callback_data ?? '', /^doc:e:\d+$/);
      const sent = await download((button) => button.callback_data === get!.callback_data);
      assert.ok((await pdfText(sent)).includes('Справка для налогового вычета'));
      assert.equal((await db().selectFrom('document_requests').select('id').execute()).length, requestsBefore, 'no request to the staff');

      await patient.send('/documents');
      await waitText(patient, 'Ваши документы');
      await press(patient, '📝 Запросить справку');
      await waitText(patient, 'Какая справка вам нужна?');
      await press(patient, 'Справка для учёбы');
      await waitText(patient, 'добавьте комментарий');
      await press(patient, 'Пропустить');
      await waitText(patient, 'Запрос №');
      const requests = await db().selectFrom('document_requests').select(['kind', 'status']).orderBy('id').execute();
      assert.equal(requests.length, requestsBefore + 1);
      assert.deepEqual({ ...requests.at(-1) }, { kind: 'school', status: 'open' });
      assert.equal(erp.calls.filter((call) => call.operation === 'documentGenerate').length, 1, 'the ERP was not asked for a kind it does not make');
    });

    test('a lab result ready in the ERP reaches the patient once, in their language, with a button to get it', async () => {
      const resultId = await erp.control.addResult(PATIENT, 'Анализ мочи');
      await clinicErp().followChanges();
      // The feed read again from the start: the notices are keyed by the document.
      await db().deleteFrom('clinic_erp_cursors').execute();
      await clinicErp().followChanges();
      const notice = await waitText(patient, '📄 Ваш документ готов: Анализ мочи');
      await pause(300);
      assert.equal(botTexts(patient, 'Ваш документ готов: Анализ мочи'), 1);
      assert.equal(botTexts(patient, 'Ваш документ готов: Общий анализ крови'), 1);
      const get = buttonsOf(notice).find((button) => button.text === '📥 Получить документ');
      assert.equal(get?.callback_data, `doc:e:${resultId}`);
      const sent = await download((button) => button.callback_data === get!.callback_data);
      assert.ok((await pdfText(sent)).includes('Анализ мочи'));
    });

    test('the FAQ is the ERP’s, in the patient’s language, read once per few minutes; with the ERP down, Lavka’s own', async () => {
      const faqCalls = () => erp.calls.filter((call) => call.operation === 'faq');
      const before = faqCalls().length;
      await patient.send('/faq');
      const list = await waitText(patient, 'Частые вопросы');
      assert.ok(buttonsOf(list).some((button) => button.text === 'Как подготовиться к УЗИ?'));
      await press(patient, 'Как подготовиться к УЗИ?');
      await waitText(patient, 'Не ешьте за 6 часов до исследования брюшной полости.');

      const kazakh = lavka.sim.user({ id: KAZAKH_PATIENT, first_name: 'Дана', language_code: 'kk' });
      await kazakh.send('/faq');
      const kk = await waitText(kazakh, 'Жиі қойылатын сұрақтар');
      assert.ok(buttonsOf(kk).some((button) => button.text === 'УДЗ-ға қалай дайындалу керек?'));
      assert.deepEqual(
        faqCalls()
          .slice(before)
          .map((call) => call.body.language),
        ['ru', 'kk'],
        'once per language: the answer and the list again come from the cache',
      );

      aheadMs += 6 * 60_000;
      erp.setDown(true);
      try {
        await patient.send('/faq');
        const own = await patient.waitForMessage((message) => buttonsOf(message).some((button) => button.text === 'Как записаться на приём?'), { timeoutMs: 5000 });
        assert.ok(!buttonsOf(own).some((button) => button.text === 'Как подготовиться к УЗИ?'));
      } finally {
        erp.setDown(false);
      }
      await pause(1100);
    });

    test('a ticket and a score reach the ERP once, though it was down when they were made', async () => {
      const visit = await lavka.app.services.booking!.markVisit(visitId, 'completed', { type: 'staff', id: String(ADMIN) });
      erp.setDown(true);
      let ticketId: number;
      try {
        await patient.send('/ticket');
        await patient.waitForMessage((message) => buttonsOf(message).some((button) => button.callback_data === 'tickets:new'), { timeoutMs: 5000 });
        await press(patient, (button) => button.callback_data === 'tickets:new');
        await waitText(patient, 'Опишите ваш вопрос');
        await patient.send('Когда будут готовы анализы?');
        const created = await waitText(patient, 'отправлено');
        ticketId = Number(/№(\d+)/.exec(textOf(created))?.[1]);
        assert.ok(ticketId > 0, 'the ticket works in Lavka while the ERP is down');
        const { feedback } = lavka.app.services;
        assert.equal((await feedback!.score(visitId, PATIENT, 9)).created, true);
        await feedback!.comment(visitId, PATIENT, 'Спасибо доктору');
        await clinicErp().deliverOutbox();
        assert.equal(erp.control.tickets().length, 0);
        assert.equal(erp.control.feedback().length, 0);
      } finally {
        erp.setDown(false);
      }
      await pause(1100);
      // Past the back-off of the failed attempt.
      aheadMs += 15 * 60_000;
      await eventually(async () => {
        await clinicErp().deliverOutbox();
        return erp.control.tickets().length === 1 && erp.control.feedback().length === 1;
      }, 'the outbox job delivering');
      await clinicErp().deliverOutbox();

      const [ticket] = erp.control.tickets();
      assert.deepEqual([Number(ticket!.telegram_user_id), ticket!.subject, ticket!.message], [PATIENT, 'Когда будут готовы анализы?', 'Когда будут готовы анализы?']);
      const stored = await db().selectFrom('tickets').select(['external_id', 'status']).where('id', '=', ticketId).executeTakeFirstOrThrow();
      assert.deepEqual({ ...stored }, { external_id: ticket!.ticket_id, status: 'open' });
      const [score] = erp.control.feedback();
      assert.deepEqual([Number(score!.telegram_user_id), String(score!.appointment_id), score!.score, score!.comment], [PATIENT, visit.external_id, 9, 'Спасибо доктору']);
      const served = erp.calls.filter((call) => call.operation === 'supportTicket' || call.operation === 'feedback');
      assert.equal(served.length, 2, 'each was sent once');
      assert.deepEqual(served.map((call) => call.idempotencyKey?.replace(/\d+/g, 'N')).sort(), ['lavka-feedback-N', 'lavka-ticket-N-N']);
    });

    test('with the ERP down, the document list is the apology in the patient’s language and nothing is written', async () => {
      const count = async () =>
        Promise.all([
          db().selectFrom('documents').select('id').execute(),
          db().selectFrom('documents_clinic_files').select('external_id').execute(),
          db().selectFrom('document_requests').select('id').execute(),
          db().selectFrom('clinic_erp_outbox').select('id').execute(),
        ]).then((tables) => tables.map((rows) => rows.length));
      const before = await count();
      const apologies = botTexts(patient, APOLOGY);
      erp.setDown(true);
      try {
        await patient.send('/documents');
        await eventually(() => botTexts(patient, APOLOGY) > apologies, 'the apology');
        assert.deepEqual(await count(), before);
      } finally {
        erp.setDown(false);
      }
    });
  });
}
