import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Update } from 'grammy/types';
import { encodeQr } from '../../src/modules/payments/qr/qr-code.ts';
import { qrToPng } from '../../src/modules/payments/qr/qr-png.ts';
import { invoicePayload } from '../../src/modules/payments/providers/telegram-stars.provider.ts';
import type { ApiInlineButton, SimUser, ViewMessage } from '../../src/sim/index.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';

const ADMIN = 9101;
const SECOND_ADMIN = 9102;
const CUSTOMER = 8101;

const textOf = (message: ViewMessage) => message.text ?? message.caption ?? '';
const buttonsOf = (message: ViewMessage | undefined) => message?.reply_markup?.inline_keyboard.flat() ?? [];

function writeConfig(yaml: string): { file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-payments-e2e-'));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function press(user: SimUser, label: string | ((button: ApiInlineButton) => boolean), options: { chatId?: number; messageId?: number } = {}) {
  const result = await user.pressButton(label, options);
  if (result.type !== 'callback') throw new Error(`not a callback button: ${String(label)}`);
  return user.waitForCallbackAnswer(result.callbackQueryId, { timeoutMs: 5000 });
}

function waitText(user: SimUser, match: RegExp | string, timeoutMs = 5000) {
  const matches = (value: string) => (typeof match === 'string' ? value.includes(match) : match.test(value));
  return user.waitForMessage((message) => matches(textOf(message)), { timeoutMs });
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('payments and the wallet through the simulator (billing preset)', () => {
  let lavka: TestLavka;
  let config: { file: string; remove(): void };
  let customer: SimUser;
  let admin: SimUser;
  let secondAdmin: SimUser;
  let starsPaymentId = 0;
  const receiptPng = qrToPng(encodeQr('receipt #1'), 4);
  const balance = () => lavka.app.services.wallet!.balance(CUSTOMER);

  before(async () => {
    // A short demo task (2 s, progress shown every quarter second) instead of the preset's 4 s:
    // still twice the chat's one-second pause after the "queued" message, so an edit with the
    // progress goes out before the result however busy the machine is.
    config = writeConfig('settings:\n  generate:\n    stepMs: 200\n    progressEveryMs: 250\n');
    lavka = await startTestLavka({ preset: 'billing', adminIds: [ADMIN, SECOND_ADMIN], env: { LAVKA_CONFIG: config.file, PAYMENTS_PROVIDER_TOKEN: '381764678:TEST:lavka-card-token' } });
    admin = lavka.sim.user({ id: ADMIN, first_name: 'Staff', language_code: 'en', hasStartedBot: true });
    secondAdmin = lavka.sim.user({ id: SECOND_ADMIN, first_name: 'Staff 2', language_code: 'en', hasStartedBot: true });
    customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Dana', language_code: 'en' });
  });
  after(async () => {
    await lavka?.stop();
    config?.remove();
  });

  test('a customer buys a Stars pack: invoice, pre-checkout, payment, balance — in one message until the invoice', async () => {
    await customer.send('/buy');
    const packs = await waitText(customer, 'Choose a token pack:');
    const labels = buttonsOf(packs).map((button) => button.text);
    assert.match(labels[0] ?? '', /^100 tokens — 50 ⭐ \/ .*99$/);
    assert.match(labels[1] ?? '', /^500 tokens — 225 ⭐ \/ .*449$/);
    assert.match(labels[2] ?? '', /^1,000 tokens — 400 ⭐ \/ .*799$/);
    await press(customer, (button) => button.text.startsWith('100 tokens'));
    const methods = await waitText(customer, 'Choose how to pay:');
    assert.equal(methods.message_id, packs.message_id, 'the same message moves through the steps');
    const offered = buttonsOf(methods).map((button) => button.text);
    assert.deepEqual(offered, ['⭐ Telegram Stars', '💳 Bank card', '📱 QR payment', '🏦 Transfer to a Russian card', '🏢 Bank transfer', '🪙 Crypto (USDT)', '« Main menu'], 'Heleket is not offered without its credentials');
    await press(customer, '⭐ Telegram Stars');
    // The invoice goes out first, then the method list becomes the note that points at it.
    const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
    const note = await waitText(customer, /^Invoice #\d+ for 50 ⭐ is below/);
    assert.equal(note.message_id, packs.message_id);
    assert.equal(invoice.invoice?.currency, 'XTR');
    assert.equal(invoice.invoice?.total_amount, 50);
    const paid = await customer.payInvoice(invoice.message_id);
    assert.equal(paid.status, 'paid');
    const credited = await waitText(customer, /^✅ \+100 tokens \(payment #(\d+)\)\. Balance: 100 tokens\.$/);
    starsPaymentId = Number(/#(\d+)/.exec(textOf(credited))?.[1]);
    assert.equal(await balance(), 100);
    const payment = await lavka.app.services.payments!.get(starsPaymentId);
    assert.equal(payment?.status, 'paid');
    assert.equal(payment?.external_id, paid.status === 'paid' ? paid.chargeId : '');
    await customer.send('/balance');
    await waitText(customer, '💰 Your balance: 100 tokens.');
  });

  test('a card payment with the provider token is invoiced in kopecks and credits the pack', async () => {
    await customer.send('/buy');
    await waitText(customer, 'Choose a token pack:');
    await press(customer, (button) => button.text.startsWith('100 tokens'));
    await waitText(customer, 'Choose how to pay:');
    await press(customer, '💳 Bank card');
    const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
    assert.deepEqual({ currency: invoice.invoice?.currency, total: invoice.invoice?.total_amount }, { currency: 'RUB', total: 9900 });
    const before = await balance();
    assert.equal((await customer.payInvoice(invoice.message_id)).status, 'paid');
    await waitText(customer, /^✅ \+100 tokens \(payment #\d+\)/);
    assert.equal(await balance(), before + 100);
    const [payment] = await lavka.app.services.payments!.listForUser(CUSTOMER, 1);
    assert.equal(payment?.provider, 'telegram_card');
    assert.equal(payment?.status, 'paid');
    // No refund call exists for card payments: the refund is recorded and returned by hand.
    await admin.send(`/refund ${payment?.id}`);
    await waitText(admin, `↩️ Refund of payment #${payment?.id} recorded.`);
    assert.equal(await balance(), before);
  });

  test('forged or stale payment buttons change nothing and get a clear answer', async () => {
    await customer.send('/buy');
    const packs = await waitText(customer, 'Choose a token pack:');
    const before = (await lavka.app.services.payments!.listForUser(CUSTOMER, 100)).length;
    await customer.pressCallback(packs.message_id, 'pay:m:nosuch:p100');
    await waitText(customer, 'This can no longer be paid for. Please start again from the menu.');
    // The same refusal again on the same screen: it says so already, and the bot makes no edit
    // that would change nothing (Telegram would refuse it).
    const refusedBefore = lavka.sim.stats().errors['400'] ?? 0;
    const again = await customer.pressCallback(packs.message_id, 'pay:go:topup:p999:stars');
    assert.ok(again, 'the button is answered');
    assert.equal(lavka.sim.stats().errors['400'] ?? 0, refusedBefore, 'no call Telegram refuses');
    await customer.send('/buy');
    const fresh = await waitText(customer, 'Choose a token pack:');
    await customer.pressCallback(fresh.message_id, 'pay:go:topup:p999:stars');
    await waitText(customer, 'This can no longer be paid for.');
    await customer.pressCallback(packs.message_id, 'pay:go:topup:p100:heleket');
    await waitText(customer, /^🪙 Crypto \(Heleket\) is temporarily unavailable\. Please choose another method\.\n\n/);
    assert.equal((await lavka.app.services.payments!.listForUser(CUSTOMER, 100)).length, before, 'no payment was opened');
    const staffOnly = await customer.pressCallback(packs.message_id, 'pay:ap:1');
    assert.equal(staffOnly?.text, 'This menu is out of date. Here is a fresh one.', 'staff buttons do nothing for customers');
  });

  test('pre-checkout refuses an invoice whose payment was closed meanwhile, and nothing is charged', async () => {
    await customer.send('/buy');
    await waitText(customer, 'Choose a token pack:');
    await press(customer, (button) => button.text.startsWith('500 tokens'));
    await waitText(customer, 'Choose how to pay:');
    await press(customer, '⭐ Telegram Stars');
    const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
    const open = await lavka.app.services.payments!.listForUser(CUSTOMER, 1);
    await lavka.app.database.db.updateTable('payments').set({ status: 'expired' }).where('id', '=', open[0]!.id).execute();
    const result = await customer.payInvoice(invoice.message_id);
    assert.equal(result.status, 'declined');
    assert.equal(result.status === 'declined' ? result.errorMessage : '', 'This invoice has already been paid or closed.');
    assert.equal(await balance(), 100);
  });

  test('a customer requests a manual top-up with a receipt and an admin approves it', async () => {
    await admin.send('/help');
    await waitText(admin, 'Here is what I can do');
    await customer.send('/buy');
    await waitText(customer, 'Choose a token pack:');
    await press(customer, (button) => button.text.startsWith('500 tokens'));
    await waitText(customer, 'Choose how to pay:');
    await press(customer, '🏦 Transfer to a Russian card');
    const requisites = await waitText(customer, /^Transfer request #(\d+):/);
    assert.match(textOf(requisites), /Card: 2200 0000 0000 0000/);
    const requestId = Number(/#(\d+)/.exec(textOf(requisites))?.[1]);
    await customer.send('here it is');
    await waitText(customer, 'Please send a photo of the receipt (or /cancel).');
    await customer.sendPhoto(receiptPng);
    await waitText(customer, `Receipt received. Request #${requestId} is waiting for an administrator`);
    // Staff get the receipt photo with decision buttons, each in their own language: the admin
    // who reads English in English; one the bot does not know yet in the business's (ru).
    const staffPhoto = await admin.waitForMessage((message) => Boolean(message.photo) && textOf(message).includes(`Transfer request #${requestId}`), { timeoutMs: 8000 });
    assert.deepEqual(buttonsOf(staffPhoto).map((button) => button.text), ['✅ Approve', '❌ Decline']);
    assert.deepEqual(buttonsOf(staffPhoto).map((button) => button.callback_data), [`pay:ap:${requestId}`, `pay:dc:${requestId}`]);
    await admin.send('/pending');
    const pending = await waitText(admin, 'Requests waiting for a decision: 1');
    assert.match(textOf(pending), new RegExp(`#${requestId} · .*449.* · 🏦 Transfer to a Russian card · user ${CUSTOMER}`));
    const answer = await press(admin, `✅ #${requestId}`);
    assert.equal(answer.text, `✅ Request #${requestId} approved.`);
    await waitText(customer, /\+500 tokens/, 8000);
    assert.equal(await balance(), 600);
    // The second admin is late: the request is already decided.
    const secondCopy = await secondAdmin.waitForMessage((message) => Boolean(message.photo) && textOf(message).includes(`№${requestId}`), { timeoutMs: 8000 });
    const late = await secondAdmin.pressCallback(secondCopy.message_id, `pay:ap:${requestId}`);
    assert.equal(late?.text, 'This request was already decided by another administrator.');
    assert.equal(await balance(), 600);
  });

  test('an admin declines a transfer with a reason and the customer reads it', async () => {
    await customer.send('/buy');
    await waitText(customer, 'Choose a token pack:');
    await press(customer, (button) => button.text.startsWith('100 tokens'));
    await waitText(customer, 'Choose how to pay:');
    await press(customer, '🪙 Crypto (USDT)');
    const requisites = await waitText(customer, /^Transfer request #(\d+):/);
    const requestId = Number(/#(\d+)/.exec(textOf(requisites))?.[1]);
    await customer.sendPhoto(receiptPng, 'paid');
    await waitText(customer, 'Receipt received.');
    await admin.waitForMessage((message) => textOf(message).includes(`Transfer request #${requestId}`), { timeoutMs: 8000 });
    await press(admin, (button) => button.callback_data === `pay:dc:${requestId}`);
    await waitText(admin, `Why is request #${requestId} declined?`);
    await admin.send('The transfer has not arrived');
    await waitText(admin, `❌ Request #${requestId} declined. The customer has been told.`);
    const notice = await waitText(customer, `Transfer request #${requestId}`, 8000);
    assert.match(textOf(notice), /was declined\.\nReason: The transfer has not arrived/);
    assert.equal(await balance(), 600);
  });

  test('spending tokens on /generate edits one progress message from queued to done and sends the picture', async () => {
    const seen: string[] = [];
    await customer.send('/generate a red fox');
    const started = await waitText(customer, /^🕐 Queued \(10 tokens spent, balance 590\)/);
    seen.push(textOf(started));
    let last = started;
    while (!textOf(last).startsWith('✅ Done')) {
      last = await customer.waitForMessage((message) => message.message_id === started.message_id, { timeoutMs: 5000 });
      seen.push(textOf(last));
    }
    const percents = seen.map((text) => /(\d+)%/.exec(text)?.[1]).filter((value) => value !== undefined).map(Number);
    assert.equal(percents[0], 0, `progress seen: ${seen.join(' | ')}`);
    assert.ok(percents.some((value) => value > 0 && value < 100), `an intermediate step was shown: ${percents.join(', ')}`);
    assert.deepEqual([...percents].sort((a, b) => a - b), percents, 'the bar only moves forward');
    assert.ok(seen.some((text) => /^⏳ Generating…\n▓+░+ \d+%$/.test(text)), 'a drawn progress bar');
    assert.equal(textOf(last), '✅ Done — the picture is below.\n(10 tokens spent)');
    // The picture is sent before the progress message turns into "done".
    const picture = customer.chat().messages.findLast((message) => Boolean(message.photo));
    assert.ok(picture, 'the picture was sent');
    assert.equal(textOf(picture), '🎨 “a red fox”\n10 tokens spent.');
    const file = lavka.sim.file(picture.photo?.at(-1)?.file_id ?? '');
    assert.equal(file?.data?.subarray(0, 4).toString('latin1'), '\x89PNG', 'the photo is a PNG');
    assert.deepEqual(buttonsOf(picture).map((button) => button.callback_data), ['generate:start', 'wallet:balance', 'core:menu']);
    assert.equal(customer.chat().messages.filter((message) => /Queued|Generating/.test(textOf(message))).length, 0, 'the progress message became the result, no extra messages');
    assert.equal(await balance(), 590);
  });

  test('a failing /generate refunds its tokens in the same message; without tokens it is refused clearly', async () => {
    await customer.send('/generate #fail a blue whale');
    const started = await waitText(customer, /^🕐 Queued/);
    const failed = await customer.waitForMessage((message) => message.message_id === started.message_id && textOf(message).startsWith('❌'), { timeoutMs: 5000 });
    assert.equal(textOf(failed), '❌ The task failed. 10 tokens were returned. Balance: 590.');
    assert.equal(await balance(), 590);
    const kinds = (await lavka.app.services.wallet!.history(CUSTOMER, 1, 2)).entries.map((entry) => entry.kind);
    assert.deepEqual(kinds, ['refund', 'spend']);

    const broke = lavka.sim.user({ id: 8102, first_name: 'Broke', language_code: 'en' });
    await broke.send('/generate anything');
    const refusal = await waitText(broke, 'Not enough tokens');
    assert.equal(textOf(refusal), 'Not enough tokens: the task costs 10, your balance is 0.');
  });

  test('an admin refunds a Stars payment through Telegram; the tokens are reversed and the customer told', async () => {
    await admin.send(`/refund ${starsPaymentId}`);
    await waitText(admin, `↩️ Payment #${starsPaymentId} (50 ⭐) refunded through Telegram.`);
    await waitText(customer, `↩️ Payment #${starsPaymentId} (50 ⭐) was refunded.`, 8000);
    assert.equal(await balance(), 490);
    const payment = await lavka.app.services.payments!.get(starsPaymentId);
    assert.equal(payment?.status, 'refunded');
    const transactions = await lavka.sim.callApi(lavka.sim.token, 'getStarTransactions', {});
    assert.ok(JSON.stringify(transactions).includes(`"id":"${payment?.external_id}"`) && JSON.stringify(transactions).includes('receiver'), 'Telegram recorded the refund');
    await admin.send(`/refund ${starsPaymentId}`);
    await waitText(admin, 'Refund refused: This payment cannot be refunded in its current state (refunded).');
  });

  test('the same successful_payment delivered 50 times to the bot credits once', async () => {
    const { payment } = await lavka.app.services.payments!.start({ userId: CUSTOMER, purpose: 'topup', ref: 'p100', method: 'stars', locale: 'en' });
    const before = await balance();
    const update = (updateId: number): Update =>
      ({
        update_id: 900_000 + updateId,
        message: {
          message_id: 50_000 + updateId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: CUSTOMER, type: 'private', first_name: 'Dana' },
          from: { id: CUSTOMER, is_bot: false, first_name: 'Dana', language_code: 'en' },
          successful_payment: { currency: 'XTR', total_amount: 50, invoice_payload: invoicePayload(payment.id), telegram_payment_charge_id: 'stxDUPLICATED-1', provider_payment_charge_id: '' },
        },
      }) as unknown as Update;
    await Promise.all(Array.from({ length: 50 }, (_, index) => lavka.app.bot.handleUpdate(update(index))));
    assert.equal(await balance(), before + 100);
    await waitText(customer, `+100 tokens (payment #${payment.id})`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(customer.chat().messages.filter((message) => textOf(message).includes(`(payment #${payment.id})`)).length, 1, 'one confirmation, not fifty');
  });

  test('a payment received just before a crash is credited by the next start', async () => {
    const { payment } = await lavka.app.services.payments!.start({ userId: CUSTOMER, purpose: 'topup', ref: 'p100', method: 'stars', locale: 'en' });
    const before = await balance();
    await lavka.app.services.payments!.ingest({ provider: 'telegram_stars', kind: 'paid', paymentId: payment.id, externalId: 'stxCRASH-1', amountMinor: 50, currency: 'XTR' });
    await lavka.restart();
    await until(async () => (await lavka.app.services.wallet!.balance(CUSTOMER)) === before + 100, 10_000, 'the recovered credit');
    await waitText(customer, `+100 tokens (payment #${payment.id})`, 8000);
  });

  test('admins see health, export the ledger as transactions.csv and adjust a balance', async () => {
    await admin.send('/health');
    const health = await waitText(admin, '📊 Health');
    assert.match(textOf(health), /Wallets: \d+, tokens in circulation: \d+/);
    assert.match(textOf(health), /Paid today: \d+ × /);
    assert.match(textOf(health), /• Telegram Stars: working/);
    assert.match(textOf(health), /• Heleket: off/);
    await admin.send(`/adjust ${CUSTOMER} -5 goodwill correction`);
    await waitText(admin, new RegExp(`^Balance of ${CUSTOMER} changed by -5\\. New balance: \\d+\\.$`));
    await admin.send(`/adjust ${CUSTOMER} -100000 too much`);
    await waitText(admin, /^Not enough tokens: the balance is \d+, 100,000 needed\.$/);
    await admin.send(`/transactions ${CUSTOMER}`);
    const document = await admin.waitForMessage((message) => Boolean(message.document), { timeoutMs: 5000 });
    assert.equal(document.document?.file_name, 'transactions.csv');
    const file = lavka.sim.file(document.document?.file_id ?? '');
    const csv = (file?.data ?? Buffer.alloc(0)).toString('utf8');
    assert.match(csv, /,adjustment,-5,\d+,goodwill correction,admin,9101,,/);
    assert.match(csv, /,reversal,-100,/);
    assert.ok(csv.split('\r\n').slice(1, -1).every((line) => line.includes(`,${CUSTOMER},`)), 'only the chosen user');
    const audit = await lavka.app.services.audit!.list({ limit: 20, subject: { type: 'wallet', id: String(CUSTOMER) } });
    assert.ok(audit.some((entry) => entry.action === 'wallet.adjustment' && entry.actor_id === String(ADMIN)));
  });

  test('the staff user list adjusts a balance with the +/− buttons', async () => {
    const before = await balance();
    await admin.send('/wallet_users');
    await waitText(admin, /^Wallets: \d+\. Choose a user:/);
    await press(admin, (button) => button.text.startsWith('Dana'));
    await waitText(admin, `👤 Dana (id ${CUSTOMER})`);
    const answer = await press(admin, '+10');
    assert.match(answer.text ?? '', /changed by \+10/);
    assert.equal(await balance(), before + 10);
  });
  test('an invoice link (createInvoiceLink) can be paid too, and /paysupport answers with the contacts', async () => {
    const payments = lavka.app.services.payments!;
    const { payment, start } = await payments.start({ userId: CUSTOMER, purpose: 'topup', ref: 'p100', method: 'stars', locale: 'en' });
    const link = await payments.invoiceLink(payment, start);
    assert.match(link, /^https:\/\/t\.me\/\$/);
    const before = await balance();
    assert.equal((await customer.payInvoice(link)).status, 'paid');
    await waitText(customer, `+100 tokens (payment #${payment.id})`);
    assert.equal(await balance(), before + 100);
    await customer.send('/paysupport');
    await waitText(customer, 'Questions about a payment or a refund? Contact us: @lavka_support');
  });

  test('the history is paginated', async () => {
    await customer.send('/history');
    const first = await waitText(customer, '📜 Your token history:');
    assert.ok(buttonsOf(first).some((button) => button.text === '1/2'), `pager: ${buttonsOf(first).map((button) => button.text).join(', ')}`);
    await press(customer, '›');
    const second = await customer.waitForMessage((message) => message.message_id === first.message_id && buttonsOf(message).some((button) => button.text === '2/2'));
    assert.match(textOf(second), /top-up/);
  });
});
