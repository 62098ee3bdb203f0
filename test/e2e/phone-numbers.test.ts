import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { phoneExample } from '../../src/config/phone.ts';
import type { SimUser, ViewMessage } from '../../src/sim/index.ts';
import type { StaffSession } from '../support/admin-gate.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { buttonsOf, press, textOf } from '../support/chat.ts';

/** A Kazakhstan IIN: twelve digits, a phone's length, typed where the phone was asked. */
const IIN_WITH_PLUS = '+900101312308';
const IIN = '900101312308';
/** The mobile number libphonenumber gives as Kazakhstan's example (`+7 771 000 9998`), which the hints show. */
const KZ_EXAMPLE = phoneExample('KZ');
const OWNER = 900;

/** Waits for a bot message whose text or caption contains `match`. */
function waitText(user: SimUser, match: string) {
  return user.waitForMessage((message) => textOf(message).includes(match), { timeoutMs: 8000 });
}

/** Bot messages in the user's chat that contain `match`. */
function botMessages(user: SimUser, match: string): ViewMessage[] {
  return user.chat().messages.filter((message) => message.from_bot && textOf(message).includes(match));
}

describe('phone numbers at the shop checkout', () => {
  let lavka: TestLavka;

  before(async () => {
    lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER] });
  });
  after(async () => {
    await lavka?.stop();
  });

  /** Puts a product in the cart and walks the checkout to the phone step. */
  async function toPhoneStep(customer: SimUser, example = KZ_EXAMPLE): Promise<void> {
    const product = (await lavka.app.services.catalog?.search('T-shirt', 1, 'en'))?.products[0];
    assert.ok(product, 'the demo catalogue has a T-shirt');
    await customer.send(`/start p_${product.id}`);
    await customer.waitForMessage((message) => buttonsOf(message).some((button) => button.text === '🛒 Add to cart'), { timeoutMs: 8000 });
    await press(customer, '🛒 Add to cart');
    await customer.send('/cart');
    await waitText(customer, '🧺 Your cart');
    await press(customer, '✅ Checkout');
    await waitText(customer, 'How would you like to get your order?');
    await customer.pressReplyButton('🏪 Pickup');
    await waitText(customer, 'Choose a pickup point');
    await customer.pressReplyButton('10 Abay Ave, Almaty');
    const ask = await waitText(customer, 'Share your phone number');
    assert.ok(textOf(ask).includes(`(e.g. ${example})`), 'the hint shows a number of the shop’s country');
  }

  test('an IIN typed at the phone step is refused with an example, stores nothing and the checkout waits for a phone', async () => {
    const customer = lavka.sim.user({ id: 8301, first_name: 'Aigerim', language_code: 'en' });
    await toPhoneStep(customer);

    await customer.send(IIN_WITH_PLUS);
    const refusal = await waitText(customer, 'That does not look like a phone number');
    assert.match(textOf(refusal), new RegExp(`type it like \\${KZ_EXAMPLE}`));
    await customer.send(IIN);
    await customer.waitForMessage((message) => message.message_id > refusal.message_id && textOf(message).includes('That does not look like a phone number'), { timeoutMs: 8000 });
    assert.equal(botMessages(customer, 'Any comment for the order?').length, 0, 'the checkout did not move on');
    assert.equal((await lavka.app.services.users?.get(8301))?.phone, null, 'no phone was stored');

    // A national number is read in Kazakhstan, the shop's country, and stored in E.164.
    await customer.send('8 701 234 56 78');
    await waitText(customer, 'Any comment for the order?');
    assert.equal((await lavka.app.services.users?.get(8301))?.phone, '+77012345678');
    await customer.pressReplyButton('Skip');
    const summary = await waitText(customer, 'Please check your order:');
    assert.match(textOf(summary), /Phone: \+77012345678/);
  });

  test('the owner changes the phone country in the panel and the checkout reads national numbers in it at once', async () => {
    const admin = lavka.app.services.admin;
    assert.ok(admin);
    const owner = await admin.staffForTelegram({ id: OWNER, first_name: 'Owner' });
    assert.ok(owner);
    const started = await admin.startSession(owner.id, { ip: '127.0.0.1' });
    const session: StaffSession = { cookie: `lavka_admin=${started.token}`, csrf: started.csrfToken };
    const api = async (method: 'GET' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
      const headers: Record<string, string> = { cookie: session.cookie };
      if (method !== 'GET') Object.assign(headers, { 'x-csrf-token': session.csrf, 'content-type': 'application/json' });
      const response = await lavka.app.http.inject({ method, url, headers, ...(method === 'GET' ? {} : { payload: JSON.stringify(body ?? {}) }) });
      return { status: response.statusCode, json: response.json() as { sections?: Record<string, { value: unknown }>; error?: string } };
    };
    const current = async () => (await api('GET', '/api/admin/settings')).json.sections?.['phone-country']?.value;
    assert.deepEqual(await current(), { defaultCountry: 'KZ' }, 'the preset’s country');

    const refused = await api('PUT', '/api/admin/settings/phone-country', { defaultCountry: 'XX' });
    assert.equal(refused.status, 400);
    assert.deepEqual(await current(), { defaultCountry: 'KZ' }, 'a code that is no country changes nothing');
    assert.equal((await api('PUT', '/api/admin/settings/phone-country', { defaultCountry: 'ru' })).status, 200);
    assert.deepEqual(await current(), { defaultCountry: 'RU' });

    try {
      const customer = lavka.sim.user({ id: 8303, first_name: 'Olga', language_code: 'en' });
      await toPhoneStep(customer, phoneExample('RU'));
      await customer.send('8 912 345-67-89');
      await waitText(customer, 'Any comment for the order?');
      assert.equal((await lavka.app.services.users?.get(8303))?.phone, '+79123456789');
    } finally {
      assert.equal((await api('DELETE', '/api/admin/settings/phone-country')).status, 200);
    }
    assert.deepEqual(await current(), { defaultCountry: 'KZ' }, 'a reset goes back to the preset');
  });

  test('a shared contact whose phone Telegram sent without a plus is stored in E.164', async () => {
    const customer = lavka.sim.user({ id: 8302, first_name: 'Dana', language_code: 'ru', phone_number: '77017654321' });
    const product = (await lavka.app.services.catalog?.search('T-shirt', 1, 'ru'))?.products[0];
    assert.ok(product);
    await customer.send(`/start p_${product.id}`);
    await customer.waitForMessage((message) => buttonsOf(message).some((button) => button.text.startsWith('🛒')), { timeoutMs: 8000 });
    await press(customer, (button) => button.text.startsWith('🛒'));
    await customer.send('/cart');
    await customer.waitForMessage((message) => buttonsOf(message).some((button) => button.text.startsWith('✅')), { timeoutMs: 8000 });
    await press(customer, (button) => button.text.startsWith('✅'));
    await waitText(customer, 'Как вы хотите получить заказ?');
    await customer.pressReplyButton('🏪 Самовывоз');
    await waitText(customer, 'пункт самовывоза');
    await customer.pressReplyButton('Алматы, пр. Абая 10');
    await waitText(customer, 'Поделитесь номером телефона');
    await customer.shareContact();
    await waitText(customer, 'комментарий');
    assert.equal((await lavka.app.services.users?.get(8302))?.phone, '+77017654321');
  });
});

