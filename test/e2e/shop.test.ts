import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ApiInlineButton, SimUser, ViewMessage } from '../../src/sim/index.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { readCsv, readXlsx } from '../support/xlsx-reader.ts';

const ADMIN = 9001;
const CUSTOMER = 8001;

/** Business settings layered over the shop preset for these tests. */
function writeConfig(yaml: string): { file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-shop-e2e-'));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const textOf = (message: ViewMessage) => message.text ?? message.caption ?? '';
const buttonsOf = (message: ViewMessage | undefined) => message?.reply_markup?.inline_keyboard.flat() ?? [];
const startsWith = (prefix: string) => (button: ApiInlineButton) => button.text.startsWith(prefix);

/** Presses a button and waits for the bot's answer to that press (its toast). */
async function press(user: SimUser, label: string | ((button: ApiInlineButton) => boolean), options: { chatId?: number } = {}) {
  const result = await user.pressButton(label, options);
  assert.equal(result.type, 'callback');
  if (result.type !== 'callback') throw new Error('not a callback button');
  return user.waitForCallbackAnswer(result.callbackQueryId, { timeoutMs: 5000 });
}

/** Waits for a bot message or edit whose text or caption satisfies `match`. */
function waitText(user: SimUser, match: RegExp | string, options: { chatId?: number; timeoutMs?: number } = {}) {
  const test = (value: string) => (typeof match === 'string' ? value.includes(match) : match.test(value));
  return user.waitForMessage((message) => test(textOf(message)), { timeoutMs: 5000, ...options });
}

describe('the shop through the simulator', () => {
  let lavka: TestLavka;
  let config: { file: string; remove(): void };
  let customer: SimUser;
  let admin: SimUser;
  let orderNumber = '';

  before(async () => {
    // Three rows per page so that the T-shirts (four of them) need the paginator.
    config = writeConfig('settings:\n  catalog:\n    pageSize: 3\n');
    lavka = await startTestLavka({ preset: 'shop', adminIds: [ADMIN], env: { LAVKA_CONFIG: config.file } });
    admin = lavka.sim.user({ id: ADMIN, first_name: 'Staff', language_code: 'ru', hasStartedBot: true });
    customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Aigerim', last_name: 'S', language_code: 'en', phone_number: '+77011234567' });
  });
  after(async () => {
    await lavka?.stop();
    config?.remove();
  });

  test('a customer browses the category tree in one message, with a paginator and a way back', async () => {
    await customer.send('/start');
    const menu = await customer.waitForMessage((message) => buttonsOf(message).some((button) => button.text === '🛍 Catalogue'));
    for (const label of ['🧺 Cart', '📦 My orders', '💬 Contact us']) assert.ok(buttonsOf(menu).some((button) => button.text === label), label);

    await press(customer, '🛍 Catalogue');
    const root = await waitText(customer, /^🛍 Catalogue\n/);
    assert.equal(root.message_id, menu.message_id, 'the menu message is edited in place');
    assert.deepEqual(buttonsOf(root).filter((button) => button.text.startsWith('📁')).map((button) => button.text), ['📁 Clothing', '📁 Accessories', '📁 Notebooks and books']);

    await press(customer, '📁 Clothing');
    await waitText(customer, '🛍 Catalogue › Clothing');
    await press(customer, '📁 T-shirts');
    const page1 = await waitText(customer, '🛍 Catalogue › Clothing › T-shirts');
    assert.equal(page1.message_id, menu.message_id);
    assert.ok(buttonsOf(page1).some((button) => button.text === '1/2'), 'page 1/2');
    assert.equal(buttonsOf(page1).filter((button) => button.callback_data?.startsWith('catalog:p:')).length, 3);
    // Paging on stores nothing new: the search window armed by the first screen still holds.
    const sessionRow = () => lavka.app.database.db.selectFrom('sessions').select(['value', 'updated_at']).where('key', 'like', `%${CUSTOMER}%`).executeTakeFirstOrThrow();
    const sessionBefore = await sessionRow();
    await press(customer, '›');
    const page2 = await customer.waitForMessage((message) => buttonsOf(message).some((button) => button.text === '2/2'));
    assert.deepEqual({ ...(await sessionRow()) }, { ...sessionBefore }, 'browsing does not rewrite the session');
    assert.deepEqual(
      buttonsOf(page2).filter((button) => button.callback_data?.startsWith('catalog:p:')).map((button) => button.text),
      ['Kids T-shirt · ₸4,990'],
    );
    await press(customer, '‹');
    await customer.waitForMessage((message) => buttonsOf(message).some((button) => button.text === '1/2'));
    for (const button of buttonsOf(page1)) assert.ok(Buffer.byteLength(button.callback_data ?? '') <= 64);
  });

  test('a product card shows the photo, variants with their own price, and adds the chosen variant to the cart', async () => {
    await press(customer, startsWith('Lavka T-shirt'));
    const card = await customer.waitForMessage((message) => Boolean(message.photo) && textOf(message).startsWith('Lavka T-shirt'));
    assert.match(textOf(card), /S · White — ₸6,990/);
    assert.match(textOf(card), /In stock: 8/);
    await press(customer, 'M · Black');
    const black = await customer.waitForMessage((message) => textOf(message).includes('M · Black — ₸7,490'));
    assert.ok(black.photo, 'the card stays a photo');
    const answer = await press(customer, '🛒 Add to cart');
    assert.match(answer.text ?? '', /Added: Lavka T-shirt \(M · Black\)\. In the cart: 1\./);
    // The photo went up once; its file_id is cached for the next card.
    const stored = await lavka.app.database.db.selectFrom('catalog_photos').select('file_id').where('file_id', 'is not', null).execute();
    assert.ok(stored.length >= 1);
  });

  test('/search finds a product, and typing in the catalogue searches too', async () => {
    await customer.send('/search hoodie');
    const results = await waitText(customer, 'Found for “hoodie”: 2');
    assert.ok(buttonsOf(results).some((button) => button.text.startsWith('Lavka hoodie')));
    await customer.send('ZIP HOODIE');
    const typed = await waitText(customer, 'Found for “ZIP HOODIE”: 1');
    assert.ok(buttonsOf(typed).some((button) => button.text.startsWith('Zip hoodie')));
    await press(customer, startsWith('Zip hoodie'));
    await customer.waitForMessage((message) => Boolean(message.photo) && textOf(message).startsWith('Zip hoodie'));
    await customer.send('/search hoodie');
    await waitText(customer, 'Found for “hoodie”: 2');
    await press(customer, startsWith('Lavka hoodie'));
    const card = await customer.waitForMessage((message) => Boolean(message.photo) && textOf(message).startsWith('Lavka hoodie'));
    assert.match(textOf(card), /M · Graphite — ₸17,990/);
    await press(customer, 'L · Sand');
    await customer.waitForMessage((message) => textOf(message).includes('L · Sand — ₸18,990'));
    const answer = await press(customer, '🛒 Add to cart');
    assert.match(answer.text ?? '', /Added: Lavka hoodie \(L · Sand\)/);
  });

  test('the cart shows line totals and the total, and +/− change quantities', async () => {
    await press(customer, '🧺 Cart');
    const cart = await waitText(customer, '🧺 Your cart');
    assert.match(textOf(cart), /1\. Lavka T-shirt \(M · Black\)\n\s+1 × ₸7,490 = ₸7,490/);
    assert.match(textOf(cart), /2\. Lavka hoodie \(L · Sand\)\n\s+1 × ₸18,990 = ₸18,990/);
    assert.match(textOf(cart), /Total: ₸26,480 \(2 items\)/);
    await press(customer, '➕');
    const more = await waitText(customer, 'Total: ₸33,970 (3 items)');
    assert.match(textOf(more), /2 × ₸7,490 = ₸14,980/);
    await press(customer, '➖');
    await waitText(customer, 'Total: ₸26,480 (2 items)');
    await press(customer, '➕');
    await waitText(customer, 'Total: ₸33,970 (3 items)');
  });

  test('/cancel leaves the checkout at any step and keeps the cart', async () => {
    await press(customer, '✅ Checkout');
    await waitText(customer, 'How would you like to get your order?');
    await customer.pressReplyButton('🚚 Courier');
    await waitText(customer, 'Type the delivery address');
    await customer.send('/cancel');
    await waitText(customer, 'Cancelled. Nothing was changed.');
    await customer.send('/cart');
    await waitText(customer, 'Total: ₸33,970 (3 items)');
  });

  test('checkout with contact sharing places the order and staff get it with status buttons', async () => {
    await press(customer, '✅ Checkout');
    await waitText(customer, 'How would you like to get your order?');
    await customer.pressReplyButton('🚚 Courier');
    await waitText(customer, 'Type the delivery address');
    await customer.send('Abay avenue 10, flat 5');
    await waitText(customer, 'Share your phone number');
    await customer.send('not a phone');
    await waitText(customer, 'That does not look like a phone number');
    await customer.pressReplyButton('📱 Share my phone number');
    await waitText(customer, 'Any comment for the order?');
    await customer.send('Please call an hour before');
    const summary = await waitText(customer, 'Please check your order:');
    assert.match(textOf(summary), /Lavka T-shirt \(M · Black\) × 2 — ₸14,980/);
    assert.match(textOf(summary), /Delivery: free/);
    assert.match(textOf(summary), /Total: ₸33,970/);
    assert.match(textOf(summary), /Courier to: Abay avenue 10, flat 5/);
    assert.match(textOf(summary), /Phone: \+77011234567/);
    await customer.pressReplyButton('✅ Confirm the order');
    const placed = await waitText(customer, /Order A-\d+ is placed!/);
    orderNumber = /A-\d+/.exec(textOf(placed))?.[0] ?? '';
    assert.ok(orderNumber);
    assert.equal((await lavka.app.services.users?.get(CUSTOMER))?.phone, '+77011234567');

    const alert = await waitText(admin, `Заказ ${orderNumber}`, { timeoutMs: 15_000 });
    assert.match(textOf(alert), /🔔 Новый заказ!/);
    assert.match(textOf(alert), /Aigerim S/);
    assert.ok(buttonsOf(alert).some((button) => button.text === '✅ Подтвердить'));
  });

  test('staff move the order to shipped with the buttons, and the customer is notified of each change in English', async () => {
    for (const [label, status] of [
      ['✅ Подтвердить', '✅ Подтверждён'],
      ['🛠 В работу', '🛠 В работе'],
      ['🚚 Отправлен', '🚚 Отправлен'],
    ] as const) {
      const answer = await press(admin, label);
      assert.equal(answer.text, `${orderNumber}: ${status}`);
      await waitText(admin, `Заказ ${orderNumber} — ${status}`);
    }
    const shippedCard = admin.lastMessage();
    assert.ok(buttonsOf(shippedCard).some((button) => button.text === '📬 Доставлен'));
    await waitText(customer, `Your order ${orderNumber} is now: ✅ Confirmed`, { timeoutMs: 15_000 });
    await waitText(customer, `Your order ${orderNumber} is now: 🚚 Shipped`, { timeoutMs: 15_000 });
  });

  test('a stale staff button shows the current card and changes nothing', async () => {
    const alert = admin.chat().messages.find((message) => textOf(message).includes(`Заказ ${orderNumber}`));
    assert.ok(alert);
    const orderId = Number(/orders:st:(\d+):/.exec(buttonsOf(admin.lastMessage()).find((button) => button.callback_data?.startsWith('orders:st:'))?.callback_data ?? '')?.[1]);
    const answer = await admin.pressCallback(alert.message_id, `orders:st:${orderId}:new:confirmed`);
    assert.match(answer?.text ?? '', /уже изменился: 🚚 Отправлен/);
    assert.equal((await lavka.app.services.orders?.get(orderId))?.status, 'shipped');
    // A customer pressing a forged staff button is refused.
    const refused = await customer.pressCallback(customer.lastMessage()?.message_id ?? 0, `orders:st:${orderId}:shipped:delivered`);
    assert.equal(refused?.text, 'This command is for the shop\'s staff only.');
    assert.equal((await lavka.app.services.orders?.get(orderId))?.status, 'shipped');
  });

  test('/my_orders lists the order with its status and /track_order shows its history', async () => {
    await customer.send('/my_orders');
    const list = await waitText(customer, 'Your orders (1)');
    const entry = buttonsOf(list).find((button) => button.text.startsWith(orderNumber));
    assert.equal(entry?.text, `${orderNumber} · 🚚 Shipped · ₸33,970`);
    await press(customer, entry?.text ?? '');
    const detail = await waitText(customer, `Order ${orderNumber} — 🚚 Shipped`);
    assert.match(textOf(detail), /Status history:/);
    assert.ok(!buttonsOf(detail).some((button) => button.text.includes('Cancel')), 'a shipped order cannot be cancelled by the customer');
    await customer.send(`/track_order ${orderNumber.toLowerCase()}`);
    await waitText(customer, `Order ${orderNumber} — 🚚 Shipped`);
    await customer.send('/track_order A-999999');
    await waitText(customer, 'No order A-999999 was found');
  });

  test('/export sends a CSV and an XLSX whose rows match the order', async () => {
    await admin.send('/export all');
    const csvMessage = await admin.waitForMessage((message) => message.document?.file_name?.endsWith('.csv') === true);
    const xlsxMessage = await admin.waitForMessage((message) => message.document?.file_name?.endsWith('.xlsx') === true);
    const csvFile = lavka.sim.file(csvMessage.document?.file_id ?? '');
    const xlsxFile = lavka.sim.file(xlsxMessage.document?.file_id ?? '');
    assert.ok(csvFile?.data && xlsxFile?.data);
    const csv = readCsv(csvFile.data);
    assert.equal(csv.length, 2);
    assert.equal(csv[0]?.[0], 'Номер');
    assert.equal(csv[1]?.[0], orderNumber);
    assert.equal(csv[1]?.[2], 'Отправлен');
    assert.equal(csv[1]?.[3], 'Aigerim S');
    assert.equal(csv[1]?.[10], '33970');
    const book = readXlsx(xlsxFile.data);
    const rows = book.sheets[book.sheetNames[0] ?? ''] ?? [];
    assert.equal(rows.length, 2);
    assert.equal(rows[1]?.[0], orderNumber);
    assert.equal(rows[1]?.[4], CUSTOMER);
    assert.equal(rows[1]?.[8], 'Футболка «Лавка» (M · Чёрная) × 2; Худи «Лавка» (L · Песочный) × 1');
    assert.equal(rows[1]?.[9], 3);
    assert.equal(rows[1]?.[10], 33_970);

    await admin.send('/export 7d delivered');
    const empty = await admin.waitForMessage((message) => message.document?.file_name?.endsWith('.csv') === true);
    assert.equal(readCsv(lavka.sim.file(empty.document?.file_id ?? '')?.data ?? new Uint8Array()).length, 1, 'only the header');
    await admin.send('/export yesterday');
    await waitText(admin, 'Формат: /export');
  });

  test('/stats shows users, orders, revenue, conversion and top products to staff only', async () => {
    await admin.send('/stats');
    const stats = await waitText(admin, '📊 Статистика');
    assert.match(textOf(stats), /Всего пользователей: 2/);
    assert.match(textOf(stats), /заказов: 1, выручка: 33\s970\s₸/);
    assert.match(textOf(stats), /конверсия из этапа «корзина» в заказ: 1 из 1 \(100%\)/);
    assert.match(textOf(stats), /1\. Футболка «Лавка» — 2 · 14\s980\s₸/);
    await customer.send('/stats');
    await waitText(customer, "This command is for staff only.");
    await customer.send('/export');
    await waitText(customer, "This command is for staff only.");
  });

  test('stale or forged buttons get "menu out of date" and a fresh menu, and change nothing', async () => {
    const messageId = customer.lastMessage()?.message_id ?? 0;
    for (const data of ['catalog:p:999999:0:0:1', 'catalog:c:999999:1', 'cart:add:999999:0', 'cart:inc:999999:1', 'orders:o:999999:1', 'catalog:p:1:999999:0:1', 'catalog:c:1:99999']) {
      const answer = await customer.pressCallback(messageId, data);
      assert.equal(answer?.text, 'This menu is out of date. Here is a fresh one.', data);
    }
    // A product deleted since its button was drawn.
    await customer.send('/search mug');
    const results = await waitText(customer, 'Found for “mug”');
    const travel = buttonsOf(results).find((button) => button.text.startsWith('Travel mug'));
    const productId = Number(travel?.callback_data?.split(':')[2]);
    await lavka.app.services.catalog?.archiveProduct(productId);
    const answer = await press(customer, travel?.text ?? '');
    assert.equal(answer.text, 'This menu is out of date. Here is a fresh one.');
    const cart = await lavka.app.services.cart?.view(CUSTOMER, 'en');
    assert.equal(cart?.lines.length ?? 0, 0, 'the cart was emptied by the order and nothing was added');
  });

  test('a pickup order can be cancelled by the customer with buttons: stock comes back and staff are told', async () => {
    const stickers = (await lavka.app.services.catalog?.search('Sticker pack', 1, 'en'))?.products[0];
    assert.ok(stickers);
    await customer.send(`/start p_${stickers.id}`);
    await customer.waitForMessage((message) => Boolean(message.photo) && textOf(message).startsWith('Sticker pack'));
    await press(customer, '🛒 Add to cart');
    await customer.send('/cart');
    await waitText(customer, 'Total: ₸1,490 (1 item)');
    await press(customer, '✅ Checkout');
    await waitText(customer, 'How would you like to get your order?');
    await customer.pressReplyButton('🏪 Pickup');
    await waitText(customer, 'Choose a pickup point');
    await customer.pressReplyButton('10 Abay Ave, Almaty');
    await waitText(customer, 'Share your phone number');
    // The phone shared last time is offered as a button.
    await customer.pressReplyButton('+77011234567');
    await waitText(customer, 'Any comment for the order?');
    await customer.pressReplyButton('Skip');
    const summary = await waitText(customer, 'Please check your order:');
    assert.match(textOf(summary), /Pickup: 10 Abay Ave, Almaty/);
    assert.doesNotMatch(textOf(summary), /Comment:/);
    await customer.pressReplyButton('✅ Confirm the order');
    const placed = await waitText(customer, /Order A-\d+ is placed!/);
    const number = /A-\d+/.exec(textOf(placed))?.[0] ?? '';
    assert.equal((await lavka.app.services.catalog?.product(stickers.id, 'en'))?.stock, stickers.stock - 1);

    await customer.send('/my_orders');
    await waitText(customer, 'Your orders (2)');
    await press(customer, startsWith(number));
    await waitText(customer, `Order ${number} — 🆕 New`);
    await press(customer, '✖️ Cancel the order');
    await waitText(customer, `Cancel order ${number}?`);
    const answer = await press(customer, 'Yes, cancel it');
    assert.equal(answer.text, `Order ${number} is cancelled.`);
    await waitText(customer, `Order ${number} — ✖️ Cancelled`);
    assert.equal((await lavka.app.services.catalog?.product(stickers.id, 'en'))?.stock, stickers.stock);
    await waitText(admin, `Покупатель изменил заказ ${number}: теперь ✖️ Отменён`, { timeoutMs: 15_000 });
    await waitText(customer, `Your order ${number} is now: ✖️ Cancelled`, { timeoutMs: 15_000 });
  });

  test('a deep link t.me/<bot>?start=p_<id> opens the product card', async () => {
    const found = await lavka.app.services.catalog?.search('Lavka mug', 1, 'en');
    const mug = found?.products[0];
    assert.ok(mug);
    await customer.send(`/start p_${mug.id}`);
    const card = await customer.waitForMessage((message) => Boolean(message.photo) && textOf(message).startsWith('Lavka mug'));
    assert.ok(buttonsOf(card).some((button) => button.text === '🛒 Add to cart'));
    await customer.send('/start p_999999');
    await waitText(customer, 'This product is no longer available');
  });

  test('the contact entry shows the support contacts and passes a message to the staff chat', async () => {
    await customer.send('/start');
    await customer.waitForMessage((message) => buttonsOf(message).some((button) => button.text === '💬 Contact us'));
    await press(customer, '💬 Contact us');
    const contacts = await waitText(customer, 'How to reach us');
    assert.match(textOf(contacts), /Telegram: @lavka_support/);
    assert.match(textOf(contacts), /🕘 Opening hours:\nMon–Fri: 10:00–19:00\nSat: 11:00–17:00\nSun: closed\n(🟢 Open now|🔴 Closed now)/);
    await press(customer, '✍️ Write to us here');
    await waitText(customer, 'Write your message');
    await customer.send('Do you ship to Astana? <b>thanks</b>');
    await waitText(customer, 'Sent! Our team will get back to you.');
    const forwarded = await waitText(admin, 'Do you ship to Astana?', { timeoutMs: 15_000 });
    assert.match(textOf(forwarded), /Сообщение от Aigerim S/);
    assert.match(textOf(forwarded), /<b>thanks<\/b>/, 'customer text is escaped, not interpreted');
  });
});

describe('the channel subscription gate', () => {
  const CHANNEL = -1_001_234_567_890;
  let lavka: TestLavka;
  let config: { file: string; remove(): void };

  before(async () => {
    config = writeConfig(
      `settings:\n  gate:\n    cacheSeconds: 60\n    channels:\n      - { chatId: ${CHANNEL}, title: "Lavka News", url: "https://t.me/lavka_news" }\n`,
    );
    lavka = await startTestLavka({ preset: 'shop', adminIds: [ADMIN], env: { LAVKA_CONFIG: config.file } });
    lavka.sim.channel({ id: CHANNEL, title: 'Lavka News', username: 'lavka_news', botIsAdmin: true });
  });
  after(async () => {
    await lavka?.stop();
    config?.remove();
  });

  test('a user who has not joined sees the channels and "Check again" instead of the menu, until they join', async () => {
    const user = lavka.sim.user({ id: 8101, first_name: 'Gated', language_code: 'en' });
    await user.send('/start');
    const gate = await waitText(user, 'please join our channels first');
    assert.match(textOf(gate), /Lavka News/);
    const join = buttonsOf(gate).find((button) => button.url);
    assert.equal(join?.url, 'https://t.me/lavka_news');
    await user.send('/catalog');
    await waitText(user, 'please join our channels first');
    const refused = await press(user, '🔄 Check again');
    assert.equal(refused.text, 'You have not joined every channel yet.');
    await user.joinChannel(CHANNEL);
    const welcome = await press(user, '🔄 Check again');
    assert.equal(welcome.text, 'Thank you for subscribing!');
    await user.waitForMessage((message) => buttonsOf(message).some((button) => button.text === '🛍 Catalogue'));
    await user.send('/catalog');
    await waitText(user, /^🛍 Catalogue\n/);
  });

  test('staff pass the gate without joining', async () => {
    const staff = lavka.sim.user({ id: ADMIN, first_name: 'Staff', language_code: 'en' });
    await staff.send('/start');
    await staff.waitForMessage((message) => buttonsOf(message).some((button) => button.text === '🛍 Catalogue'));
  });
});
