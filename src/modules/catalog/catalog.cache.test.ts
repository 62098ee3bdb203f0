import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { Redis } from 'ioredis';
import { createDatabase, type DatabaseHandle } from '../../db/database.ts';
import { addUser, startShopServices, testClock, type ShopServices } from '../../../test/support/shop.ts';
import { hasRedis, REDIS_URL, testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { onEveryStatement } from '../../../test/support/sql-statements.ts';
import { createCatalogCache, shareCatalogCacheThroughRedis } from './catalog.cache.ts';
import { createCatalogService, type CatalogService } from './catalog.service.ts';
import type { ProductView } from './catalog.views.ts';

/** Catalogue statements run by either driver, counted below Kysely as the benchmark counts them. */
const executed = { catalog: 0 };
const CATALOG_SQL = /catalog_(categories|products|variants|photos)/;
onEveryStatement((sql) => {
  if (CATALOG_SQL.test(sql)) executed.catalog += 1;
});

/** What `work` returned and how many catalogue statements it cost. */
async function counted<T>(work: () => Promise<T>): Promise<{ value: T; statements: number }> {
  const start = executed.catalog;
  const value = await work();
  return { value, statements: executed.catalog - start };
}

describe('the catalogue cache itself', () => {
  test('a caller changing what it got does not change what the next one gets', () => {
    const cache = createCatalogCache({ now: () => 10_000 });
    const rows = [{ id: 1, price_minor: 100 }];
    cache.keep('k', rows, cache.seq());
    rows[0]!.price_minor = 1;
    const first = cache.get('k')?.value as { id: number; price_minor: number }[];
    first[0]!.price_minor = 2;
    first.push({ id: 2, price_minor: 3 });
    assert.deepEqual(cache.get('k')?.value, [{ id: 1, price_minor: 100 }]);
    const map = new Map([[1, 5]]);
    cache.keep('m', map, cache.seq());
    (cache.get('m')?.value as Map<number, number>).set(1, 6);
    assert.deepEqual(cache.get('m')?.value, new Map([[1, 5]]));
    // A kept "nothing" is an answer too.
    cache.keep('none', undefined, cache.seq());
    assert.deepEqual(cache.get('none'), { value: undefined });
    assert.equal(cache.get('other'), undefined);
  });

  test('a read that started before a change, or during the settle time after it, is not kept', () => {
    let now = 10_000;
    const cache = createCatalogCache({ now: () => now, settleMs: 2_000 });
    const seq = cache.seq();
    cache.changed();
    cache.keep('old', 1, seq);
    assert.equal(cache.get('old'), undefined);
    now += 1_999;
    cache.keep('early', 1, cache.seq());
    assert.equal(cache.get('early'), undefined);
    now += 1;
    cache.keep('settled', 1, cache.seq());
    assert.deepEqual(cache.get('settled'), { value: 1 });
    // A change anywhere drops everything: the catalogue is one generation.
    cache.dropLocal();
    assert.equal(cache.get('settled'), undefined);
    assert.equal(cache.size, 0);
  });

  test('a change whose commit is heard needs no settle time, but a read that started before it is still refused', () => {
    const now = 10_000;
    const cache = createCatalogCache({ now: () => now, settleMs: 2_000 });
    const seq = cache.seq();
    cache.changed(true);
    cache.keep('old', 1, seq);
    assert.equal(cache.get('old'), undefined);
    cache.keep('new', 2, cache.seq());
    assert.deepEqual(cache.get('new'), { value: 2 });
    // An unheard change after it still holds everything back for the settle time.
    cache.changed();
    cache.keep('held', 3, cache.seq());
    assert.equal(cache.get('held'), undefined);
    cache.changed(true);
    cache.keep('still held', 4, cache.seq());
    assert.equal(cache.get('still held'), undefined, 'a heard change does not end the settle time of an unheard one');
  });

  test('entries have a maximum age, much shorter while other instances cannot be heard', () => {
    let now = 10_000;
    const cache = createCatalogCache({ now: () => now, maxAgeMs: 60_000, brokenMaxAgeMs: 5_000 });
    cache.keep('a', 1, cache.seq());
    now += 6_000;
    assert.deepEqual(cache.get('a'), { value: 1 });
    cache.setSharing('broken');
    assert.equal(cache.get('a'), undefined);
    cache.setSharing('shared');
    cache.keep('b', 2, cache.seq());
    now += 60_001;
    assert.equal(cache.get('b'), undefined);
  });

  test('it holds at most maxEntries, dropping the least recently used', () => {
    const cache = createCatalogCache({ now: () => 10_000, maxEntries: 2 });
    cache.keep('a', 1, cache.seq());
    cache.keep('b', 2, cache.seq());
    cache.get('a');
    cache.keep('c', 3, cache.seq());
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b'), undefined);
    assert.deepEqual(cache.get('a'), { value: 1 });
  });
});

const redisAvailable = await hasRedis();

describe('sharing the catalogue cache through Redis', { skip: !redisAvailable }, () => {
  test('a change Redis refused to carry is announced again once it can', async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    let refusals = 2;
    // The same client, whose PUBLISH fails twice (Redis unreachable for a moment).
    const flaky = new Proxy(redis, {
      get(target, property, receiver) {
        if (property === 'publish') {
          return (...args: Parameters<Redis['publish']>) => (refusals-- > 0 ? Promise.reject(new Error('Connection is closed.')) : target.publish(...args));
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const channel = `lavka:test:${randomUUID()}:catalog:changed`;
    const mine = createCatalogCache({ now: () => 10_000 });
    const theirs = createCatalogCache({ now: () => 10_000 });
    const errors: unknown[] = [];
    const stops = [await shareCatalogCacheThroughRedis(mine, flaky, { channel, onError: (error) => errors.push(error) }), await shareCatalogCacheThroughRedis(theirs, redis, { channel })];
    try {
      theirs.keep('k', 1, theirs.seq());
      mine.changed();
      const deadline = Date.now() + 5_000;
      while (theirs.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(theirs.size, 0, 'announced after two refusals');
      assert.equal(errors.length, 2);
    } finally {
      for (const stop of stops) await stop();
      redis.disconnect();
    }
  });
});

for (const dialect of await testDialects()) {
  describe(`catalogue reads through the cache on ${dialect.name}`, () => {
    let target: TestDatabase;
    let shop: ShopServices;
    const clock = testClock();
    /** Past the settle time of the last change: reads are kept again. */
    const settle = () => clock.advance(3_000);
    const catalog = () => shop.services.catalog;
    const find = async (query: string): Promise<ProductView> => {
      const found = (await catalog().search(query, 1, 'en')).products[0];
      assert.ok(found, query);
      return found;
    };
    /** A product's view read twice: the second read must cost nothing. */
    const warm = async (id: number) => {
      settle();
      await catalog().product(id, 'ru');
      const again = await counted(() => catalog().product(id, 'ru'));
      assert.equal(again.statements, 0, 'a second read is served from the cache');
      return again.value;
    };

    before(async () => {
      target = await dialect.create();
      shop = await startShopServices(target, { now: clock.now });
      await catalog().seed(shop.config.demo.catalog);
    });
    after(async () => {
      await shop?.close();
      await target?.drop();
    });

    test('a second read of a product card, a category page, a quote and a photo costs no statement', async () => {
      const tee = await find('Lavka T-shirt');
      const categoryId = tee.categoryId ?? 0;
      const items = tee.variants.map((variant) => ({ productId: tee.id, variantId: variant.id }));
      const read = async () => ({
        product: await catalog().product(tee.id, 'ru'),
        page: await catalog().categoryPage(categoryId, 1, 'ru'),
        top: await catalog().categoryPage(null, 1, 'ru'),
        quote: [...(await catalog().quote(items, 'ru'))],
        photo: await catalog().photo(tee.id),
        digital: [...(await catalog().digitalProductIds([tee.id]))],
      });
      settle();
      const first = await counted(read);
      assert.ok(first.statements > 0);
      const second = await counted(read);
      assert.equal(second.statements, 0);
      assert.deepEqual(second.value, first.value);
      // The rows are cached, not the reader's language: another language costs nothing and is its own.
      const english = await counted(() => catalog().product(tee.id, 'en'));
      assert.equal(english.statements, 0);
      assert.equal(english.value?.title, 'Lavka T-shirt');
      assert.equal(first.value.product?.title, 'Футболка «Лавка»');
    });

    test('a change through the panel, the integration API, raw SQL or a checkout shows at the next read', async () => {
      const tee = await find('Lavka T-shirt');
      const variant = tee.variants[0];
      assert.ok(variant);
      const cap = await find('Logo cap');

      // The panel's editor: a variant's price, then a product hidden.
      await warm(tee.id);
      await catalog().updateVariant(tee.id, variant.id, { priceMinor: 123_400 });
      assert.equal((await catalog().product(tee.id, 'ru'))?.variants.find((item) => item.id === variant.id)?.priceMinor, 123_400);

      // The integration API's stock endpoint (PUT /catalog/products/:id/stock runs this).
      await warm(cap.id);
      await catalog().setBackofficeStock({ productId: cap.id, variantId: null }, { quantity: 42 });
      assert.equal((await catalog().product(cap.id, 'ru'))?.stock, 42);

      // Raw SQL, outside any module.
      await warm(cap.id);
      await sql`update catalog_products set price_minor = ${777_700} where id = ${cap.id}`.execute(shop.database.db);
      assert.equal((await catalog().product(cap.id, 'ru'))?.priceMinor, 777_700);

      // A checkout takes stock in the order's transaction (the cart's module, not the catalogue's).
      const user = 6101;
      await addUser(shop, user);
      await shop.services.cart.add(user, { productId: cap.id, variantId: null }, 2);
      const reviewed = await shop.services.cart.review(user, 'ru', { method: 'pickup', pickupPoint: 'Dostyk Plaza' });
      await warm(cap.id);
      const result = await shop.services.cart.checkout({
        userId: user,
        locale: 'ru',
        contactName: 'Aigerim',
        contactPhone: '+77011234567',
        delivery: { method: 'pickup', pickupPoint: 'Dostyk Plaza' },
        comment: null,
        expectedSignature: reviewed.quote.signature,
      });
      assert.equal(result.status, 'placed');
      assert.equal((await catalog().product(cap.id, 'ru'))?.stock, 40);
      assert.equal((await catalog().quote([{ productId: cap.id, variantId: null }], 'ru')).get(`${cap.id}:0`)?.stock, 40);

      // Hidden in the panel: gone from the card and from its category page at once.
      const categoryId = cap.categoryId ?? 0;
      settle();
      await catalog().categoryPage(categoryId, 1, 'ru');
      await warm(cap.id);
      await catalog().updateStaffProduct(cap.id, { hidden: true });
      assert.equal(await catalog().product(cap.id, 'ru'), undefined);
      const page = await catalog().categoryPage(categoryId, 1, 'ru');
      assert.ok(page && !page.entries.some((entry) => entry.kind === 'product' && entry.product.id === cap.id));
      await catalog().updateStaffProduct(cap.id, { hidden: false });
    });

    test('a change is cached again as soon as it is committed, not before', async () => {
      const tee = await find('Lavka T-shirt');
      const variantId = tee.variants[0]?.id ?? 0;
      const stockNow = async () => (await catalog().product(tee.id, 'ru'))?.variants.find((item) => item.id === variantId)?.stock;

      // Committed on its own (or in a transaction that has ended): the next read is kept at once.
      await warm(tee.id);
      await catalog().setStock({ productId: tee.id, variantId }, 3);
      assert.equal(await stockNow(), 3);
      assert.equal((await counted(stockNow)).statements, 0);

      // Inside an update's unit: a read by another update before the commit sees the old
      // stock and may keep it, but the commit drops it — the next read is the new stock.
      // (PostgreSQL lets others read meanwhile; SQLite's one connection waits for the commit.)
      await shop.database.units.run(async (unit) => {
        await sql`update catalog_variants set stock = ${5} where id = ${variantId}`.execute(shop.database.db);
        if (dialect.name === 'postgres') {
          assert.equal(await shop.database.units.outside(() => stockNow()), 3);
          assert.equal((await shop.database.units.outside(() => counted(stockNow))).statements, 0, 'kept while the transaction is open');
        }
        await unit.flush();
        unit.end();
      });
      const afterCommit = await counted(stockNow);
      assert.equal(afterCommit.value, 5);
      assert.ok(afterCommit.statements > 0, 'read again after the commit');
      assert.equal((await counted(stockNow)).statements, 0, 'and kept at once');

      // Inside a transaction of the panel's (outside any unit): the same, at its commit.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let wrote: () => void = () => undefined;
      const written = new Promise<void>((resolve) => {
        wrote = resolve;
      });
      const panel = shop.database.db.transaction().execute(async (trx) => {
        await sql`update catalog_variants set stock = ${6} where id = ${variantId}`.execute(trx);
        wrote();
        await held;
      });
      await written;
      if (dialect.name === 'postgres') {
        assert.equal(await stockNow(), 5);
        assert.equal((await counted(stockNow)).statements, 0, 'kept while the transaction is open');
      }
      release();
      await panel;
      const afterPanel = await counted(stockNow);
      assert.equal(afterPanel.value, 6);
      assert.ok(afterPanel.statements > 0, 'dropped at the commit');
    });

    test('a read inside a transaction that wrote the catalogue sees its own rows and is never kept', async () => {
      const mug = await find('Bucket hat');
      const before = await warm(mug.id);
      await shop.database.units.run(async (unit) => {
        await sql`update catalog_products set price_minor = ${1} where id = ${mug.id}`.execute(shop.database.db);
        clock.advance(10_000);
        assert.equal((await catalog().product(mug.id, 'ru'))?.priceMinor, 1);
        await unit.rollback();
      });
      // Rolled back: the old price, from the database, not from a read of the transaction.
      const after = await counted(() => catalog().product(mug.id, 'ru'));
      assert.ok(after.statements > 0);
      assert.equal(after.value?.priceMinor, before?.priceMinor);
    });

    test('a read while an update holds a transaction open is used but not kept', async () => {
      const mug = await find('Bucket hat');
      await warm(mug.id);
      // Empty the cache, then read with an open transaction that wrote elsewhere.
      await catalog().setStock({ productId: mug.id, variantId: null }, 30);
      settle();
      await shop.database.units.run(async (unit) => {
        await addUser(shop, 6202);
        assert.ok(unit.open);
        assert.equal((await catalog().product(mug.id, 'ru'))?.stock, 30);
        await unit.flush();
        unit.end();
      });
      assert.ok((await counted(() => catalog().product(mug.id, 'ru'))).statements > 0);
      assert.equal((await counted(() => catalog().product(mug.id, 'ru'))).statements, 0);
    });

    test('two instances sharing Redis: a change on one drops the other\'s cache', { skip: dialect.name === 'sqlite' ? 'one Lavka process per SQLite file' : !redisAvailable }, async () => {
      const pin = await find('Lavka pin');
      const other: DatabaseHandle = await createDatabase({ url: target.url });
      const second: CatalogService = createCatalogService({ db: other.db, now: clock.now, currency: 'KZT', defaultLocale: 'ru', pageSize: 6 });
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      const stops: (() => Promise<void>)[] = [];
      try {
        await redis.connect();
        const mine = catalog().readCache;
        const theirs = second.readCache;
        assert.ok(mine && theirs && mine !== theirs);
        const priceOnSecond = async () => (await second.product(pin.id, 'ru'))?.priceMinor;
        const warmSecond = async () => {
          settle();
          await priceOnSecond();
          assert.equal((await counted(priceOnSecond)).statements, 0);
        };

        // Not sharing: the second instance keeps what it read (which is why sharing is needed).
        await warmSecond();
        const unheard = await priceOnSecond();
        await sql`update catalog_products set price_minor = ${(unheard ?? 0) + 1} where id = ${pin.id}`.execute(shop.database.db);
        assert.equal(await priceOnSecond(), unheard);
        theirs.dropLocal();

        const channel = `lavka:test:${randomUUID()}:catalog:changed`;
        for (const cache of [mine, theirs]) stops.push(await shareCatalogCacheThroughRedis(cache, redis, { channel }));
        await warmSecond();
        assert.equal(await priceOnSecond(), (unheard ?? 0) + 1);
        assert.ok(theirs.size > 0);
        await catalog().setPrice({ productId: pin.id, variantId: null }, 55_500);
        const deadline = Date.now() + 3_000;
        while (theirs.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(theirs.size, 0, 'dropped within 3 s');
        assert.equal(await priceOnSecond(), 55_500);
      } finally {
        for (const stop of stops) await stop();
        redis.disconnect();
        await other.close();
      }
    });
  });
}
