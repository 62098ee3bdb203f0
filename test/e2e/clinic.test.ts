import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { localDateOf } from '../../src/modules/booking/slots.ts';
import { qrSignature } from '../../src/modules/payments/providers/qr.provider.ts';
import type { SimUser } from '../../src/sim/index.ts';
import { testIdentity } from '../support/clinic.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { buttonsOf, pickDay, press, textOf, waitText } from '../support/clinic-chat.ts';
import { readPdf } from '../support/pdf-reader.ts';

const ADMIN = 9100;
const QR_SECRET = 'clinic-e2e-qr-webhook-secret-0123456789';
const ALMATY = 'Asia/Almaty';

/**
 * Waits until the chat holds a bot message for every matcher, in whatever order they came:
 * notifications go through the outbox, which does not promise an order between two of them.
 */
async function waitForAll(user: SimUser, matchers: readonly string[], timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const texts = user.chat().messages.filter((message) => message.from_bot).map(textOf);
    const missing = matchers.filter((matcher) => !texts.some((text) => text.includes(matcher)));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`no message with ${missing.map((item) => JSON.stringify(item)).join(', ')} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What each language shows at each step. */
const TEXTS = {
  kk: {
    menuBook: '🗓 Қабылдауға жазылу',
    needRegistration: 'алдымен тіркеліңіз',
    register: '📝 Тіркелу',
    askName: 'Толық аты-жөніңізді жазыңыз',
    name: 'Нұрланова Әлия Серікқызы',
    nameError: 'Тегіңіз бен атыңызды әріптермен жазыңыз',
    askPhone: 'телефон нөміріңізбен бөлісіңіз',
    shareContact: '📱 Нөмірімді жіберу',
    askBirth: 'Туған күніңізді',
    askIin: 'ЖСН-іңіз',
    iinCheckError: '(бақылау) цифры',
    iinBirthError: 'басқа күні туған адамға',
    registered: '✅ Сіз тіркелдіңіз.',
    continue: 'Жалғастыру »',
    chooseBranch: 'Филиалды таңдаңыз',
    chooseService: 'Қызметті таңдаңыз',
    chooseDoctor: 'Дәрігерді таңдаңыз',
    checkBooking: 'Жазылуыңызды тексеріңіз',
    status: 'Күйі: жазылған',
    moveAsk: 'Қабылдауды ауыстырасыз ба?',
    branch: '🏥 Достық филиалы',
    service: 'Терапевт кеңесі',
    doctor: '👩‍⚕️ Айгүл Нұрланова',
    chooseDate: 'Күнді таңдаңыз',
    chooseTime: 'Уақытты таңдаңыз',
    confirm: '✅ Растау',
    booked: '✅ Сіз қабылдауға жазылдыңыз!',
    staffBooked: '🆕 Жаңа жазылу',
    reminder: '⏰ Қабылдау туралы еске саламыз',
    willCome: '✅ Келемін',
    willComeToast: 'Рақмет! Сізді күтеміз.',
    staffConfirmed: 'келетінін растады',
    myTitle: 'Алдағы қабылдауларыңыз',
    reschedule: '🔁 Ауыстыру',
    rescheduled: '🔁 Қабылдауыңыз ауыстырылды.',
    pay: '💳 Қабылдау ақысын төлеу',
    qr: '📱 QR арқылы төлем',
    paid: 'қабылдау үшін төлем алынды',
    documents: 'Сіздің құжаттарыңыз',
    confirmationButton: 'жазылуды растау',
    pdfTitle: /Қабылдауға жазылуды растау №\d+/,
    npsQuestion: 'Қабылдау қалай өтті?',
    score: '4',
    askComment: 'Сіздің бағаңыз: 4',
    comment: 'Кезекте ұзақ күттім',
    thanks: '🙏 Пікіріңіз үшін рақмет!',
    supportHome: '💬 Қолдау қызметі.',
    newTicket: '✍️ Клиникаға жазу',
    writePrompt: 'Сұрағыңызды бір хабарламамен жазыңыз',
    question: 'Талдау нәтижесін қашан алуға болады?',
    ticketCreated: /✅ №(\d+) өтініш жіберілді/,
    staffAnswer: 'Ертең сағат 10:00-ден кейін.',
    ticketReply: 'өтінішіңізге жауап',
  },
  ru: {
    menuBook: '🗓 Записаться на приём',
    needRegistration: 'сначала зарегистрируйтесь',
    register: '📝 Зарегистрироваться',
    askName: 'Напишите ФИО полностью',
    name: 'Волкова Анна Петровна',
    nameError: 'Напишите фамилию и имя буквами',
    askPhone: 'Поделитесь номером телефона',
    shareContact: '📱 Поделиться номером',
    askBirth: 'Дата рождения в формате',
    askIin: 'Ваш ИИН',
    iinCheckError: '(контрольная) цифра',
    iinBirthError: 'с другой датой рождения',
    registered: '✅ Вы зарегистрированы.',
    continue: 'Продолжить »',
    chooseBranch: 'Выберите филиал',
    chooseService: 'Выберите услугу',
    chooseDoctor: 'Выберите врача',
    checkBooking: 'Проверьте запись',
    status: 'Статус: записан',
    moveAsk: 'Перенести приём?',
    branch: '🏥 Филиал в Самале',
    service: 'Приём терапевта',
    doctor: '👩‍⚕️ Сергей Волков',
    chooseDate: 'Выберите день',
    chooseTime: 'Выберите время',
    confirm: '✅ Подтвердить',
    booked: '✅ Вы записаны!',
    staffBooked: '🆕 Жаңа жазылу',
    reminder: '⏰ Напоминаем о приёме',
    willCome: '✅ Приду',
    willComeToast: 'Спасибо! Ждём вас.',
    staffConfirmed: 'келетінін растады',
    myTitle: 'Ваши предстоящие приёмы',
    reschedule: '🔁 Перенести',
    rescheduled: '🔁 Ваш приём перенесён.',
    pay: '💳 Оплатить приём',
    qr: '📱 Оплата по QR',
    paid: 'Оплата за приём',
    documents: 'Ваши документы',
    confirmationButton: 'Подтверждение записи',
    pdfTitle: /Подтверждение записи на приём №\d+/,
    npsQuestion: 'Как прошёл приём?',
    score: '10',
    askComment: 'Ваша оценка: 10',
    comment: undefined,
    thanks: '🙏 Спасибо за отзыв!',
    supportHome: '💬 Поддержка.',
    newTicket: '✍️ Написать в клинику',
    writePrompt: 'Опишите ваш вопрос',
    question: 'Можно ли прийти с ребёнком?',
    ticketCreated: /✅ Обращение №(\d+) отправлено/,
    staffAnswer: 'Да, конечно.',
    ticketReply: 'Ответ на ваше обращение',
  },
} as const;

describe('the clinic through the simulator', () => {
  let lavka: TestLavka;
  let admin: SimUser;
  let configDir: string;
  /** Confirmation tokens by patient, for the access check across patients. */
  const tokens = new Map<number, string>();

  before(async () => {
    configDir = mkdtempSync(path.join(tmpdir(), 'lavka-clinic-e2e-'));
    const configFile = path.join(configDir, 'config.yaml');
    // The NPS question goes out as soon as the visit is marked completed.
    writeFileSync(configFile, 'settings:\n  feedback:\n    delayMinutes: 0\n');
    lavka = await startTestLavka({ preset: 'clinic', adminIds: [ADMIN], env: { LAVKA_CONFIG: configFile, QR_WEBHOOK_SECRET: QR_SECRET } });
    admin = lavka.sim.user({ id: ADMIN, first_name: 'Registrar', language_code: 'kk', hasStartedBot: true });
  });
  after(async () => {
    await lavka?.stop();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  const db = () => lavka.app.database.db;

  for (const [language, userId] of [
    ['kk', 8101],
    ['ru', 8102],
  ] as const) {
    describe(`a patient writing in ${language === 'kk' ? 'Kazakh' : 'Russian'}`, () => {
      const T = TEXTS[language];
      const identity = testIdentity(userId);
      let patient: SimUser;
      let appointmentId = 0;

      before(() => {
        patient = lavka.sim.user({ id: userId, first_name: 'Patient', language_code: language, phone_number: `+7701555${String(userId).slice(-4)}` });
      });

      test('registers with a validated IIN after being sent there by the booking button', async () => {
        await patient.send('/start');
        await patient.waitForMessage((message) => buttonsOf(message).some((button) => button.text === T.menuBook));
        await press(patient, T.menuBook);
        await waitText(patient, T.needRegistration);
        await press(patient, T.register);
        await waitText(patient, T.askName);
        await patient.send('X1');
        await waitText(patient, T.nameError);
        await patient.send(T.name);
        await waitText(patient, T.askPhone);
        await patient.pressReplyButton(T.shareContact);
        await waitText(patient, T.askBirth);
        await patient.send(identity.birthDate);
        await waitText(patient, T.askIin);
        // One wrong digit: the check digit catches it.
        const typo = `${identity.iin.slice(0, 11)}${(Number(identity.iin[11]) + 1) % 10}`;
        await patient.send(typo);
        await waitText(patient, T.iinCheckError);
        // A real IIN of somebody born on another day.
        await patient.send('880101300000');
        await waitText(patient, T.iinBirthError);
        await patient.send(identity.iin.replace(/(\d{6})(\d)(\d{5})/, '$1 $2 $3'));
        const done = await waitText(patient, T.registered);
        assert.match(textOf(done), new RegExp(identity.iin));
        const stored = await lavka.app.services.patients?.get(userId);
        assert.deepEqual([stored?.full_name, stored?.iin, stored?.phone], [T.name, identity.iin, `+7701555${String(userId).slice(-4)}`]);
      });

      test('books a visit through branch, service, doctor, a calendar of free days and a time', async () => {
        await press(patient, T.continue);
        await waitText(patient, T.chooseBranch);
        await press(patient, T.branch);
        await waitText(patient, T.chooseService);
        await press(patient, (button) => button.text.startsWith(T.service));
        await waitText(patient, T.chooseDoctor);
        await press(patient, (button) => button.text.startsWith(T.doctor));
        const calendar = await waitText(patient, T.chooseDate);
        // Only days with free time are pressable; the rest are dots.
        assert.ok(buttonsOf(calendar).some((button) => button.text === '·'));
        for (const button of buttonsOf(calendar)) assert.ok(Buffer.byteLength(button.callback_data ?? '') <= 64);
        // Two days ahead at least, so that both reminders lie in the future.
        const times = await pickDay(patient, calendar, localDateOf(Date.now() + 2 * 86_400_000, ALMATY));
        assert.match(textOf(times), new RegExp(T.chooseTime));
        await press(patient, (button) => /^bk:t:/.test(button.callback_data ?? ''));
        await waitText(patient, T.checkBooking);
        await press(patient, T.confirm);
        await waitText(patient, T.booked);
        const [appointment] = await db().selectFrom('booking_appointments').selectAll().where('patient_id', '=', userId).execute();
        assert.equal(appointment?.status, 'booked');
        appointmentId = appointment!.id;
        await admin.waitForMessage((message) => textOf(message).startsWith(`${T.staffBooked} №${appointmentId}:`), { timeoutMs: 8000 });
      });

      test('receives the reminder when it is due and confirms; the staff see the confirmation', async () => {
        const job = await db().selectFrom('scheduled_jobs').select(['id', 'run_at']).where('dedupe_key', '=', `booking:reminder:${appointmentId}:1440`).executeTakeFirstOrThrow();
        const [appointment] = await db().selectFrom('booking_appointments').select('starts_at').where('id', '=', appointmentId).execute();
        assert.equal(job.run_at, appointment!.starts_at - 24 * 3600_000);
        // Time travel: the 24-hour mark has come.
        await db().updateTable('scheduled_jobs').set({ run_at: Date.now() - 1 }).where('id', '=', job.id).execute();
        const reminder = await waitText(patient, T.reminder, 10_000);
        assert.deepEqual(buttonsOf(reminder).map((button) => button.callback_data), [`bk:cf:${appointmentId}`, `bk:cx:${appointmentId}`]);
        const answer = await press(patient, T.willCome);
        assert.equal(answer.text, T.willComeToast);
        await admin.waitForMessage((message) => textOf(message).includes(T.staffConfirmed) && textOf(message).includes(`№${appointmentId}`), { timeoutMs: 8000 });
        const [stored] = await db().selectFrom('booking_appointments').select('confirmed_at').where('id', '=', appointmentId).execute();
        assert.ok(stored?.confirmed_at);
      });

      test('reschedules to another day; the old slot is freed in the same step', async () => {
        const [before] = await db().selectFrom('booking_appointments').select(['starts_at', 'doctor_id']).where('id', '=', appointmentId).execute();
        await patient.send('/appointments');
        await waitText(patient, T.myTitle);
        await press(patient, (button) => button.callback_data === `bk:a:${appointmentId}`);
        await waitText(patient, T.status);
        await press(patient, T.reschedule);
        const calendar = await patient.waitForMessage((message) => buttonsOf(message).some((button) => /^bk:rd:/.test(button.callback_data ?? '')), { timeoutMs: 5000 });
        const oldDate = localDateOf(before!.starts_at, ALMATY);
        await pickDay(patient, calendar, oldDate, oldDate);
        await press(patient, (button) => /^bk:rt:/.test(button.callback_data ?? ''));
        await waitText(patient, T.moveAsk);
        await press(patient, T.confirm);
        await waitText(patient, T.rescheduled);
        const [after] = await db().selectFrom('booking_appointments').select(['starts_at', 'reschedule_count']).where('id', '=', appointmentId).execute();
        assert.notEqual(after?.starts_at, before?.starts_at);
        assert.equal(after?.reschedule_count, 1);
        const oldClaims = await db().selectFrom('booking_slot_claims').select('cell_start').where('doctor_id', '=', before!.doctor_id).where('cell_start', '=', before!.starts_at).execute();
        assert.deepEqual(oldClaims, [], 'the old time is free');
        const job = await db().selectFrom('scheduled_jobs').select('run_at').where('dedupe_key', '=', `booking:reminder:${appointmentId}:1440`).executeTakeFirstOrThrow();
        assert.equal(job.run_at, after!.starts_at - 24 * 3600_000, 'the reminder follows the visit');
      });

      test('pays for the visit by QR, confirmed by the acquirer’s signed callback', async () => {
        await press(patient, T.pay);
        const methods = await patient.waitForMessage((message) => buttonsOf(message).some((button) => button.text === T.qr), { timeoutMs: 5000 });
        // A visit is a physical service: Telegram's payment rules allow no Stars for it.
        assert.ok(!buttonsOf(methods).some((button) => button.text.includes('Telegram Stars') || /:stars$/.test(button.callback_data ?? '')), buttonsOf(methods).map((button) => button.text).join(', '));
        const forged = await patient.pressCallback(methods.message_id, `pay:go:visit:${appointmentId}:stars`);
        assert.ok(forged, 'a forged Stars button is answered');
        assert.equal((await db().selectFrom('payments').select('id').where('purpose', '=', 'visit').where('purpose_ref', '=', String(appointmentId)).execute()).length, 0, 'and opens no payment');
        await patient.waitForMessage((message) => buttonsOf(message).some((button) => button.text === T.qr) && textOf(message).includes('Telegram Stars'), { timeoutMs: 5000 });
        await press(patient, T.qr);
        const qr = await patient.waitForMessage((message) => Boolean(message.photo), { timeoutMs: 8000 });
        const payment = await db().selectFrom('payments').selectAll().where('purpose', '=', 'visit').where('purpose_ref', '=', String(appointmentId)).executeTakeFirstOrThrow();
        assert.ok(textOf(qr).includes(payment.external_id as string));
        const body = Buffer.from(JSON.stringify({ reference: payment.external_id, amount: String(payment.amount_minor / 100), currency: 'KZT', transaction_id: `kaspi-${payment.id}`, status: 'paid' }));
        const timestamp = String(Math.floor(Date.now() / 1000));
        const result = await lavka.app.services.payments!.handleCallback('qr', {
          rawBody: body,
          headers: { 'x-lavka-timestamp': timestamp, 'x-lavka-signature': qrSignature(QR_SECRET, timestamp, body) },
          ip: '127.0.0.1',
        });
        assert.equal(result.httpStatus, 200);
        await waitText(patient, T.paid, 10_000);
        const [visit] = await db().selectFrom('booking_appointments').select(['paid_minor', 'price_minor']).where('id', '=', appointmentId).execute();
        assert.equal(visit?.paid_minor, visit?.price_minor);
      });

      test('downloads the PDF confirmation, in the patient’s language with the new time', async () => {
        await patient.send('/documents');
        const list = await waitText(patient, T.documents);
        const data = buttonsOf(list).find((item) => item.text.includes(T.confirmationButton))?.callback_data ?? '';
        assert.match(data, /^doc:g:[A-Za-z0-9_-]{22}$/);
        tokens.set(userId, data.slice('doc:g:'.length));
        await press(patient, (item) => item.callback_data === data);
        const sent = await patient.waitForMessage((message) => Boolean(message.document), { timeoutMs: 8000 });
        assert.equal(sent.document?.mime_type, 'application/pdf');
        const file = lavka.sim.file(sent.document!.file_id);
        const text = (await readPdf(new Uint8Array(file!.data as Buffer))).pages[0]!.join('\n');
        assert.match(text, T.pdfTitle);
        assert.ok(text.includes(T.name), text);
        assert.ok(text.includes(identity.iin));
        const [visit] = await db().selectFrom('booking_appointments').select('starts_at').where('id', '=', appointmentId).execute();
        const time = new Intl.DateTimeFormat(language, { timeZone: ALMATY, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(visit!.starts_at);
        assert.ok(text.includes(time), `the PDF shows the rescheduled time ${time}`);
      });

      test('answers the NPS question after the staff mark the visit completed', async () => {
        const [visit] = await db().selectFrom('booking_appointments').select('starts_at').where('id', '=', appointmentId).execute();
        await admin.send('/visits');
        const today = await admin.waitForMessage((message) => textOf(message).includes('күнгі қабылдаулар'), { timeoutMs: 5000 });
        await admin.pressCallback(today.message_id, `bk:vd:${localDateOf(visit!.starts_at, ALMATY).replaceAll('-', '')}`);
        await admin.waitForMessage((message) => buttonsOf(message).some((button) => button.text === `✔️ #${appointmentId}`), { timeoutMs: 5000 });
        const marked = await press(admin, `✔️ #${appointmentId}`);
        assert.equal(marked.text, 'Белгіленді: қабылдау өтті');
        const question = await waitText(patient, T.npsQuestion, 10_000);
        assert.equal(buttonsOf(question).length, 11);
        await press(patient, T.score);
        await waitText(patient, T.askComment);
        if (T.comment) {
          await patient.send(T.comment);
        } else {
          await press(patient, (button) => button.callback_data === 'fb:skip');
        }
        await waitText(patient, T.thanks);
        const feedback = await lavka.app.services.feedback!.get(appointmentId);
        assert.equal(feedback?.score, Number(T.score));
        if (T.comment) {
          // The low score and then its comment reach the staff chat.
          await waitForAll(admin, [`№${appointmentId} қабылдауға төмен баға: ${T.score}/10`, T.comment]);
        }
      });

      test('opens a support ticket and receives the staff reply in the bot', async () => {
        await patient.send('/ticket');
        await waitText(patient, T.supportHome);
        await press(patient, T.newTicket);
        await waitText(patient, T.writePrompt);
        await patient.send(T.question);
        const created = await waitText(patient, T.ticketCreated);
        const ticketId = Number(T.ticketCreated.exec(textOf(created))?.[1]);
        const staffCopy = await admin.waitForMessage((message) => textOf(message).startsWith(`🎫 #${ticketId} `), { timeoutMs: 8000 });
        assert.ok(textOf(staffCopy).includes(T.question));
        assert.ok(textOf(staffCopy).includes(T.name));
        await admin.send(T.staffAnswer, { replyToMessageId: staffCopy.message_id });
        await admin.waitForMessage((message) => textOf(message).includes(`№${ticketId}`) && textOf(message).startsWith('✅'), { timeoutMs: 5000 });
        const reply = await waitText(patient, T.ticketReply, 10_000);
        assert.ok(textOf(reply).includes(T.staffAnswer));
        assert.equal((await lavka.app.services.tickets!.get(ticketId))?.status, 'answered');
      });
    });
  }

  test('a patient pressing another patient’s document button gets nothing', async () => {
    const russian = lavka.sim.user({ id: 8102, first_name: 'Patient', language_code: 'ru' });
    await russian.send('/documents');
    const list = await waitText(russian, 'Ваши документы');
    const answer = await russian.pressCallback(list.message_id, `doc:g:${tokens.get(8101)}`);
    assert.equal(answer?.text, 'Этот документ недоступен.');
    const sentDocuments = russian.chat().messages.filter((message) => message.document);
    assert.equal(sentDocuments.length, 1, 'only the patient’s own confirmation was ever sent to them');
  });

  test('forged booking buttons get a clear answer and book nothing', async () => {
    const russian = lavka.sim.user({ id: 8102, first_name: 'Patient', language_code: 'ru' });
    await russian.send('/book');
    const branches = await waitText(russian, 'Выберите филиал');
    const before = await db().selectFrom('booking_appointments').select('id').execute();
    const impossibleDay = await russian.pressCallback(branches.message_id, 'bk:day:1:1:1:20261399');
    assert.equal(impossibleDay?.text, 'Это меню устарело. Вот актуальное.');
    // 03:00 at night is nobody's working time.
    const night = Math.round(Date.parse(`${localDateOf(Date.now() + 3 * 86_400_000, ALMATY)}T03:00:00+05:00`) / 60_000);
    await russian.pressCallback(branches.message_id, `bk:ok:1:1:0:${night}`);
    await waitText(russian, 'На это время больше нельзя записаться.');
    assert.equal((await db().selectFrom('booking_appointments').select('id').execute()).length, before.length);
  });
});
