import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { after, before, describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { sql } from 'kysely';
import { startShopServices, type ShopServices } from '../../../test/support/shop.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { addPagerRow, pageWindow, paginate, parsePage } from '../../telegram/paginator.ts';
import { InlineKeyboard } from 'grammy';
import { CatalogError } from './catalog.errors.ts';
import type { ProductView, StaffProductView } from './catalog.views.ts';
import { readPngChunks } from '../../../test/support/png.ts';
import { PNG_SIGNATURE } from '../../media/png.ts';
import { renderTilePng } from './tile-image.ts';
import { moduleRoutes } from '../../../test/support/module-routes.ts';

describe('generated product pictures', () => {
  test('a tile is a square PNG of the requested size with the colour in its corner', () => {
    const png = renderTilePng({ colour: '#e4572e', shape: 'circle', sizePx: 64 });
    const chunks = readPngChunks(png);
    const header = chunks[0]?.data as Buffer;
    assert.equal(header.readUInt32BE(0), 64);
    const raw = inflateSync(chunks[1]?.data as Buffer);
    assert.equal(raw.length, (64 * 3 + 1) * 64);
    // Top-left pixel: the background colour itself (the gradient starts at the top).
    assert.deepEqual([...raw.subarray(1, 4)], [0xe4, 0x57, 0x2e]);
  });

});

describe('the paginator', () => {
  test('a requested page past the end shows the last page, and an empty list has one page', () => {
    assert.deepEqual(pageWindow(13, 9, 5), { page: 3, pages: 3, offset: 10, limit: 5, total: 13 });
    assert.deepEqual(pageWindow(0, 1, 5), { page: 1, pages: 1, offset: 0, limit: 5, total: 0 });
    assert.deepEqual(paginate([1, 2, 3, 4, 5, 6, 7], 2, 3).items, [4, 5, 6]);
  });

  test('page numbers from callback data are checked', () => {
    assert.equal(parsePage('7'), 7);
    assert.equal(parsePage(undefined), 1);
    assert.equal(parsePage('0'), undefined);
    assert.equal(parsePage('12345'), undefined);
    assert.equal(parsePage('-1'), undefined);
  });

  test('the pager row shows previous, "page/pages" and next, and a back button', () => {
    const keyboard = addPagerRow(new InlineKeyboard(), {
      t: (_key, variables) => `${variables?.page}/${variables?.pages}`,
      window: { page: 2, pages: 7 },
      pageData: (page) => `x:list:${page}`,
      back: { label: 'Back', data: 'x:up' },
    });
    assert.deepEqual(
      keyboard.inline_keyboard.filter((row) => row.length > 0).map((row) => row.map((button) => [button.text, 'callback_data' in button ? button.callback_data : ''])),
      [
        [
          ['‹', 'x:list:1'],
          ['2/7', 'x:list:2'],
          ['›', 'x:list:3'],
        ],
        [['Back', 'x:up']],
      ],
    );
  });
});

for (const dialect of await testDialects()) {
  describe(`the catalogue on ${dialect.name}`, () => {
    let target: TestDatabase;
    let shop: ShopServices;
    before(async () => {
      target = await dialect.create();
      shop = await startShopServices(target);
      await shop.services.catalog.seed(shop.config.demo.catalog);
    });
    after(async () => {
      await shop?.close();
      await target?.drop();
    });

    const find = async (query: string, locale: 'ru' | 'en' = 'en'): Promise<ProductView> => {
      const result = await shop.services.catalog.search(query, 1, locale);
      const product = result.products[0];
      assert.ok(product, `a product matching ${query}`);
      return product;
    };

    test('the demo catalogue is seeded once: a second seed adds nothing', async () => {
      const before = await shop.services.catalog.listProducts({ page: 1, pageSize: 100 }, 'en');
      assert.ok(before.window.total >= 15, `demo products: ${before.window.total}`);
      assert.equal(await shop.services.catalog.seed(shop.config.demo.catalog), 0);
      const afterSeed = await shop.services.catalog.listProducts({ page: 1, pageSize: 100 }, 'en');
      assert.equal(afterSeed.window.total, before.window.total);
      const withPhotos = await Promise.all(afterSeed.products.map((product) => shop.services.catalog.photo(product.id)));
      assert.ok(withPhotos.every(Boolean), 'every demo product has a generated picture');
    });

    test('the top level lists categories in the reader\'s language, and a category lists subcategories before products', async () => {
      const root = await shop.services.catalog.categoryPage(null, 1, 'en');
      assert.deepEqual(
        root?.entries.map((entry) => (entry.kind === 'category' ? entry.category.title : '')),
        ['Clothing', 'Accessories', 'Notebooks and books'],
      );
      const clothing = root?.entries[0];
      assert.ok(clothing?.kind === 'category');
      const inside = await shop.services.catalog.categoryPage(clothing.category.id, 1, 'ru');
      assert.deepEqual(inside?.path, ['Одежда']);
      assert.deepEqual(
        inside?.entries.map((entry) => entry.kind),
        ['category', 'category', 'category', 'category'],
      );
      const tshirts = inside?.entries[0];
      assert.ok(tshirts?.kind === 'category');
      const products = await shop.services.catalog.categoryPage(tshirts.category.id, 1, 'ru', 3);
      assert.deepEqual(products?.path, ['Одежда', 'Футболки']);
      assert.equal(products?.window.pages, 2);
      assert.equal(products?.entries.length, 3);
      const last = await shop.services.catalog.categoryPage(tshirts.category.id, 99, 'ru', 3);
      assert.equal(last?.window.page, 2);
      assert.equal(last?.entries.length, 1);
      assert.equal(await shop.services.catalog.categoryPage(987_654, 1, 'ru'), undefined);
    });

    test('search finds products by a title in any language, ignoring case, and takes wildcards literally', async () => {
      assert.equal((await find('ХУДИ', 'ru')).title, 'Худи «Лавка»');
      assert.equal((await find('hoodie')).title, 'Lavka hoodie');
      // Kazakh title, searched in lower case.
      assert.ok((await shop.services.catalog.search('саптыаяқ', 1, 'kk')).window.total >= 1);
      // "ё" and "е" are the same letter for search.
      assert.ok((await shop.services.catalog.search('чёрная', 1, 'ru')).window.total >= 1);
      assert.ok((await shop.services.catalog.search('черная', 1, 'ru')).window.total >= 1);
      // "%" and "_" match themselves, not anything: "100%" is in a description, "х%у" is nowhere.
      assert.equal((await find('100%', 'ru')).title, 'Футболка «Лавка»');
      assert.equal((await shop.services.catalog.search('х%у', 1, 'ru')).window.total, 0);
      assert.equal((await shop.services.catalog.search('__', 1, 'ru')).window.total, 0);
      assert.equal(shop.services.catalog.cleanQuery(' a '), undefined);
      assert.equal(shop.services.catalog.cleanQuery('x'.repeat(65)), undefined);
    });

    test('a product with variants sells the variants, each with its own price and stock', async () => {
      const tee = await find('Lavka T-shirt');
      assert.equal(tee.variants.length, 5);
      assert.equal(tee.priceVaries, true);
      assert.equal(tee.priceMinor, 699_000);
      const black = tee.variants.find((variant) => variant.title === 'M · Black');
      assert.equal(black?.priceMinor, 749_000);
      const quotes = await shop.services.catalog.quote(
        [
          { productId: tee.id, variantId: black?.id ?? 0 },
          { productId: tee.id, variantId: null },
        ],
        'en',
      );
      assert.equal(quotes.get(`${tee.id}:${black?.id}`)?.unitPriceMinor, 749_000);
      assert.equal(quotes.has(`${tee.id}:0`), false, 'a product with variants cannot be bought without one');
      const mug = await find('Lavka mug');
      const otherVariant = tee.variants[0]?.id ?? 0;
      const forged = await shop.services.catalog.quote([{ productId: mug.id, variantId: otherVariant }], 'en');
      assert.equal(forged.size, 0, "another product's variant is not this product's");
    });

    test('stock is taken only when enough is left, all or nothing, and never goes below zero', async () => {
      const set = await find('Set of mugs');
      assert.equal(set.stock, 1);
      const cap = await find('Logo cap');
      const { db } = shop.database;
      await assert.rejects(
        db.transaction().execute(async (trx) =>
          shop.services.catalog.reserveStock(trx, [
            { productId: cap.id, variantId: null, quantity: 2 },
            { productId: set.id, variantId: null, quantity: 2 },
          ]),
        ),
        (error: unknown) => error instanceof CatalogError && error.code === 'catalog.out_of_stock' && error.details.productId === set.id,
      );
      // The cap's decrement rolled back with the rest.
      assert.equal((await shop.services.catalog.product(cap.id, 'en'))?.stock, cap.stock);
      await db.transaction().execute((trx) => shop.services.catalog.reserveStock(trx, [{ productId: set.id, variantId: null, quantity: 1 }]));
      assert.equal((await shop.services.catalog.product(set.id, 'en'))?.stock, 0);
      // Even a hand-written update cannot make it negative: the CHECK constraint refuses.
      await assert.rejects(sql`update catalog_products set stock = -1 where id = ${set.id}`.execute(db));
      await db.transaction().execute((trx) => shop.services.catalog.releaseStock(trx, [{ productId: set.id, variantId: null, quantity: 1 }]));
      assert.equal((await shop.services.catalog.product(set.id, 'en'))?.stock, 1);
    });

    test('an archived product is gone for cards and quotes but its id is never reused', async () => {
      const created = await shop.services.catalog.createProduct({ title: 'Temporary', priceMinor: 100, stock: 3 });
      assert.ok(await shop.services.catalog.archiveProduct(created.id));
      assert.equal(await shop.services.catalog.product(created.id, 'en'), undefined);
      assert.equal((await shop.services.catalog.quote([{ productId: created.id, variantId: null }], 'en')).size, 0);
      const next = await shop.services.catalog.createProduct({ title: 'Next', priceMinor: 100 });
      assert.ok(next.id > created.id);
    });

    test('invalid owner input is refused with a clear code', async () => {
      await assert.rejects(shop.services.catalog.createProduct({ title: '', priceMinor: 1 }));
      await assert.rejects(shop.services.catalog.createProduct({ title: 'X', priceMinor: -1 }));
      await assert.rejects(
        shop.services.catalog.createProduct({ title: 'X', priceMinor: 1, categoryId: 999_999 }),
        (error: unknown) => error instanceof CatalogError && error.code === 'catalog.unknown_category',
      );
      await assert.rejects(shop.services.catalog.setStock({ productId: 1, variantId: null }, -5), (error: unknown) => error instanceof CatalogError);
    });

    test("a photo is uploaded once: Telegram's file_id is remembered for the next sends", async () => {
      const cap = await find('Logo cap');
      const photo = await shop.services.catalog.photo(cap.id);
      assert.ok(photo);
      assert.equal(photo.fileId, null);
      const stored = await shop.services.catalog.photoBytes(photo.photoId);
      assert.ok(stored?.bytes && Buffer.from(stored.bytes).subarray(0, 8).equals(PNG_SIGNATURE));
      await shop.services.catalog.rememberPhotoFileId(photo.photoId, 'AgACfile');
      assert.equal((await shop.services.catalog.photo(cap.id))?.fileId, 'AgACfile');
    });

    test('the admin API searches and filters products, shows one, lists categories and serves photos', async () => {
      const routes = shop.modules.find((item) => item.name === 'catalog')?.instance.routes;
      assert.ok(routes);
      const app = Fastify();
      await app.register(moduleRoutes(shop.modules.find((item) => item.name === 'catalog')), { prefix: '/api/catalog' });
      try {
        const search = await app.inject({ method: 'GET', url: `/api/catalog/products?q=${encodeURIComponent('худи')}&locale=ru` });
        assert.equal(search.statusCode, 200);
        const found = search.json() as { products: ProductView[]; total: number };
        assert.ok(found.total >= 2 && found.products.every((product) => /худи/i.test(product.title)));
        const filtered = await app.inject({ method: 'GET', url: '/api/catalog/products?inStock=true&maxPriceMinor=300000&pageSize=50' });
        const cheapInStock = (filtered.json() as { products: StaffProductView[] }).products;
        assert.ok(cheapInStock.length > 0 && cheapInStock.every((product) => product.totalStock > 0 && product.priceMinor <= 300_000));
        assert.equal((await app.inject({ method: 'GET', url: '/api/catalog/products?pageSize=1000' })).statusCode, 400);
        assert.equal((await app.inject({ method: 'GET', url: '/api/catalog/products?locale=de' })).statusCode, 400);
        const id = found.products[0]?.id;
        const one = await app.inject({ method: 'GET', url: `/api/catalog/products/${id}` });
        assert.equal(one.statusCode, 200);
        const photoId = (one.json() as { product: StaffProductView }).product.photoId;
        const photo = await app.inject({ method: 'GET', url: `/api/catalog/photos/${photoId}` });
        assert.equal(photo.statusCode, 200);
        assert.equal(photo.headers['content-type'], 'image/png');
        assert.ok(photo.rawPayload.subarray(0, 8).equals(PNG_SIGNATURE));
        assert.equal((await app.inject({ method: 'GET', url: '/api/catalog/products/999999' })).statusCode, 404);
        assert.equal((await app.inject({ method: 'GET', url: '/api/catalog/products/-1' })).statusCode, 400);
        const categories = await app.inject({ method: 'GET', url: '/api/catalog/categories?locale=kk' });
        assert.ok((categories.json() as { categories: { title: string }[] }).categories.some((category) => category.title === 'Киім'));
      } finally {
        await app.close();
      }
    });

    test('the admin listing filters by category, price and stock', async () => {
      const all = await shop.services.catalog.listProducts({ page: 1, pageSize: 100 }, 'en');
      const inStock = await shop.services.catalog.listProducts({ page: 1, pageSize: 100, inStockOnly: true }, 'en');
      assert.ok(inStock.window.total < all.window.total, 'the sold-out postcards are left out');
      assert.ok(inStock.products.every((product) => product.stock > 0));
      const cheap = await shop.services.catalog.listProducts({ page: 1, pageSize: 100, maxPriceMinor: 200_000 }, 'en');
      assert.ok(cheap.products.length > 0 && cheap.products.every((product) => product.priceMinor <= 200_000));
    });
  });
}
