import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatMoney } from '../../src/config/money.ts';
import { paymentReportKey } from '../../src/modules/booking/connectors/booking.erp-account.ts';
import { qrSignature } from '../../src/modules/payments/providers/qr.provider.ts';
import type { DemoErp } from '../../src/sim/clinic-erp/index.ts';
import type { SimUser } from '../../src/sim/index.ts';
import { buttonsOf, pickDay, press, textOf, waitText } from '../support/clinic-chat.ts';
import { testIdentity } from '../support/clinic.ts';
import type { TestLavka } from '../support/harness.ts';
import { testDialects } from '../support/services.ts';
import { ALMATY, eventually, registerInRussian, startClinicOnErp, type ClinicOnErp } from '../support/clinic-erp.ts';
import { addDays, localDateOf } from '../../src/modules/booking/slots.ts';

const ADMIN = 9400;
const PATIENT = 8401;
const TOKEN = 'clinic-erp-payments-token-0123456789';
const QR_SECRET = 'clinic-erp-payments-qr-secret-0123456789';
const APOLOGY = 'Система клиники сейчас не отвечает';

for (const dialect of await testDialects()) {
  describe(`the patient's money with the clinic's ERP (${dialect.name})`, () => {
    let erp: DemoErp;
    let lavka: TestLavka;
    let patient: SimUser;
    let clinic: ClinicOnErp;
    // The clock Lavka runs on: moved forward to make the outbox's next attempt due.
    let shiftMs = 0;
    let paymentId = 0;

    before(async () => {
      clinic = await startClinicOnErp({
        database: await dialect.create(),
        token: TOKEN,
        adminIds: [ADMIN],
        connector: ['breaker: { failures: 1, pauseSeconds: 1 }'],
        now: () => Date.now() + shiftMs,
        env: { QR_WEBHOOK_SECRET: QR_SECRET },
      });
      ({ erp, lavka } = clinic);
      patient = lavka.sim.user({ id: PATIENT, first_name: 'Patient', language_code: 'ru', phone_number: '+77015558401' });
      lavka.sim.user({ id: ADMIN, first_name: 'Registrar', language_code: 'ru', hasStartedBot: true });
    });
    after(async () => {
      await clinic?.stop();
    });

    const db = () => lavka.app.database.db;
    const clinicErp = () => lavka.app.services['clinic-erp']!;
    const reportsOf = (id: number) => erp.control.reports().filter((report) => report.payment_id === String(id));
    const reportCalls = () => erp.calls.filter((call) => call.operation === 'paymentReport');
    const botTexts = (part: string) => patient.chat().messages.filter((message) => message.from_bot && textOf(message).includes(part)).length;
    /** Lavka's own money tables: the ERP's balance must never show up in them. */
    const ledger = async () => ({
      payments: await db().selectFrom('payments').select(['id', 'amount_minor', 'status']).orderBy('id').execute(),
      wallet: await db().selectFrom('wallet_ledger').selectAll().execute().catch(() => []),
      paid: await db().selectFrom('booking_appointments').select(['id', 'paid_minor', 'price_minor']).orderBy('id').execute(),
    });
    /** Makes the outbox's next attempt due (its back-off is counted on Lavka's clock) and runs it. */
    const deliverLater = async () => {
      shiftMs += 3_600_000;
      return clinicErp().deliverOutbox();
    };
    const openBalance = async () => {
      await patient.send('/appointments');
      await waitText(patient, /Ваши предстоящие приёмы|У вас нет предстоящих/);
      await press(patient, '💰 Баланс');
    };

    test('a registered patient books a visit in the ERP', async () => {
      await registerInRussian(patient, 'Сапарова Айгерим Болатовна', testIdentity(PATIENT));
      await patient.send('/book');
      await waitText(patient, 'Выберите филиал');
      await press(patient, '🏥 Филиал в Самале');
      await waitText(patient, 'Выберите услугу');
      await press(patient, (button) => button.text.startsWith('Приём терапевта'));
      await waitText(patient, 'Выберите врача');
      await press(patient, (button) => button.text.startsWith('👩‍⚕️ Сергей Волков'));
      const calendar = await waitText(patient, 'Выберите день');
      await pickDay(patient, calendar, addDays(localDateOf(Date.now(), ALMATY), 1));
      await press(patient, (button) => /^bk:t:/.test(button.callback_data ?? ''));
      await waitText(patient, 'Проверьте запись');
      await press(patient, '✅ Подтвердить');
      await waitText(patient, '✅ Вы записаны!');
      const visit = await db().selectFrom('booking_appointments').selectAll().where('patient_id', '=', PATIENT).executeTakeFirstOrThrow();
      assert.ok(visit.external_id, 'the visit is in the ERP');
    });

    test("the balance screen shows the ERP's balance in the patient's language, and none of it enters Lavka's tables", async () => {
      erp.control.setBalance(PATIENT, -2500);
      const before = await ledger();
      await openBalance();
      const screen = await waitText(patient, 'по данным системы клиники');
      assert.ok(textOf(screen).includes(`Баланс: ${formatMoney(-250_000, 'KZT', 'ru')}`), textOf(screen));
      assert.ok(textOf(screen).includes(`К оплате: ${formatMoney(250_000, 'KZT', 'ru')}`), textOf(screen));
      assert.ok(!textOf(screen).includes('Стоимость состоявшихся приёмов'), "Lavka's own computed balance is not shown beside it");
      assert.ok(buttonsOf(screen).some((button) => button.text === `💳 Оплатить ${formatMoney(250_000, 'KZT', 'ru')}`));
      assert.deepEqual(await ledger(), before, 'nothing written to the ledger, payments or visits');
      assert.equal(erp.calls.filter((call) => call.operation === 'paymentBalance').at(-1)?.body.telegram_user_id, String(PATIENT));
    });

    test('an invoice of the ERP is paid by its QR code, checked, and the patient is told once', async () => {
      const before = await ledger();
      await press(patient, (button) => button.text.startsWith('💳 Оплатить'));
      const invoiceMessage = await patient.waitForMessage((message) => Boolean(message.photo) && textOf(message).includes('Счёт №'), { timeoutMs: 8000 });
      const [invoice] = erp.control.invoices();
      assert.ok(invoice);
      assert.equal(invoice.amount, 2500);
      assert.ok(textOf(invoiceMessage).includes(invoice.invoice_id));
      assert.ok(buttonsOf(invoiceMessage).some((button) => button.url === `https://pay.example.kz/qr/${invoice.invoice_id}`), 'the pay link is a button too');
      // The same button pressed again: the same invoice in the ERP (the idempotency key).
      const photos = () => patient.chat().messages.filter((message) => message.from_bot && Boolean(message.photo)).length;
      const shown = photos();
      await press(patient, (button) => button.text.startsWith('💳 Оплатить'));
      await eventually(() => photos() === shown + 1, 'the invoice shown again');
      const invoiceCalls = erp.calls.filter((call) => call.operation === 'paymentInvoice');
      assert.equal(invoiceCalls.length, 2);
      assert.equal(invoiceCalls[0]!.idempotencyKey, invoiceCalls[1]!.idempotencyKey);
      assert.match(invoiceCalls[0]!.idempotencyKey ?? '', new RegExp(`^lavka-invoice-${PATIENT}-`));
      assert.equal(erp.control.invoices().length, 1, 'one invoice for two presses');

      const pending = await press(patient, '🔄 Проверить оплату');
      assert.match(pending.text ?? '', /ещё не поступила/);
      erp.control.payInvoice(invoice.invoice_id);
      const paid = await press(patient, '🔄 Проверить оплату');
      assert.match(paid.text ?? '', /Оплачено/);
      await waitText(patient, `✅ Счёт №${invoice.invoice_id}`);
      // A forged check of someone else's invoice, and the old button again: nobody is told twice.
      const again = await patient.pressCallback(invoiceMessage.message_id, `bk:ak:${invoice.invoice_id}`);
      assert.match(again?.text ?? '', /уже оплачен/);
      const forged = await patient.pressCallback(invoiceMessage.message_id, 'bk:ak:INV-999999');
      assert.match(forged?.text ?? '', /устарело/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(botTexts(`✅ Счёт №${invoice.invoice_id}`), 1);
      assert.deepEqual((await ledger()).payments, before.payments, 'an ERP invoice is not a payment of Lavka');
    });

    test('a visit paid by QR while the ERP is down is reported to it once it is back, exactly once', async () => {
      const visit = await db().selectFrom('booking_appointments').selectAll().where('patient_id', '=', PATIENT).executeTakeFirstOrThrow();
      await patient.send('/appointments');
      await waitText(patient, 'Ваши предстоящие приёмы');
      await press(patient, (button) => button.callback_data === `bk:a:${visit.id}`);
      await waitText(patient, 'Статус: записан');
      await press(patient, '💳 Оплатить приём');
      await patient.waitForMessage((message) => buttonsOf(message).some((button) => button.text === '📱 Оплата по QR'), { timeoutMs: 5000 });
      await press(patient, '📱 Оплата по QR');
      await patient.waitForMessage((message) => Boolean(message.photo) && !textOf(message).includes('Счёт №'), { timeoutMs: 8000 });
      const payment = await db().selectFrom('payments').selectAll().where('purpose', '=', 'visit').where('purpose_ref', '=', String(visit.id)).executeTakeFirstOrThrow();
      paymentId = payment.id;

      erp.setDown(true);
      const body = Buffer.from(JSON.stringify({ reference: payment.external_id, amount: String(payment.amount_minor / 100), currency: 'KZT', transaction_id: `kaspi-${payment.id}`, status: 'paid' }));
      const timestamp = String(Math.floor(Date.now() / 1000));
      const result = await lavka.app.services.payments!.handleCallback('qr', { rawBody: body, headers: { 'x-lavka-timestamp': timestamp, 'x-lavka-signature': qrSignature(QR_SECRET, timestamp, body) }, ip: '127.0.0.1' });
      assert.equal(result.httpStatus, 200, 'the payment settles in Lavka whatever the ERP does');
      await waitText(patient, `✅ Оплата за приём №${visit.id} получена`);
      assert.equal((await db().selectFrom('booking_appointments').select('paid_minor').where('id', '=', visit.id).executeTakeFirstOrThrow()).paid_minor, visit.price_minor);
      assert.equal(await clinicErp().deliverOutbox(), 0, 'the ERP is down: nothing taken');
      assert.equal(reportsOf(payment.id).length, 0);
      assert.equal((await clinicErp().outboxStatus(db(), paymentReportKey(payment.id, 'paid')))?.status, 'pending', 'the report waits in the outbox');

      erp.setDown(false);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await deliverLater();
      await deliverLater();
      const reports = reportsOf(payment.id);
      assert.equal(reports.length, 1);
      assert.deepEqual(
        { ...reports[0], paid_at: typeof reports[0]?.paid_at },
        { payment_id: String(payment.id), telegram_user_id: PATIENT, amount: payment.amount_minor / 100, currency: 'KZT', method: 'qr', paid_at: 'string', appointment_id: visit.external_id, refund: false },
      );
      const taken = reportCalls().filter((call) => call.idempotencyKey === paymentReportKey(payment.id, 'paid'));
      assert.equal(taken.length, 1, 'sent once after the outage, not again');
      assert.equal((await clinicErp().outboxStatus(db(), paymentReportKey(payment.id, 'paid')))?.status, 'sent');
    });

    test('a refund of the visit is reported once, as a negative amount marked refund', async () => {
      await lavka.app.services.payments!.refund(paymentId, { type: 'admin', id: ADMIN });
      // Refunding again is refused by payments and queues nothing more.
      await assert.rejects(lavka.app.services.payments!.refund(paymentId, { type: 'admin', id: ADMIN }));
      await deliverLater();
      await deliverLater();
      const refunds = reportsOf(paymentId).filter((report) => report.refund === true);
      assert.equal(refunds.length, 1);
      const payment = await db().selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirstOrThrow();
      assert.equal(refunds[0]?.amount, -payment.amount_minor / 100);
      assert.equal(reportsOf(paymentId).length, 2, 'the payment and its refund');
      assert.equal(reportCalls().filter((call) => call.idempotencyKey === paymentReportKey(paymentId, 'refund')).length, 1);
      const outbox = await db().selectFrom('clinic_erp_outbox').select('idempotency_key').where('operation', '=', 'paymentReport').execute();
      assert.deepEqual(outbox.map((row) => row.idempotency_key).sort(), [paymentReportKey(paymentId, 'paid'), paymentReportKey(paymentId, 'refund')]);
    });

    test('with the ERP down the balance screen is the apology, and nothing else changes', async () => {
      const before = await ledger();
      const apologies = botTexts(APOLOGY);
      erp.setDown(true);
      await openBalance();
      await waitText(patient, APOLOGY);
      assert.equal(botTexts(APOLOGY), apologies + 1);
      assert.deepEqual(await ledger(), before);
      erp.setDown(false);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await openBalance();
      await eventually(() => botTexts('по данным системы клиники') >= 2, 'the balance screen again');
    });
  });
}
