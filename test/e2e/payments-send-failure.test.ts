// The invoice or the QR code goes out before the text that points at it. When Telegram refuses
// to send it, the customer is told so in their language with the methods to try again, never
// left with "… is below" pointing at nothing, and the payment opened for it is closed.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SimUser, ViewMessage } from '../../src/sim/index.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { buttonsOf, press, textOf, waitText } from '../support/chat.ts';

const CUSTOMER = 8501;

describe('an invoice or QR code Telegram refuses to send (billing preset)', () => {
  let lavka: TestLavka;
  let customer: SimUser;

  before(async () => {
    lavka = await startTestLavka({ preset: 'billing' });
    customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Dana', language_code: 'en' });
  });
  after(async () => {
    await lavka?.stop();
  });

  /** Opens the method list for the smallest pack; returns that message. */
  async function methodList(): Promise<ViewMessage> {
    await customer.send('/buy');
    await waitText(customer, 'Choose a token pack:');
    await press(customer, (button) => button.text.startsWith('100 tokens'));
    return waitText(customer, 'Choose how to pay:');
  }

  const botTexts = () => customer.chat().messages.filter((message) => message.from_bot).map(textOf);
  const latestPayment = async () => (await lavka.app.services.payments!.listForUser(CUSTOMER, 1))[0];

  test('a refused invoice is explained with the methods to try again, and its payment is closed', async () => {
    const list = await methodList();
    lavka.sim.injectFault({ method: 'sendInvoice', kind: 'bad_request', description: 'Bad Request: PAYMENT_PROVIDER_INVALID' });
    await press(customer, '⭐ Telegram Stars');
    const notice = await waitText(customer, 'The invoice could not be sent');
    assert.equal(notice.message_id, list.message_id, 'the method list itself says what went wrong');
    assert.match(textOf(notice), /nothing was charged\. Try again or choose another method\.\n\n100 tokens\n[^]*Choose how to pay:$/);
    assert.ok(buttonsOf(notice).some((button) => button.text === '⭐ Telegram Stars'), 'the methods are there to try again');
    assert.equal(customer.chat().messages.filter((message) => message.invoice).length, 0);
    assert.ok(!botTexts().some((text) => text.includes('is below')), 'nothing points at an invoice that is not there');
    const payment = await latestPayment();
    assert.deepEqual([payment?.provider, payment?.status], ['telegram_stars', 'failed']);

    // Trying again works, and the text points at an invoice that is there.
    await press(customer, '⭐ Telegram Stars', { messageId: list.message_id });
    const sent = await waitText(customer, /^Invoice #\d+ for 50 ⭐ is below/);
    const invoice = customer.chat().messages.find((message) => message.invoice);
    assert.ok(invoice, 'the invoice was sent');
    assert.ok(invoice.message_id > sent.message_id, 'the invoice is below the text');
    assert.equal((await latestPayment())?.status, 'pending');
  });

  test('a refused QR code is explained with the methods to try again, and its payment is closed', async () => {
    const list = await methodList();
    lavka.sim.injectFault({ method: 'sendPhoto', kind: 'bad_request', description: 'Bad Request: IMAGE_PROCESS_FAILED' });
    await press(customer, '📱 QR payment');
    const notice = await waitText(customer, 'The QR code could not be sent');
    assert.equal(notice.message_id, list.message_id);
    assert.ok(buttonsOf(notice).some((button) => button.text === '📱 QR payment'));
    assert.ok(!botTexts().some((text) => text.includes('Scan the QR code below')), 'nothing points at a QR code that is not there');
    const payment = await latestPayment();
    assert.deepEqual([payment?.provider, payment?.status], ['qr', 'failed']);
  });
});
