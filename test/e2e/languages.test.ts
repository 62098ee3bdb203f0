import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locale } from '../../src/config/business.ts';
import type { SimUser, ViewMessage } from '../../src/sim/index.ts';
import { testIdentity } from '../support/clinic.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { readXlsx } from '../support/xlsx-reader.ts';
import { press, textOf, waitText } from '../support/chat.ts';

// The shop preset's default language is Russian; these people read English and Kazakh.
const ENGLISH_ADMIN = 9501;
const ENGLISH_CUSTOMER = 8501;
const KAZAKH_CUSTOMER = 8502;
// The clinic preset's default language is Kazakh; its registrar reads Russian.
const RUSSIAN_REGISTRAR = 9502;
const KAZAKH_PATIENT = 8503;
const ADDRESS = 'Abay avenue 10, flat 5';

const labelsOf = (message: ViewMessage | undefined) => message?.reply_markup?.inline_keyboard.flat().map((button) => button.text) ?? [];

/** Russian or Kazakh letters: none may reach an English reader. */
const CYRILLIC = /[\u0400-\u04FF]/;

describe('every text in the reader’s language: a shop whose default language is Russian', () => {
  let lavka: TestLavka;
  let admin: SimUser;
  let english: SimUser;
  let kazakh: SimUser;
  let mugId = 0;
  const t = (locale: Locale, key: string, variables?: Record<string, string | number>) => lavka.app.i18n.t(locale, key, variables);

  /**
   * Orders the Lavka mug by courier (a paid delivery: the order gets a fee line), or for
   * pickup at `pickupPoint`, in the customer's language, pressing the buttons that language
   * shows. Returns the order number and the payment screen that follows "Order … is placed!".
   */
  async function orderMug(customer: SimUser, locale: Locale, pickupPoint?: string) {
    // Found once: a test below renames it.
    mugId ||= (await lavka.app.services.catalog?.search('Lavka mug', 1, 'en'))?.products[0]?.id ?? 0;
    assert.ok(mugId);
    await customer.send(`/start p_${mugId}`);
    await customer.waitForMessage((message) => Boolean(message.photo));
    await press(customer, t(locale, 'cart-add'));
    await customer.send('/cart');
    await waitText(customer, t(locale, 'cart-title'));
    await press(customer, t(locale, 'cart-checkout'));
    await waitText(customer, t(locale, 'cart-ask-delivery'));
    if (pickupPoint) {
      await customer.pressReplyButton(t(locale, 'cart-delivery-pickup'));
      await waitText(customer, t(locale, 'cart-ask-pickup-point'));
      await customer.pressReplyButton(pickupPoint);
    } else {
      await customer.pressReplyButton(t(locale, 'cart-delivery-courier'));
      await waitText(customer, t(locale, 'cart-ask-address'));
      await customer.send(ADDRESS);
    }
    await customer.waitForMessage((message) => textOf(message).startsWith(t(locale, 'cart-ask-phone', { example: '' }).slice(0, 20)));
    await customer.pressReplyButton(t(locale, 'cart-share-contact'));
    await waitText(customer, t(locale, 'cart-ask-comment').slice(0, 20));
    await customer.pressReplyButton(t(locale, 'cart-skip-comment'));
    await waitText(customer, t(locale, 'cart-summary-title'));
    await customer.pressReplyButton(t(locale, 'cart-confirm-order'));
    const placed = await waitText(customer, /A-\d+/);
    const number = /A-\d+/.exec(textOf(placed))?.[0] ?? '';
    const screen = await customer.waitForMessage((message) => message.message_id > placed.message_id && labelsOf(message).includes(t(locale, 'menu-my-orders')));
    return { number, screen };
  }

  before(async () => {
    lavka = await startTestLavka({ preset: 'shop', adminIds: [ENGLISH_ADMIN], env: { PAYMENTS_PROVIDER_TOKEN: '381764678:TEST:lavka-card-token' } });
    admin = lavka.sim.user({ id: ENGLISH_ADMIN, first_name: 'Dana', language_code: 'en', hasStartedBot: true });
    // Admins are users too: their first message records the language they read.
    await admin.send('/start');
    await admin.waitForMessage(() => true);
  });
  after(async () => {
    await lavka?.stop();
  });

  test('an English-speaking customer sees order lines, the payment screen, the invoice, the order card and its status notice in English; English-reading staff get theirs in English', async () => {
    english = lavka.sim.user({ id: ENGLISH_CUSTOMER, first_name: 'Aigerim', language_code: 'en', phone_number: '+77011234567' });
    const customer = english;
    const { number, screen } = await orderMug(customer, 'en');
    assert.match(textOf(screen), /• Lavka mug × 1 — ₸3,490/);
    assert.match(textOf(screen), /\nDelivery — ₸1,500/);
    assert.doesNotMatch(textOf(screen), CYRILLIC, textOf(screen));

    await press(customer, '💳 Bank card', { messageId: screen.message_id });
    const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
    assert.deepEqual(invoice.invoice && { title: invoice.invoice.title, description: invoice.invoice.description }, { title: `Order ${number}`, description: 'Lavka mug × 1' });

    await customer.send(`/track_order ${number}`);
    const card = await waitText(customer, `Order ${number} — 🆕 New`);
    assert.match(textOf(card), /• Lavka mug × 1 — ₸3,490\nDelivery — ₸1,500/);
    assert.doesNotMatch(textOf(card), CYRILLIC, textOf(card));

    // Staff read English here: the alert, its card and its buttons.
    const alert = await waitText(admin, `Order ${number}`, 15_000);
    assert.ok(textOf(alert).startsWith('🔔 New order!'), textOf(alert));
    assert.match(textOf(alert), /• Lavka mug × 1 — ₸3,490/);
    assert.doesNotMatch(textOf(alert), CYRILLIC, textOf(alert));
    assert.ok(labelsOf(alert).includes('✅ Confirm'), labelsOf(alert).join(' | '));
    await press(admin, '✅ Confirm', { messageId: alert.message_id });
    const notice = await waitText(customer, `Your order ${number} is now: ✅ Confirmed`, 15_000);
    assert.doesNotMatch(textOf(notice), CYRILLIC);
  });

  test('English dates read day, month and year with a 24-hour clock, never "12/6/26, 7:43 AM"', async () => {
    const customer = english;
    await customer.send('/my_orders');
    await waitText(customer, 'Your orders (1)');
    await press(customer, (button) => button.text.startsWith('A-'));
    const card = await waitText(customer, /Placed: /);
    const placedAt = /Placed: (.+)/.exec(textOf(card))?.[1] ?? '';
    assert.match(placedAt, /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/, placedAt);
    assert.doesNotMatch(textOf(card), /\d{1,2}\/\d{1,2}\/\d{2}|AM|PM/);
  });

  test('a staff member who reads English gets the export of a Russian shop in English, order lines included', async () => {
    await admin.send('/export all');
    const xlsxMessage = await admin.waitForMessage((message) => message.document?.file_name?.endsWith('.xlsx') === true);
    const book = readXlsx(lavka.sim.file(xlsxMessage.document?.file_id ?? '')?.data ?? new Uint8Array());
    const rows = book.sheets[book.sheetNames[0] ?? ''] ?? [];
    assert.equal(rows[0]?.[8], 'Items');
    assert.equal(rows[1]?.[8], 'Lavka mug × 1');
  });

  test('a Kazakh-speaking customer sees the catalogue’s Kazakh names on their order, and the delivery line in Kazakh', async () => {
    kazakh = lavka.sim.user({ id: KAZAKH_CUSTOMER, first_name: 'Ерлан', language_code: 'kk', phone_number: '+77017654321' });
    const customer = kazakh;
    const { number, screen } = await orderMug(customer, 'kk');
    assert.match(textOf(screen), /• «Лавка» саптыаяғы × 1 — /);
    assert.match(textOf(screen), /\nЖеткізу — /);
    assert.doesNotMatch(textOf(screen), /Кружка|Доставка/);
    await customer.send(`/track_order ${number}`);
    const card = await waitText(customer, t('kk', 'orders-detail-title', { number, status: t('kk', 'order-status-new') }));
    assert.match(textOf(card), /• «Лавка» саптыаяғы × 1 — /);
    assert.doesNotMatch(textOf(card), /Кружка|Доставка/);
    // The order keeps the names it was placed with: a later rename changes no past order.
    const order = await lavka.app.services.orders?.getByNumber(number);
    const productId = order?.lines[0]?.product_id ?? 0;
    await lavka.app.services.catalog?.updateStaffProduct(productId, { title: { ru: 'Кружка 2.0', kk: 'Саптыаяқ 2.0', en: 'Mug 2.0' } });
    await customer.send(`/track_order ${number}`);
    const again = await customer.waitForMessage((message) => message.message_id > card.message_id && textOf(message).includes(number));
    assert.match(textOf(again), /• «Лавка» саптыаяғы × 1 — /);
  });

  test('a pickup point is named in each reader’s language: the customer’s buttons and order card in Kazakh, the staff card in English', async () => {
    const { number, screen } = await orderMug(kazakh, 'kk', 'Алматы, Абай даңғылы, 10');
    assert.match(textOf(screen), /Өзі алып кету: Алматы, Абай даңғылы, 10/);
    const alert = await waitText(admin, `Order ${number}`, 15_000);
    assert.match(textOf(alert), /Pickup: 10 Abay Ave, Almaty/);
    const order = await lavka.app.services.orders?.getByNumber(number);
    assert.equal(order?.pickup_point, 'Алматы, пр. Абая 10', 'the order keeps the point by its name in the shop’s language');
  });
});