describe('phone numbers at the clinic registration', () => {
  let lavka: TestLavka;

  before(async () => {
    lavka = await startTestLavka({ preset: 'clinic' });
  });
  after(async () => {
    await lavka?.stop();
  });

  test('an IIN typed at the phone step is refused in the patient’s language and the registration waits for a phone', async () => {
    const patient = lavka.sim.user({ id: 8401, first_name: 'Patient', language_code: 'ru' });
    await patient.send('/profile');
    await patient.waitForMessage((message) => buttonsOf(message).some((button) => button.text === '📝 Зарегистрироваться'), { timeoutMs: 8000 });
    await press(patient, '📝 Зарегистрироваться');
    await waitText(patient, 'Напишите ФИО полностью');
    await patient.send('Волкова Анна Петровна');
    await waitText(patient, 'Поделитесь номером телефона');

    await patient.send(IIN_WITH_PLUS);
    const refusal = await waitText(patient, 'Это не похоже на номер телефона');
    assert.match(textOf(refusal), new RegExp(`Введите его так: \\${KZ_EXAMPLE}`));
    assert.equal(botMessages(patient, 'Дата рождения').length, 0, 'the registration did not move on');

    await patient.send('8 (701) 234-56-78');
    await waitText(patient, 'Дата рождения');
    await patient.send('15.03.1990');
    await waitText(patient, 'Ваш ИИН');
    assert.equal(await lavka.app.services.patients?.get(8401), undefined, 'nothing is stored before the IIN');
  });
});
