import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { startLavka } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { SANDBOX_ADMIN_ID, SANDBOX_CUSTOMER_ID } from '../../src/http/sandbox.routes.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createCustomOrdersRoutes } from '../../src/modules/custom-orders/custom-orders.routes.ts';
import { invoicePayload } from '../../src/modules/payments/providers/telegram-stars.provider.ts';
import type { ViewMessage } from '../../src/sim/index.ts';
import { asciiStl, binaryStl, box, boxQuads, jpegBytes, objFile, tetrahedron, threeMfFile } from '../support/mesh-fixtures.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { orderPaymentView } from '../../src/modules/payments/payments.views.ts';
import { staffRoutes } from '../support/module-routes.ts';
import { orderPrintInEnglish } from '../support/print3d.ts';

const ADMIN = 900;
const textOf = (message: ViewMessage) => message.text ?? message.caption ?? '';
const has = (pattern: RegExp) => (message: ViewMessage) => pattern.test(textOf(message));

/** Polls until `check` holds, for effects that arrive through the outbox. */
async function eventually(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A test payment provider's token, as @BotFather gives one; the simulator charges no real card for it. */
const CARD_TOKEN = '381764678:TEST:lavka-print3d-card';

describe('print3d: custom orders from 3D models through the simulator', () => {
  let lavka: TestLavka;
  before(async () => {
    lavka = await startTestLavka({ preset: 'print3d', adminIds: [ADMIN], env: { PAYMENTS_PROVIDER_TOKEN: CARD_TOKEN } });
    lavka.sim.user({ id: ADMIN, first_name: 'Marat', language_code: 'ru', hasStartedBot: true });
  });
  after(async () => {
    await lavka?.stop();
  });

  const service = () => {
    const found = lavka.app.services['custom-orders'];
    assert.ok(found, 'the custom-orders module is enabled in the print3d preset');
    return found;
  };
  const payments = () => {
    const found = lavka.app.services.payments;
    assert.ok(found, 'the print3d preset pays through the payments module');
    return found;
  };
  const orderIdOf = async (number: string) => {
    const found = await lavka.app.services.orders?.getByNumber(number);
    assert.ok(found, number);
    return found.id;
  };

  test('the main menu offers a new print order, and /start shows it in the customer language', async () => {
    const user = lavka.sim.user({ id: 3000, first_name: 'Dana', language_code: 'en' });
    await user.send('/start');
    const menu = await user.waitForMessage((message) => Boolean(message.reply_markup));
    const labels = menu.reply_markup?.inline_keyboard.flat().map((button) => button.text) ?? [];
    assert.ok(labels.includes('🖨 New print order'), labels.join(', '));
    await user.pressButton('🖨 New print order');
    await user.waitForMessage(has(/Send your 3D model as a file/));
  });

  test('upload, choose material and colour, get the quote with its preview, pay, and follow printing to shipping', async () => {
    const customer = lavka.sim.user({ id: 3001, first_name: 'Alice', last_name: 'Walker', language_code: 'en' });
    const admin = lavka.sim.getUser(ADMIN);
    assert.ok(admin);

    await customer.send('/new_order');
    await customer.waitForMessage(has(/Send your 3D model as a file/));
    const model = binaryStl(box([50, 40, 30]));
    await customer.sendDocument(model, 'bracket.stl', 'model/stl');
    const measured = await customer.waitForMessage(has(/bracket\.stl is measured/), { timeoutMs: 10_000 });
    assert.match(textOf(measured), /50 × 40 × 30 mm/);
    assert.match(textOf(measured), /60\.00 cm³/);
    assert.match(textOf(measured), /12 triangles · closed mesh ✓/);

    await customer.pressButton('Continue ▶ (1 file)');
    await customer.waitForMessage(has(/How should we print it/));
    await customer.pressButton('FDM — filament');
    const materials = await customer.waitForMessage(has(/choose the material/));
    assert.deepEqual(materials.reply_markup?.inline_keyboard.flat().map((button) => button.text), ['PLA', 'PETG', 'ABS', 'TPU (flexible)', '✖ Cancel']);
    await customer.pressButton('PETG');
    const petgColours = await customer.waitForMessage(has(/PETG: choose the colour/));
    // Green PETG is out of stock: it is not offered.
    assert.ok(!petgColours.reply_markup?.inline_keyboard.flat().some((button) => button.text === 'Green'));
    await customer.send('/cancel');
    await customer.waitForMessage(has(/Cancelled/));

    // Start again, this time to the end.
    const summary = await orderPrintInEnglish(customer, model, { copies: '5', note: 'Matte finish, please' });
    const caption = textOf(summary);
    // 60 cm³ × 1.24 g/cm³ × (0.3 + 0.7 × 0.2) = 32.736 g per copy; 818.40 ₸ of PLA and 818.40 ₸ of
    // machine time (2.728 h × 300 ₸/h); × 5 = 8 184 ₸; −5 % = −409.20 ₸; + 1 500 ₸ setup = 9 274.80 ₸.
    assert.match(caption, /FDM — filament · PLA · Red · 20 % infill · × 5/);
    assert.match(caption, /32\.7 g — material ₸818\.40, machine 164 min ₸818\.40; per copy ₸1,636\.80/);
    assert.match(caption, /Quantity discount 5 %: −₸409\.20/);
    assert.match(caption, /Setup fee: ₸1,500/);
    assert.match(caption, /Total: ₸9,274\.80$/m);
    assert.ok(!caption.includes('⭐ ') && !/\d ⭐/.test(caption), 'a printed part has no price in Stars');
    assert.match(caption, /Comment: Matte finish, please/);
    const photo = summary.photo?.at(-1);
    assert.deepEqual([photo?.width, photo?.height], [320, 320]);

    await customer.pressButton('✅ Confirm and pay');
    // The payments module's methods, right under the placed order: a card, never Stars, for a physical good.
    const placed = await customer.waitForMessage(has(/Order P-1001 is placed\.\nPrice: ₸9,274\.80\. How would you like to pay\?/));
    assert.deepEqual(placed.reply_markup?.inline_keyboard.flat().map((button) => button.text), ['💳 Bank card', 'Open the order']);
    await customer.pressButton('💳 Bank card', { messageId: placed.message_id });
    const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
    assert.equal(invoice.invoice?.currency, 'KZT');
    assert.equal(invoice.invoice?.total_amount, 927_480);

    // Staff get the preview, the card with buttons and the file itself.
    const card = await admin.waitForMessage(has(/Новый заказ печати\n\nЗаказ P-1001 — Ожидает оплаты/), { timeoutMs: 10_000 });
    assert.match(textOf(card), /Клиент: Alice Walker \(id 3001\)/);
    assert.match(textOf(card), /50 × 40 × 30 мм · 60,00 см³/);
    assert.match(textOf(card), /Цена: 9\s274,80\s₸$/m);
    await eventually('the staff copy of the model file', 5000, () =>
      lavka.sim.chat(ADMIN).messages.some((message) => message.document?.file_name === 'bracket.stl'),
    );
    assert.ok(lavka.sim.chat(ADMIN).messages.some((message) => message.photo && /P-1001/.test(message.caption ?? '')), 'the preview reaches staff');

    // The customer does not want to hear about printing, only later steps.
    await customer.send('/subscribe');
    await customer.waitForMessage(has(/Which order updates/));
    await customer.pressButton('✅ Printing');
    await customer.waitForMessage((message) => message.edited && /⬜ Printing/.test(JSON.stringify(message.reply_markup)));
    assert.deepEqual(await service().subscriptionsOf(3001), ['paid', 'post_processing', 'ready', 'shipped', 'done']);

    const paid = await customer.payInvoice(invoice.message_id);
    assert.equal(paid.status, 'paid');
    await customer.waitForMessage(has(/Payment received, thank you! Order P-1001 goes to print/));

    const paidAlert = await admin.waitForMessage(has(/Заказ P-1001 оплачен: 9\s274,80\s₸/), { timeoutMs: 10_000 });
    await admin.pressButton('🖨 В печать', { messageId: paidAlert.message_id });
    await admin.waitForMessage((message) => message.edited && /Заказ P-1001 — Печатается/.test(textOf(message)));
    await admin.pressButton('📦 Готов', { messageId: paidAlert.message_id });
    await admin.waitForMessage((message) => message.edited && /Заказ P-1001 — Готов/.test(textOf(message)));
    await customer.waitForMessage(has(/Order P-1001 is ready/), { timeoutMs: 10_000 });
    await admin.pressButton('🚚 Отправлен', { messageId: paidAlert.message_id });
    await customer.waitForMessage(has(/Order P-1001 is shipped/), { timeoutMs: 10_000 });

    assert.ok(!customer.chat().messages.some(has(/is printing/)), 'no printing notification after unsubscribing');
    const detail = await service().detail(1);
    assert.equal(detail?.status, 'shipped');
    assert.deepEqual(
      detail?.history.map((change) => `${change.from_status ?? '∅'}→${change.to_status}:${change.actor_type}`),
      ['∅→new:customer', 'new→quoted:system', 'quoted→awaiting_payment:customer', 'awaiting_payment→paid:system', 'paid→printing:staff', 'printing→ready:staff', 'ready→shipped:staff'],
    );
    assert.equal(detail?.history.find((change) => change.to_status === 'printing')?.actor_id, String(ADMIN));
    assert.equal(detail?.payments.length, 1);
    assert.deepEqual([detail?.payments[0]?.amount_minor, detail?.payments[0]?.currency, detail?.payments[0]?.purpose, detail?.payments[0]?.purpose_ref], [927_480, 'KZT', 'print', '1_1']);
    assert.deepEqual([detail?.payment_id, detail?.payment_method], [detail?.payments[0]?.id, 'card']);
    assert.equal(detail?.total_minor, 927_480);
    assert.equal(detail?.comment, 'Matte finish, please');
    // The job is an order: one line with the copies at their price, the quote's total.
    assert.deepEqual(detail?.lines.map((line) => [line.line_kind, line.title, line.unit_price_minor, line.quantity, line.total_minor]), [
      ['item', '3D-печать: FDM — пластиковая нить · PLA · Красный · заполнение 20 %', 185_496, 5, 927_480],
    ]);

    // The same charge arriving again (a re-delivered update) records nothing new.
    const paymentId = detail?.payments[0]?.id ?? 0;
    const again = await payments().recordTelegramPayment({ userId: 3001, payload: invoicePayload(paymentId), currency: 'KZT', totalAmount: 927_480, chargeId: paid.status === 'paid' ? paid.chargeId : '' });
    assert.equal(again.status, 'duplicate');
    const after = await service().detail(1);
    assert.equal(after?.payments.length, 1);
    assert.equal(after?.history.filter((change) => change.to_status === 'paid').length, 1);

    // One list of orders for the customer, kept by the orders module; a print job opens its own card.
    await customer.send('/my_orders');
    const list = await customer.waitForMessage(has(/Your orders \(1\)/));
    assert.ok(list.reply_markup?.inline_keyboard.flat().some((button) => button.text === 'P-1001 · Shipped · ₸9,274.80'));
    await customer.send('/track_order p-1001');
    const tracked = await customer.waitForMessage(has(/Order P-1001 — Shipped/));
    assert.match(textOf(tracked), /History:/);
  });

  test('a JPEG renamed to .stl and a truncated STL are refused with clear answers and nothing is stored', async () => {
    const customer = lavka.sim.user({ id: 3002, first_name: 'Bob', language_code: 'en' });
    await customer.send('/new_order');
    await customer.waitForMessage(has(/Send your 3D model as a file/));
    await customer.sendDocument(jpegBytes(), 'holiday.stl', 'model/stl');
    const refusedJpeg = await customer.waitForMessage(has(/holiday\.stl/), { timeoutMs: 10_000 });
    assert.match(textOf(refusedJpeg), /This is not a 3D model \(it looks like: JPEG image\)\. Accepted: STL, OBJ, 3MF files up to 20 MB/);

    const whole = binaryStl(box([10, 10, 10]));
    await customer.sendDocument(whole.subarray(0, whole.length - 60), 'cut.stl', 'model/stl');
    const refusedCut = await customer.waitForMessage(has(/cut\.stl/), { timeoutMs: 10_000 });
    assert.match(textOf(refusedCut), /The file is cut short/);

    await customer.sendDocument(new TextEncoder().encode('a drawing, not a model'), 'drawing.pdf', 'application/pdf');
    const refusedType = await customer.waitForMessage(has(/I cannot read this file type/), { timeoutMs: 10_000 });
    assert.match(textOf(refusedType), /Accepted: STL, OBJ, 3MF/);

    const stored = await lavka.app.database.db.selectFrom('custom_order_files').select('id').where('user_id', '=', 3002).execute();
    assert.equal(stored.length, 0);
  });

  test('an open mesh is measured and flagged, and several files (OBJ, 3MF, ASCII STL) go into one order', async () => {
    const customer = lavka.sim.user({ id: 3003, first_name: 'Chen', language_code: 'en' });
    // A model sent without /new_order starts an order with it.
    const open = { vertices: box([10, 10, 10]).vertices, triangles: box([10, 10, 10]).triangles.slice(0, 11) };
    await customer.sendDocument(binaryStl(open), 'open.stl', 'application/octet-stream');
    const openReply = await customer.waitForMessage(has(/open\.stl is measured/), { timeoutMs: 10_000 });
    assert.match(textOf(openReply), /not closed ⚠️ \(3 open edges\)/);
    assert.match(textOf(openReply), /The mesh is not closed/);

    await customer.sendDocument(objFile(box([20, 10, 5]), { faces: boxQuads(), style: 'normals' }), 'plate.obj', 'text/plain');
    const objReply = await customer.waitForMessage(has(/plate\.obj is measured/), { timeoutMs: 10_000 });
    assert.match(textOf(objReply), /20 × 10 × 5 mm · 1\.00 cm³/);
    await customer.sendDocument(threeMfFile(tetrahedron(30, 20, 10)), 'wedge.3mf', 'application/vnd.ms-package.3dmanufacturing-3dmodel+xml');
    const threeMfReply = await customer.waitForMessage(has(/wedge\.3mf is measured/), { timeoutMs: 10_000 });
    assert.match(textOf(threeMfReply), /30 × 20 × 10 mm · 1\.00 cm³ · surface/);
    await customer.sendDocument(asciiStl(box([10, 10, 10])), 'cube.stl', 'model/stl');
    await customer.waitForMessage(has(/cube\.stl is measured/), { timeoutMs: 10_000 });
    await customer.pressButton('Continue ▶ (4 files)');
    await customer.waitForMessage(has(/How should we print it/));
  });

  test('a model larger than every printer gets a manual quote; a changed price voids the old invoice', async () => {
    const customer = lavka.sim.user({ id: 3004, first_name: 'Dina', language_code: 'en' });
    const admin = lavka.sim.getUser(ADMIN);
    assert.ok(admin);
    await customer.send('/new_order');
    await customer.waitForMessage(has(/Send your 3D model/));
    await customer.sendDocument(binaryStl(box([400, 20, 20])), 'beam.stl', 'model/stl');
    await customer.waitForMessage(has(/beam\.stl is measured/), { timeoutMs: 10_000 });
    await customer.pressButton('Continue ▶ (1 file)');
    await customer.waitForMessage(has(/How should we print it/));
    await customer.pressButton('Resin (SLA)');
    await customer.waitForMessage(has(/choose the material/));
    await customer.pressButton('Tough resin');
    await customer.waitForMessage(has(/choose the colour/));
    await customer.pressButton('Black');
    // Resin prints solid: no infill question.
    await customer.waitForMessage(has(/How many copies/));
    await customer.send('2');
    await customer.waitForMessage(has(/Anything we should know/));
    await customer.pressButton('Skip ▶');
    await customer.waitForMessage(has(/Do you need it by a date/));
    await customer.send('31.12.2099');
    await customer.waitForMessage(has(/could not read that date/));
    await customer.pressButton('Skip ▶');
    const summary = await customer.waitForMessage((message) => Boolean(message.photo), { timeoutMs: 10_000 });
    assert.match(textOf(summary), /larger than our printers' build volume/);
    const buttons = summary.reply_markup?.inline_keyboard.flat().map((button) => button.text);
    assert.deepEqual(buttons, ['✍️ Ask for a manual quote', '✖ Cancel']);
    await customer.pressButton('✍️ Ask for a manual quote');
    const placed = await customer.waitForMessage(has(/Order P-\d+ is sent to the studio/));
    const number = /P-\d+/.exec(textOf(placed))?.[0] ?? '';
    const orderId = await orderIdOf(number);

    const card = await admin.waitForMessage(has(new RegExp(`нужен ручной расчёт\\n\\nЗаказ ${number} — Новый`)), { timeoutMs: 10_000 });
    assert.match(textOf(card), /Цена: назначит студия/);
    await admin.pressButton('✏️ Назначить цену', { messageId: card.message_id });
    await admin.waitForMessage(has(new RegExp(`Отправьте новую цену заказа ${number} в KZT`)));
    await admin.send('много');
    await admin.waitForMessage(has(/Отправьте положительную сумму/));
    await admin.send('15 000 split into two halves');
    await admin.waitForMessage(has(new RegExp(`Заказ ${number}: цена 15\\s000\\s₸ отправлена клиенту`)));

    const offer = await customer.waitForMessage(has(new RegExp(`The studio set the price of order ${number}`)), { timeoutMs: 10_000 });
    assert.match(textOf(offer), /Price: ₸15,000$/m);
    assert.match(textOf(offer), /Note from the studio: split into two halves/);
    await customer.pressButton('✅ Accept the price', { messageId: offer.message_id });
    const payFirst = await customer.waitForMessage(has(new RegExp(`Price of order ${number} accepted\\.`)));
    await customer.pressButton('💳 Bank card', { messageId: payFirst.message_id });
    const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
    assert.equal(invoice.invoice?.total_amount, 1_500_000);

    // Staff change the price again before the customer pays: the old invoice is refused at pre-checkout.
    await service().adjustQuote(orderId, 1_200_000, { role: 'staff', id: ADMIN });
    const declined = await customer.payInvoice(invoice.message_id);
    assert.equal(declined.status, 'declined');
    assert.equal(declined.status === 'declined' ? declined.errorMessage : '', 'The price has changed. Please open the invoice again.');

    const second = await customer.waitForMessage(has(/Price: ₸12,000$/m), { timeoutMs: 10_000 });
    await customer.pressButton('✅ Accept the price', { messageId: second.message_id });
    const paySecond = await customer.waitForMessage((message) => message.message_id > payFirst.message_id && /accepted\./.test(textOf(message)));
    await customer.pressButton('💳 Bank card', { messageId: paySecond.message_id });
    const newInvoice = await customer.waitForMessage((message) => Boolean(message.invoice) && message.message_id > invoice.message_id);
    assert.equal((await customer.payInvoice(newInvoice.message_id)).status, 'paid');
    await customer.waitForMessage(has(/Payment received/));
    const detail = await service().detail(orderId);
    assert.equal(detail?.status, 'paid');
    assert.deepEqual(detail?.quotes.map((quote) => [quote.version, quote.total_minor, quote.actor_type]), [
      [1, detail?.quotes[0]?.total_minor, 'system'],
      [2, 1_500_000, 'staff'],
      [3, 1_200_000, 'staff'],
    ]);
    // The invoice for the older price was opened but never charged; the newer one paid the order.
    assert.deepEqual(detail?.payments.map((payment) => [payment.purpose_ref, payment.amount_minor, payment.status]), [
      [`${orderId}_2`, 1_500_000, 'pending'],
      [`${orderId}_3`, 1_200_000, 'paid'],
    ]);
    assert.deepEqual(detail?.lines.map((line) => [line.unit_price_minor, line.quantity]), [[600_000, 2]], 'the line follows the price');
  });

  test('staff see /stats, and the admin API lists orders with downloadable files and measurements', async (t) => {
    const admin = lavka.sim.getUser(ADMIN);
    assert.ok(admin);
    await admin.send('/stats');
    const stats = await admin.waitForMessage(has(/Заказы печати/));
    assert.match(textOf(stats), /Отправлен: 1/);
    assert.match(textOf(stats), /Оплачен: 1/);
    assert.match(textOf(stats), /Заказов: 2, оплачено: 2, выручка: 21\s274,80\s₸, получено: 21\s274,80\s₸/);

    const customer = lavka.sim.getUser(3001);
    assert.ok(customer);
    await customer.send('/stats');
    await customer.waitForMessage(has(/for the studio's staff/));

    // Staff write to the customer from an order card; the message arrives through the outbox.
    await admin.send('/track_order P-1001');
    const card = await admin.waitForMessage(has(/Заказ P-1001 — Отправлен/));
    await admin.pressButton('💬 Написать клиенту', { messageId: card.message_id });
    await admin.waitForMessage(has(/Отправьте сообщение для клиента по заказу P-1001/));
    await admin.send('Your parcel number is KZ123456');
    await admin.waitForMessage(has(/Сообщение клиенту по заказу P-1001 отправлено/));
    const note = await customer.waitForMessage(has(/Message from the studio about order P-1001/), { timeoutMs: 10_000 });
    assert.match(textOf(note), /Your parcel number is KZ123456/);

    // Lavka mounts the API behind the admin login; without a session it answers 401.
    const gated = await lavka.app.http.inject({ method: 'GET', url: '/api/custom-orders' });
    assert.equal(gated.statusCode, 401);
    // The routes themselves, as the admin panel reaches them once logged in.
    const api = Fastify();
    await api.register(staffRoutes(createCustomOrdersRoutes({ service: service(), currency: 'KZT', paymentView: orderPaymentView }), 'custom_orders.invalid_request'));
    t.after(() => api.close());

    const list = await api.inject({ method: 'GET', url: '/?status=shipped' });
    assert.equal(list.statusCode, 200);
    const body = list.json() as { orders: { number: string; files: { id: number; file_name: string }[] }[]; total: number };
    assert.equal(body.total, 1);
    assert.equal(body.orders[0]?.number, 'P-1001');
    const fileId = body.orders[0]?.files[0]?.id;

    const detail = await api.inject({ method: 'GET', url: '/1' });
    const order = (detail.json() as { order: { files: { measurements: { volumeCm3: number; sizeMm: number[]; isClosed: boolean }; downloadUrl: string }[] }; next: string[] }).order;
    assert.ok(Math.abs((order.files[0]?.measurements.volumeCm3 ?? 0) - 60) < 1e-6);
    assert.deepEqual(order.files[0]?.measurements.sizeMm, [50, 40, 30]);
    assert.equal(order.files[0]?.downloadUrl, `files/${fileId}`);

    const download = await api.inject({ method: 'GET', url: `/1/files/${fileId}` });
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'model/stl');
    assert.match(String(download.headers['content-disposition']), /filename="bracket\.stl"/);
    assert.deepEqual(new Uint8Array(download.rawPayload), binaryStl(box([50, 40, 30])));
    const thumbnail = await api.inject({ method: 'GET', url: `/1/files/${fileId}/thumbnail.png` });
    assert.equal(thumbnail.headers['content-type'], 'image/png');
    assert.deepEqual([...thumbnail.rawPayload.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    const wrongOrder = await api.inject({ method: 'GET', url: `/2/files/${fileId}` });
    assert.equal(wrongOrder.statusCode, 404);

    const moved = await api.inject({ method: 'POST', url: '/1/status', payload: { to: 'done', expectedFrom: 'printing' } });
    assert.equal(moved.statusCode, 409);
    assert.equal((moved.json() as { error: string }).error, 'custom_orders.status_changed');
  });
});

describe('print3d: staff cancel a paid job and its payment goes back', () => {
  let lavka: TestLavka;
  before(async () => {
    lavka = await startTestLavka({ preset: 'print3d', adminIds: [ADMIN], env: { PAYMENTS_PROVIDER_TOKEN: CARD_TOKEN } });
    lavka.sim.user({ id: ADMIN, first_name: 'Marat', language_code: 'ru', hasStartedBot: true });
  });
  after(async () => {
    await lavka?.stop();
  });

  test("the card payment is refunded once (recorded; the money goes back in the provider's dashboard), however often cancel is pressed, and the customer is told in Kazakh", async () => {
    const service = lavka.app.services['custom-orders'];
    const payments = lavka.app.services.payments;
    assert.ok(service && payments);
    const refunds: string[] = [];
    const unsubscribe = lavka.sim.events.subscribe((event) => {
      if (event.type === 'refund') refunds.push(event.chargeId);
    });
    try {
      const customer = lavka.sim.user({ id: 3101, first_name: 'Аружан', language_code: 'kk' });
      await customer.send('/start');
      await customer.waitForMessage((message) => Boolean(message.reply_markup));
      const file = await service.acceptFile({ userId: 3101, fileName: 'cube.stl', telegramFileId: 'kk-cube', bytes: binaryStl(box([30, 30, 30])) });
      const placed = await service.placeOrder({ userId: 3101, contactName: 'Аружан', fileIds: [file.id], technology: 'fdm', material: 'pla', colour: 'white', infillPercent: 20, quantity: 1, comment: null, deadline: null, manualQuote: false, previewFileId: null });
      assert.equal(placed.status, 'awaiting_payment');

      // The customer pays from the job's card through the payments module.
      await customer.send(`/track_order ${placed.number}`);
      const card = await customer.waitForMessage(has(new RegExp(`${placed.number}`)));
      await customer.pressButton('💳 Төлеу', { messageId: card.message_id });
      const methods = await customer.waitForMessage((message) => message.edited && (message.reply_markup?.inline_keyboard.flat().some((button) => button.text === '💳 Банк картасы') ?? false));
      assert.ok(!methods.reply_markup?.inline_keyboard.flat().some((button) => button.text.includes('Telegram Stars')), 'no Stars for a printed part');
      await customer.pressButton('💳 Банк картасы', { messageId: card.message_id });
      const invoice = await customer.waitForMessage((message) => Boolean(message.invoice));
      const paid = await customer.payInvoice(invoice.message_id);
      assert.equal(paid.status, 'paid');
      const admin = lavka.sim.getUser(ADMIN);
      assert.ok(admin);
      const alert = await admin.waitForMessage(has(new RegExp(`Заказ ${placed.number} оплачен`)), { timeoutMs: 10_000 });
      const data = `co:st:${placed.id}:paid:refunded`;
      assert.ok(alert.reply_markup?.inline_keyboard.flat().some((button) => button.text === '↩️ Отменить и вернуть деньги' && button.callback_data === data));

      const first = await admin.pressCallback(alert.message_id, data);
      assert.equal(first?.text, `${placed.number}: Отменён, деньги возвращены`);
      // The same button again (a double tap, or a stale copy of the card): nothing more happens.
      const second = await admin.pressCallback(alert.message_id, data);
      assert.equal(second?.text, 'Заказ уже изменился: сейчас он «Отменён, деньги возвращены».');
      // Two staff members at once, through the service: one refund, the other is told it moved.
      const racing = await Promise.allSettled([1, 2].map(() => service.refundOrder(placed.id, { role: 'staff', id: ADMIN })));
      assert.ok(racing.every((outcome) => outcome.status === 'rejected'));

      const payment = (await service.detail(placed.id))?.payments[0];
      // A card refund is recorded at once: both notices come from its transaction, in either order.
      const orderNotice = has(new RegExp(`^↩️ Студия ${placed.number} тапсырысынан бас тартты және 2\\s236,56\\s₸ төлеміңізді қайтарды\\.$`));
      const paymentNotice = has(new RegExp(`№${payment?.id} төлем \\(2\\s236,56\\s₸\\) қайтарылды`));
      await eventually('both refund notices', 10_000, () => customer.chat().messages.some(orderNotice) && customer.chat().messages.some(paymentNotice));
      const notice = customer.chat().messages.find(orderNotice);
      assert.deepEqual(notice?.reply_markup?.inline_keyboard.flat().map((button) => button.callback_data), [`co:o:${placed.id}:1`]);
      assert.deepEqual([payment?.amount_minor, payment?.currency], [223_656, 'KZT']);
      assert.deepEqual(refunds, [], 'Telegram has no refund call for card payments: the refund is recorded once');

      const detail = await service.detail(placed.id);
      assert.equal(detail?.status, 'refunded');
      assert.deepEqual(detail?.payments.map((item) => item.status), ['refunded']);
      const last = detail?.history.at(-1);
      assert.deepEqual([last?.from_status, last?.to_status, last?.actor_type, last?.actor_id, last?.note], ['paid', 'refunded', 'staff', String(ADMIN), `payment #${payment?.id} refunded`]);
      assert.equal(detail?.history.filter((change) => change.to_status === 'refunded').length, 1);
      const customerMessages = customer.chat().messages.filter(has(/қайтарды|қайтарылды/));
      assert.equal(customerMessages.length, 2, 'one order notice and one payment notice, each once');
    } finally {
      unsubscribe();
    }
  });
});

describe('print3d in the sandbox', () => {
  test('the preset starts without a token, offers its demo materials and colours, and measures a model sent through the sandbox', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lavka-print3d-sandbox-'));
    const env = parseEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dataDir, 'lavka.db')}`, LOG_LEVEL: 'silent', LAVKA_PRESET: 'print3d' });
    const app = await startLavka({ env, logger: silentLogger(), sandbox: { rateLimits: false } });
    try {
      assert.equal(app.mode, 'sandbox');
      const sim = app.sandbox;
      assert.ok(sim);
      // The sandbox customer writes in the preset's language (Russian).
      const customer = sim.user({ id: SANDBOX_CUSTOMER_ID, first_name: 'Анна', language_code: 'ru' });
      await customer.send('/new_order');
      await customer.waitForMessage(has(/Отправьте 3D-модель файлом/));
      // The file travels through the simulator mounted on Lavka's own port, as in the browser.
      await customer.sendDocument(threeMfFile(box([20, 10, 5])), 'plate.3mf', 'model/3mf');
      const measured = await customer.waitForMessage(has(/plate\.3mf измерен/), { timeoutMs: 10_000 });
      assert.match(textOf(measured), /20 × 10 × 5 мм · 1,00 см³/);
      await customer.pressButton('Продолжить ▶ (1 файл)');
      const technologies = await customer.waitForMessage(has(/Как печатать/));
      assert.deepEqual(technologies.reply_markup?.inline_keyboard.flat().map((button) => button.text), ['FDM — пластиковая нить', 'Фотополимер (SLA)', '✖ Отмена']);
      await customer.pressButton('FDM — пластиковая нить');
      await customer.waitForMessage(has(/выберите материал/));
      await customer.pressButton('PLA');
      const colours = await customer.waitForMessage(has(/PLA: выберите цвет/));
      assert.deepEqual(colours.reply_markup?.inline_keyboard.flat().map((button) => button.text), ['Белый', 'Чёрный', 'Красный', 'Синий', 'Оранжевый', '✖ Отмена']);
      // The simulated admin of the sandbox sees the staff commands.
      const adminCommands = sim.commandsFor({ chatId: SANDBOX_ADMIN_ID, userId: SANDBOX_ADMIN_ID }).map((command) => command.command);
      assert.ok(adminCommands.includes('stats') && adminCommands.includes('broadcast'), adminCommands.join(', '));
      const customerCommands = sim.commandsFor({ chatId: SANDBOX_CUSTOMER_ID, userId: SANDBOX_CUSTOMER_ID }).map((command) => command.command);
      assert.ok(['new_order', 'my_orders', 'track_order', 'subscribe'].every((command) => customerCommands.includes(command)), customerCommands.join(', '));
      assert.ok(!customerCommands.includes('stats'));
    } finally {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
