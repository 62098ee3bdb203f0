// The Mini App's API over real HTTP, as the app in a customer's Telegram calls it: launch data
// (initData) signed by the simulated Telegram with the bot's token, the same cart, orders and
// payments as the chat, and every forged, foreign or stale initData refused before anything runs.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signWebAppInitData } from '../../src/sim/web-app.ts';
import type { SimUser } from '../../src/sim/index.ts';
import { buttonsOf, press, textOf, waitText } from '../support/chat.ts';
import { startTestLavka, TEST_BOT_TOKEN, type TestLavka } from '../support/harness.ts';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { testDialects } from '../support/services.ts';

const CUSTOMER = 8701;
const OTHER = 8702;

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers read field by field in assertions
  body: any;
}

const OWNER = 9911;

/** Waits until the bot's menu button is `expected` (it is changed as the setting is applied, without waiting for it). */
async function eventuallyMenu(lavka: TestLavka, expected: unknown): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const menu = await lavka.app.bot.api.getChatMenuButton();
    if (JSON.stringify(menu) === JSON.stringify(expected)) return;
    if (Date.now() > deadline) assert.deepEqual(menu, expected);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const dialect of await testDialects()) {
  describe(`the Mini App's API: initData, the storefront, the shared cart and checkout (${dialect.name})`, () => {
    let lavka: TestLavka;
    let customer: SimUser;
    let initData: string;

    const call = async (method: string, url: string, auth: string | undefined, body?: unknown): Promise<Answer> => {
      const response = await fetch(`${lavka.app.url}${url}`, {
        method,
        headers: { ...(auth === undefined ? {} : { authorization: `tma ${auth}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
    };
    const cartRows = async (userId: number) => Number((await lavka.app.database.db.selectFrom('cart_items').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow()).n);

    before(async () => {
      lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER], database: await dialect.create(), env: { PUBLIC_URL: 'https://shop.example', PAYMENTS_PROVIDER_TOKEN: '284685063:TEST:miniapp' } });
      customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Aigerim', last_name: 'S', language_code: 'en', phone_number: '+77011234567' });
      initData = signWebAppInitData(TEST_BOT_TOKEN, customer.profile, Math.floor(Date.now() / 1000));
    });
    after(async () => {
      await lavka?.stop();
    });

    test('the bot sets its menu button to the app at PUBLIC_URL, and /shop offers an "Open shop" web app button', async () => {
      const menu = await lavka.app.bot.api.getChatMenuButton();
      assert.deepEqual(menu, { type: 'web_app', text: 'Магазин', web_app: { url: 'https://shop.example/app/' } });
      await customer.send('/shop');
      const offer = await waitText(customer, 'shop app');
      assert.deepEqual(buttonsOf(offer).map((button) => button.web_app?.url), ['https://shop.example/app/']);
    });

    test('turned off on the panel, the menu button goes back to the command list at once; on again, it opens the app', async () => {
      const owner = (await staffSessions(lavka, OWNER)).get('owner') as StaffSession;
      const put = (enabled: boolean) =>
        lavka.app.http.inject({ method: 'PUT', url: '/api/admin/settings/miniapp', headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' }, payload: JSON.stringify({ enabled, initDataMaxAgeSeconds: 3600 }) });
      assert.equal((await put(false)).statusCode, 200);
      await eventuallyMenu(lavka, { type: 'commands' });
      assert.equal((await put(true)).statusCode, 200);
      await eventuallyMenu(lavka, { type: 'web_app', text: 'Магазин', web_app: { url: 'https://shop.example/app/' } });
    });

    test('forged, foreign, stale and missing initData get 401 and change nothing; valid initData may be used again', async () => {
      const add = { product_id: 1, variant_id: null, quantity: 1 };
      const forged = new URLSearchParams(initData);
      forged.set('user', JSON.stringify({ id: OTHER, first_name: 'Mallory' }));
      const refusals: [string, string | undefined, string][] = [
        ['missing', undefined, 'miniapp.unauthenticated'],
        ['forged user', forged.toString(), 'miniapp.init_data_invalid'],
        ['another bot', signWebAppInitData('999999:ANOTHER-BOT', customer.profile, Math.floor(Date.now() / 1000)), 'miniapp.init_data_invalid'],
        ['two hours old', signWebAppInitData(TEST_BOT_TOKEN, customer.profile, Math.floor(Date.now() / 1000) - 7200), 'miniapp.init_data_expired'],
      ];
      for (const [name, auth, code] of refusals) {
        const answer = await call('POST', '/api/miniapp/cart/items', auth, add);
        assert.equal(answer.status, 401, name);
        assert.equal(answer.body.error.code, code, name);
      }
      assert.equal(await cartRows(OTHER), 0, 'no cart for the forged user');
      assert.equal(await cartRows(CUSTOMER), 0, 'nothing added to the customer’s cart');
      assert.equal(await lavka.app.services.users?.get(OTHER), undefined, 'the forged user was never registered');
      for (let i = 0; i < 3; i += 1) assert.equal((await call('GET', '/api/miniapp/app/session', initData)).status, 200, `reuse ${i}`);
      const session = await call('GET', '/api/miniapp/app/session', initData);
      assert.deepEqual(session.body.sections, ['shop']);
      assert.equal(session.body.locale, 'en');
      assert.equal(session.body.user.id, CUSTOMER);
    });

    test('the storefront: the category tree, a category with its subcategories, search, price and stock filters, a product with photos', async () => {
      const { body: tree } = await call('GET', '/api/miniapp/catalog/categories', initData);
      const clothing = tree.categories.find((category: { title: string }) => category.title === 'Clothing');
      const tshirts = tree.categories.find((category: { title: string }) => category.title === 'T-shirts');
      assert.ok(clothing && tshirts && tshirts.parent_id === clothing.id);
      assert.ok(clothing.product_count >= tshirts.product_count && tshirts.product_count >= 3);

      const inClothing = await call('GET', `/api/miniapp/catalog/products?category_id=${clothing.id}`, initData);
      assert.equal(inClothing.status, 200);
      assert.equal(inClothing.body.total, clothing.product_count, 'a category shows its subcategories’ products too');
      const search = await call('GET', '/api/miniapp/catalog/products?q=mountains', initData);
      assert.deepEqual(search.body.products.map((product: { title: string }) => product.title), ['Mountains T-shirt']);
      const cheap = await call('GET', '/api/miniapp/catalog/products?max_price=700000&page_size=60', initData);
      assert.ok(cheap.body.products.length > 0 && cheap.body.products.every((product: { price_minor: number }) => product.price_minor <= 700000));
      assert.equal((await call('GET', '/api/miniapp/catalog/products?min_price=5&max_price=1', initData)).body.error.code, 'catalog.price_range_invalid');
      assert.equal((await call('GET', '/api/miniapp/catalog/products?q=x', initData)).status, 400);

      const tee = search.body.products[0];
      const product = await call('GET', `/api/miniapp/catalog/products/${tee.id}`, initData);
      assert.equal(product.body.product.variants.length, 4);
      assert.ok(product.body.product.photos.length >= 1);
      const photo = await fetch(`${lavka.app.url}${product.body.product.photos[0]}?w=160`);
      assert.equal(photo.status, 200);
      assert.equal(photo.headers.get('content-type'), 'image/jpeg', 'the 320 px tile is shrunk to 160 px as a JPEG');
      assert.match(photo.headers.get('cache-control') ?? '', /max-age=86400/);
      assert.equal((await call('GET', '/api/miniapp/catalog/products/999999', initData)).body.error.code, 'catalog.product_not_found');
    });

    test('a cart started in the chat is the app’s cart, and what the app adds is in the chat’s cart', async () => {
      const { body: found } = await call('GET', '/api/miniapp/catalog/products?q=mountains', initData);
      const tee = found.products[0];
      const medium = tee.variants.find((variant: { title: string }) => variant.title === 'M');
      await lavka.app.services.cart?.add(CUSTOMER, { productId: tee.id, variantId: medium.id }, 1, 'en');
      const inApp = await call('GET', '/api/miniapp/cart', initData);
      assert.deepEqual(inApp.body.cart.lines.map((line: { title: string; variant_title: string; quantity: number }) => [line.title, line.variant_title, line.quantity]), [['Mountains T-shirt', 'M', 1]]);

      const large = tee.variants.find((variant: { title: string }) => variant.title === 'L');
      const added = await call('POST', '/api/miniapp/cart/items', initData, { product_id: tee.id, variant_id: large.id, quantity: 2 });
      assert.equal(added.status, 200);
      assert.equal(added.body.cart.units, 3);
      await customer.send('/cart');
      const cartScreen = await waitText(customer, 'Mountains T-shirt (L)');
      assert.match(textOf(cartScreen), /Mountains T-shirt \(M\)/);

      const tooMany = await call('POST', '/api/miniapp/cart/items', initData, { product_id: tee.id, variant_id: large.id, quantity: 50 });
      assert.equal(tooMany.status, 400);
      assert.equal(tooMany.body.error.code, 'cart.quantity_out_of_range');
      const line = added.body.cart.lines.find((item: { variant_title: string }) => item.variant_title === 'L');
      const set = await call('PATCH', `/api/miniapp/cart/items/${line.id}`, initData, { quantity: 1 });
      assert.equal(set.body.cart.units, 2);
      assert.equal((await call('DELETE', '/api/miniapp/cart/items/999999', initData)).status, 404);
    });

    test('checkout from the app places the order the chat knows, and a card invoice link paid in Telegram marks it paid', async () => {
      const options = await call('GET', '/api/miniapp/cart/checkout', initData);
      assert.ok(options.body.pickup_points.length >= 1);
      const point = options.body.pickup_points[0].id;
      const quote = await call('POST', '/api/miniapp/cart/quote', initData, { delivery: { method: 'pickup', pickup_point: point } });
      assert.equal(quote.status, 200);
      const stale = await call('POST', '/api/miniapp/cart/checkout', initData, { delivery: { method: 'pickup', pickup_point: point }, phone: '+77011234567', signature: 'stale' });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.error.code, 'cart.changed');
      const badPhone = await call('POST', '/api/miniapp/cart/checkout', initData, { delivery: { method: 'pickup', pickup_point: point }, phone: 'not a phone', signature: quote.body.signature });
      assert.equal(badPhone.body.error.code, 'cart.phone_invalid');

      const placed = await call('POST', '/api/miniapp/cart/checkout', initData, {
        delivery: { method: 'pickup', pickup_point: point },
        phone: '+7 701 123 45 67',
        comment: 'Ordered in the app',
        signature: quote.body.signature,
      });
      assert.equal(placed.status, 201);
      const order = placed.body.order;
      assert.equal(order.total_minor, quote.body.total_minor);
      assert.equal((await call('GET', '/api/miniapp/cart', initData)).body.cart.lines.length, 0, 'the cart is emptied');
      await waitText(customer, `Order ${order.number} is placed`);

      const payable = await call('GET', `/api/miniapp/payments/options?purpose=order&ref=${order.id}`, initData);
      assert.equal(payable.body.payable, true);
      assert.ok(payable.body.methods.some((method: { id: string }) => method.id === 'card'));
      assert.ok(!payable.body.methods.some((method: { id: string }) => method.id === 'stars'), 'no Stars for physical goods');
      const stars = await call('POST', '/api/miniapp/payments', initData, { purpose: 'order', ref: String(order.id), method: 'stars' });
      assert.equal(stars.status, 409);
      const otherUser = signWebAppInitData(TEST_BOT_TOKEN, { id: OTHER, is_bot: false, first_name: 'Other' }, Math.floor(Date.now() / 1000));
      assert.equal((await call('GET', `/api/miniapp/orders/${order.id}`, otherUser)).status, 404, 'another user’s order is not found');
      assert.equal((await call('POST', '/api/miniapp/payments', otherUser, { purpose: 'order', ref: String(order.id), method: 'card' })).status, 409);

      const card = await call('POST', '/api/miniapp/payments', initData, { purpose: 'order', ref: String(order.id), method: 'card' });
      assert.equal(card.status, 201);
      assert.equal(card.body.type, 'invoice');
      assert.match(card.body.invoice_link, /^https:\/\/t\.me\/\$/);
      const paid = await customer.payInvoice(card.body.invoice_link);
      assert.equal(paid.status, 'paid');
      await waitText(customer, order.number);
      for (let i = 0; i < 50; i += 1) {
        if ((await call('GET', `/api/miniapp/orders/${order.id}`, initData)).body.order.status === 'paid') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const after = await call('GET', `/api/miniapp/orders/${order.id}`, initData);
      assert.equal(after.body.order.status, 'paid');
      assert.equal(after.body.order.awaits_payment, false);

      await customer.send('/my_orders');
      const list = await waitText(customer, order.number);
      assert.ok(list);
      await press(customer, (button) => button.text.includes(order.number)).catch(() => undefined);
    });

    test('unknown Mini App routes answer in the API’s shape, and the app page is served at /app/', async () => {
      const unknown = await call('GET', '/api/miniapp/nothing', initData);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, 'miniapp.not_found');
      const page = await fetch(`${lavka.app.url}/app/`);
      assert.ok(page.status === 200 || page.status === 503, `status ${page.status}`);
      assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'self' https:\/\/web\.telegram\.org/);
    });
  });
}
