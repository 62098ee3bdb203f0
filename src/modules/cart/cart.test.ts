import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addUser, startShopServices, testClock, type ShopServices } from '../../../test/support/shop.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import type { ProductView } from '../catalog/catalog.views.ts';
import { CartError, createCartService, type CheckoutInput, type DeliveryChoice } from './cart.service.ts';

const PICKUP: DeliveryChoice = { method: 'pickup', pickupPoint: 'Алматы, пр. Абая 10' };

for (const dialect of await testDialects()) {
  describe(`the cart on ${dialect.name}`, () => {
    let target: TestDatabase;
    let shop: ShopServices;
    const clock = testClock();
    let nextUser = 6000;

    const newUser = async () => {
      nextUser += 1;
      const id = nextUser;
      await addUser(shop, id);
      return id;
    };

    const product = async (query: string): Promise<ProductView> => {
      const found = (await shop.services.catalog.search(query, 1, 'en')).products[0];
      assert.ok(found, query);
      return found;
    };

    const checkoutInput = async (userId: number, delivery: DeliveryChoice = PICKUP): Promise<CheckoutInput> => {
      const reviewed = await shop.services.cart.review(userId, 'ru', delivery);
      return {
        userId,
        locale: 'ru',
        contactName: `User ${userId}`,
        contactPhone: '+77011234567',
        delivery,
        comment: null,
        expectedSignature: reviewed.quote.signature,
      };
    };

    before(async () => {
      target = await dialect.create();
      shop = await startShopServices(target, { now: clock.now });
      await shop.services.catalog.seed(shop.config.demo.catalog);
    });
    after(async () => {
      await shop?.close();
      await target?.drop();
    });

    test('adding, +/− and removing keep line totals and the total right', async () => {
      const user = await newUser();
      const tee = await product('Lavka T-shirt');
      const black = tee.variants.find((variant) => variant.title === 'M · Black');
      const mug = await product('Lavka mug');
      await shop.services.cart.add(user, { productId: tee.id, variantId: black?.id ?? 0 });
      await shop.services.cart.add(user, { productId: tee.id, variantId: black?.id ?? 0 });
      await shop.services.cart.add(user, { productId: mug.id, variantId: null }, 3);
      let view = await shop.services.cart.view(user, 'en');
      assert.deepEqual(
        view.lines.map((line) => [line.title, line.variantTitle, line.quantity, line.lineTotalMinor]),
        [
          ['Lavka T-shirt', 'M · Black', 2, 2 * 749_000],
          ['Lavka mug', null, 3, 3 * 349_000],
        ],
      );
      assert.equal(view.totalMinor, 2 * 749_000 + 3 * 349_000);
      assert.equal(view.units, 5);
      const mugLine = view.lines[1]?.itemId ?? 0;
      await shop.services.cart.changeQuantity(user, mugLine, -1);
      await shop.services.cart.changeQuantity(user, mugLine, -1);
      await shop.services.cart.changeQuantity(user, mugLine, -1);
      view = await shop.services.cart.view(user, 'en');
      assert.equal(view.lines.length, 1, 'going below one removes the line');
      assert.ok(await shop.services.cart.remove(user, view.lines[0]?.itemId ?? 0));
      assert.equal((await shop.services.cart.view(user, 'en')).lines.length, 0);
    });

    test('quantities are bounded by the per-line limit and by the stock', async () => {
      const user = await newUser();
      const stickers = await product('Sticker pack');
      assert.equal(stickers.stock, 50);
      await assert.rejects(shop.services.cart.add(user, { productId: stickers.id, variantId: null }, 21), (error: unknown) => error instanceof CartError && error.code === 'cart.quantity_out_of_range');
      await assert.rejects(shop.services.cart.add(user, { productId: stickers.id, variantId: null }, 0), (error: unknown) => error instanceof CartError && error.code === 'cart.quantity_out_of_range');
      await shop.services.cart.add(user, { productId: stickers.id, variantId: null }, 20);
      const line = (await shop.services.cart.view(user, 'en')).lines[0];
      await assert.rejects(shop.services.cart.changeQuantity(user, line?.itemId ?? 0, 1), (error: unknown) => error instanceof CartError && error.code === 'cart.quantity_out_of_range');
      const set = await product('Set of mugs');
      await shop.services.cart.add(user, { productId: set.id, variantId: null });
      await assert.rejects(shop.services.cart.add(user, { productId: set.id, variantId: null }), (error: unknown) => error instanceof CartError && error.code === 'cart.not_enough_stock' && error.details.available === 1);
      const postcards = await product('Postcards');
      await assert.rejects(shop.services.cart.add(user, { productId: postcards.id, variantId: null }), (error: unknown) => error instanceof CartError && error.code === 'cart.not_enough_stock');
    });

    test('items that cannot be sold are refused: archived, a variant missing or belonging to another product', async () => {
      const user = await newUser();
      const tee = await product('Lavka T-shirt');
      const mug = await product('Lavka mug');
      await assert.rejects(shop.services.cart.add(user, { productId: tee.id, variantId: null }), (error: unknown) => error instanceof CartError && error.code === 'cart.item_unavailable');
      await assert.rejects(shop.services.cart.add(user, { productId: mug.id, variantId: tee.variants[0]?.id ?? 0 }), (error: unknown) => error instanceof CartError && error.code === 'cart.item_unavailable');
      await assert.rejects(shop.services.cart.add(user, { productId: 987_654, variantId: null }), (error: unknown) => error instanceof CartError && error.code === 'cart.item_unavailable');
      assert.equal(await shop.services.cart.changeQuantity(user, 987_654, 1), undefined);
      assert.equal(await shop.services.cart.remove(user, 987_654), false);
    });

    test("the cart lives in the database: another service instance (a restart) sees it, and another user's lines stay private", async () => {
      const user = await newUser();
      const stranger = await newUser();
      const mug = await product('Lavka mug');
      await shop.services.cart.add(user, { productId: mug.id, variantId: null }, 2);
      const restarted = createCartService({
        db: shop.database.db,
        now: clock.now,
        catalog: shop.services.catalog,
        orders: shop.services.orders,
        i18n: shop.i18n,
        settings: shop.services.cart.settings,
        currency: 'KZT',
        defaultLocale: 'ru',
      });
      const view = await restarted.view(user, 'ru');
      assert.deepEqual(view.lines.map((line) => [line.title, line.quantity]), [['Кружка «Лавка»', 2]]);
      const lineId = view.lines[0]?.itemId ?? 0;
      assert.equal(await restarted.owns(stranger, lineId), false);
      assert.equal(await restarted.changeQuantity(stranger, lineId, 1), undefined);
      assert.equal(await restarted.remove(stranger, lineId), false);
    });

    test('a changed price, a sold-out item and a shrunken stock are shown before ordering, and the cart is brought up to date', async () => {
      const user = await newUser();
      const cap = await product('Logo cap');
      const bucket = await product('Bucket hat');
      const pin = await product('Lavka pin');
      await shop.services.cart.add(user, { productId: cap.id, variantId: null }, 2);
      await shop.services.cart.add(user, { productId: bucket.id, variantId: null }, 1);
      await shop.services.cart.add(user, { productId: pin.id, variantId: null }, 5);
      const before = await checkoutInput(user);
      await shop.services.catalog.setPrice({ productId: cap.id, variantId: null }, 650_000);
      await shop.services.catalog.setStock({ productId: bucket.id, variantId: null }, 0);
      await shop.services.catalog.setStock({ productId: pin.id, variantId: null }, 3);
      const result = await shop.services.cart.checkout(before);
      assert.equal(result.status, 'changed');
      assert.ok(result.status === 'changed');
      assert.deepEqual(
        result.issues.map((issue) => issue.kind).sort(),
        ['price_changed', 'reduced', 'sold_out'],
      );
      const price = result.issues.find((issue) => issue.kind === 'price_changed');
      assert.ok(price?.kind === 'price_changed' && price.fromMinor === 599_000 && price.toMinor === 650_000);
      assert.deepEqual(
        result.quote.view.lines.map((line) => [line.productId, line.quantity, line.unitPriceMinor]),
        [
          [cap.id, 2, 650_000],
          [pin.id, 3, 199_000],
        ],
      );
      // Nothing was ordered; confirming the new quote goes through.
      assert.equal((await shop.services.orders.listForUser(user, 1, 10)).window.total, 0);
      const again = await shop.services.cart.checkout({ ...before, expectedSignature: result.quote.signature });
      assert.equal(again.status, 'placed');
      await shop.services.catalog.setStock({ productId: bucket.id, variantId: null }, 9);
    });

    test('checkout places the order, takes the stock and empties the cart in one go; courier delivery adds its fee', async () => {
      const user = await newUser();
      const hoodie = await product('Lavka hoodie');
      const graphite = hoodie.variants.find((variant) => variant.title === 'M · Graphite');
      const tote = await product('Tote bag');
      await shop.services.cart.add(user, { productId: hoodie.id, variantId: graphite?.id ?? 0 });
      await shop.services.cart.add(user, { productId: tote.id, variantId: null }, 1);
      const delivery: DeliveryChoice = { method: 'courier', address: 'пр. Абая, 1' };
      const result = await shop.services.cart.checkout(await checkoutInput(user, delivery));
      assert.equal(result.status, 'placed');
      assert.ok(result.status === 'placed');
      const order = result.order;
      // 17 990 + 3 990 = 21 980 ≥ 20 000: the courier is free.
      assert.equal(order.total_minor, 2_198_000);
      assert.deepEqual(
        order.lines.map((line) => [line.line_kind, line.title, line.variant_title, line.quantity]),
        [
          ['product', 'Худи «Лавка»', 'M · Графит', 1],
          ['product', 'Шоппер', null, 1],
        ],
      );
      assert.equal(order.delivery_method, 'courier');
      assert.equal(order.payment_method, 'on_delivery');
      assert.equal((await shop.services.catalog.product(hoodie.id, 'en'))?.variants.find((variant) => variant.id === graphite?.id)?.stock, (graphite?.stock ?? 0) - 1);
      assert.equal((await shop.services.cart.view(user, 'en')).lines.length, 0);

      // Below the free threshold the fee is a line of the order.
      await shop.services.cart.add(user, { productId: tote.id, variantId: null }, 1);
      const small = await shop.services.cart.checkout(await checkoutInput(user, delivery));
      assert.ok(small.status === 'placed');
      assert.deepEqual(small.order.lines.map((line) => [line.line_kind, line.total_minor]), [
        ['product', 399_000],
        ['fee', 150_000],
      ]);
      assert.equal(small.order.total_minor, 549_000);
    });

    test('cancelling an order puts its units back in stock', async () => {
      const user = await newUser();
      const notebook = await product('Dot-grid notebook');
      await shop.services.cart.add(user, { productId: notebook.id, variantId: null }, 4);
      const result = await shop.services.cart.checkout(await checkoutInput(user));
      assert.ok(result.status === 'placed');
      assert.equal((await shop.services.catalog.product(notebook.id, 'en'))?.stock, notebook.stock - 4);
      await shop.services.orders.changeStatus(result.order.id, 'cancelled', { role: 'customer', id: user });
      assert.equal((await shop.services.catalog.product(notebook.id, 'en'))?.stock, notebook.stock);
    });

    test('an empty cart has nothing to check out', async () => {
      const user = await newUser();
      assert.deepEqual(await shop.services.cart.checkout(await checkoutInput(user)), { status: 'empty' });
    });

    test('two customers checking out the last item at the same moment: one gets it, the other is told, stock stays at zero', async () => {
      const item = await shop.services.catalog.createProduct({ title: 'Last one', priceMinor: 100_000, stock: 1 });
      const first = await newUser();
      const second = await newUser();
      await shop.services.cart.add(first, { productId: item.id, variantId: null });
      await shop.services.cart.add(second, { productId: item.id, variantId: null });
      const inputs = await Promise.all([checkoutInput(first), checkoutInput(second)]);
      const results = await Promise.all(inputs.map((input) => shop.services.cart.checkout(input)));
      const placed = results.filter((result) => result.status === 'placed');
      const refused = results.filter((result) => result.status === 'changed');
      assert.equal(placed.length, 1, JSON.stringify(results.map((result) => result.status)));
      assert.equal(refused.length, 1);
      assert.ok(refused[0]?.status === 'changed' && refused[0].issues.some((issue) => issue.kind === 'sold_out'));
      assert.equal((await shop.services.catalog.product(item.id, 'en'))?.stock, 0);
      const loser = placed[0]?.status === 'placed' && placed[0].order.user_id === first ? second : first;
      assert.equal((await shop.services.cart.view(loser, 'en')).lines.length, 0, 'the sold-out line left the loser\'s cart');
      assert.equal((await shop.services.orders.listForUser(loser, 1, 10)).window.total, 0);
    });

    test('many customers racing for a few units never oversell', async () => {
      const item = await shop.services.catalog.createProduct({ title: 'Limited drop', priceMinor: 100_000, stock: 3 });
      const buyers = await Promise.all(Array.from({ length: 8 }, () => newUser()));
      for (const buyer of buyers) await shop.services.cart.add(buyer, { productId: item.id, variantId: null });
      const inputs = await Promise.all(buyers.map((buyer) => checkoutInput(buyer)));
      const results = await Promise.all(inputs.map((input) => shop.services.cart.checkout(input)));
      assert.equal(results.filter((result) => result.status === 'placed').length, 3);
      assert.equal((await shop.services.catalog.product(item.id, 'en'))?.stock, 0);
    });

    test('clearing empties only this user\'s cart, and an untouched cart shows up in the "abandoned" segment', async () => {
      const user = await newUser();
      const other = await newUser();
      const mug = await product('Lavka mug');
      await shop.services.cart.add(user, { productId: mug.id, variantId: null });
      await shop.services.cart.add(other, { productId: mug.id, variantId: null });
      const segment = shop.modules.find((item) => item.name === 'cart')?.instance.segments?.find((item) => item.name === 'cart.abandoned_days');
      assert.ok(segment);
      assert.ok(!(await segment.userIds(1)).includes(other), 'a fresh cart is not abandoned');
      assert.equal(await shop.services.cart.clear(user), 1);
      assert.equal((await shop.services.cart.view(user, 'en')).lines.length, 0);
      assert.equal((await shop.services.cart.view(other, 'en')).lines.length, 1);
      clock.advance(2 * 86_400_000);
      const abandoned = await segment.userIds(1);
      assert.ok(abandoned.includes(other));
      assert.ok(!abandoned.includes(user), 'an emptied cart is not abandoned');
      await assert.rejects(segment.userIds(0), (error: unknown) => error instanceof CartError && error.code === 'cart.invalid_days');
    });

    test('the cart funnel counts distinct users who added something', async () => {
      const sinceMs = 0;
      const rows = await shop.database.db.selectFrom('cart_additions').select('user_id').distinct().execute();
      assert.ok(rows.length >= 10);
      assert.equal(await shop.services.cart.usersAddingSince(sinceMs), rows.length);
      // Users whose every add was refused are not in the funnel.
      assert.ok(rows.length < nextUser - 6000);
    });
  });
}