describe('every text in the reader’s language: a clinic whose default language is Kazakh', () => {
  let lavka: TestLavka;
  let registrar: SimUser;
  let patient: SimUser;
  const t = (locale: Locale, key: string) => lavka.app.i18n.t(locale, key);

  before(async () => {
    lavka = await startTestLavka({ preset: 'clinic', adminIds: [RUSSIAN_REGISTRAR] });
    registrar = lavka.sim.user({ id: RUSSIAN_REGISTRAR, first_name: 'Анна', language_code: 'ru', hasStartedBot: true });
    await registrar.send('/start');
    await registrar.waitForMessage(() => true);
  });
  after(async () => {
    await lavka?.stop();
  });

  test('a Kazakh patient books in Kazakh with a calendar of whole weekday names, and the registrar who reads Russian is told in Russian', async () => {
    patient = lavka.sim.user({ id: KAZAKH_PATIENT, first_name: 'Әлия', language_code: 'kk', phone_number: '+77015558503' });
    await patient.send('/start');
    const menu = await patient.waitForMessage((message) => labelsOf(message).includes('🗓 Қабылдауға жазылу'));
    await lavka.app.services.patients?.register(KAZAKH_PATIENT, { fullName: 'Нұрланова Әлия Серікқызы', phone: '+77015558503', ...testIdentity(KAZAKH_PATIENT) });
    await press(patient, '🗓 Қабылдауға жазылу', { messageId: menu.message_id });
    await waitText(patient, 'Филиалды таңдаңыз');
    await press(patient, '🏥 Достық филиалы');
    await waitText(patient, 'Қызметті таңдаңыз');
    await press(patient, (button) => button.text.startsWith('Терапевт кеңесі'));
    await waitText(patient, 'Дәрігерді таңдаңыз');
    await press(patient, (button) => button.text.startsWith('👩‍⚕️ Айгүл Нұрланова'));
    let calendar = await waitText(patient, 'Күнді таңдаңыз');
    // The weekday row: two letters each, which a seven-button row shows whole.
    const headers = t('kk', 'booking-calendar-weekdays').split(' ');
    assert.deepEqual(headers, ['Дс', 'Сс', 'Ср', 'Бс', 'Жм', 'Сб', 'Жс']);
    assert.deepEqual(calendar.reply_markup?.inline_keyboard[1]?.map((button) => button.text), headers);
    for (let month = 0; month < 3 && !labelsOf(calendar).some((label) => /^\d+$/.test(label)); month += 1) {
      await press(patient, '›');
      calendar = await patient.waitForMessage((message) => message.reply_markup?.inline_keyboard[1]?.[0]?.text === 'Дс' && message.edit_date !== undefined, { timeoutMs: 5000 });
    }
    await press(patient, (button) => /^\d+$/.test(button.text));
    await patient.waitForMessage((message) => (message.reply_markup?.inline_keyboard.flat() ?? []).some((button) => /^bk:t:/.test(button.callback_data ?? '')), { timeoutMs: 5000 });
    await press(patient, (button) => /^bk:t:/.test(button.callback_data ?? ''));
    await waitText(patient, 'Жазылуыңызды тексеріңіз');
    await press(patient, '✅ Растау');
    await waitText(patient, '✅ Сіз қабылдауға жазылдыңыз!');

    const notice = await waitText(registrar, '🆕 Новая запись', 15_000);
    assert.match(textOf(notice), /Приём терапевта/);
    assert.match(textOf(notice), /Айгуль Нурланова/);
    assert.doesNotMatch(textOf(notice), /Жаңа жазылу|Терапевт кеңесі|Айгүл/);
  });

  test('a question the Kazakh patient writes reaches the registrar in Russian, with a Russian close button', async () => {
    await patient.send('/ticket');
    await waitText(patient, '💬 Қолдау қызметі.');
    await press(patient, '✍️ Клиникаға жазу');
    await waitText(patient, 'Сұрағыңызды бір хабарламамен жазыңыз');
    await patient.send('Талдау нәтижесін қашан алуға болады?');
    const copy = await waitText(registrar, 'Талдау нәтижесін қашан алуға болады?', 15_000);
    assert.match(textOf(copy), /Новое обращение от /);
    assert.match(textOf(copy), /Ответьте на это сообщение/);
    assert.doesNotMatch(textOf(copy), /жаңа өтініш жіберді/);
    assert.deepEqual(labelsOf(copy), [t('ru', 'tickets-staff-button-close')]);
  });

  test('the Kazakh welcome puts no case ending on the business name', async () => {
    await patient.send('/start');
    const welcome = await waitText(patient, 'қош келдіңіз');
    assert.match(textOf(welcome), /«Lavka Clinic» ботына қош келдіңіз\./);
  });
});
