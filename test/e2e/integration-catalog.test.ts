import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SimUser } from '../../src/sim/index.ts';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { buttonsOf, textOf } from '../support/chat.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { testDialects } from '../support/services.ts';

const OWNER = 9501;
const CUSTOMER = 8501;

interface ApiAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; details?: Record<string, unknown> } };
}

interface ProductBody {
  id: number;
  external_id: string | null;
  title: string;
  price_minor: number;
  stock: number;
  hidden: boolean;
  archived_at: string | null;
  translations: Record<string, { title: string | null; description: string | null }>;
  variants: { id: number; external_id: string | null; title: string; price_minor: number; stock: number; options: Record<string, string> }[];
}

for (const dialect of await testDialects()) {
  describe(`the catalogue through the integration API: the back office's ids, stock, bulk upsert (${dialect.name})`, () => {
    let lavka: TestLavka;
    let owner: StaffSession;
    let customer: SimUser;
    let writer: string;
    let reader: string;
    let categoryId: number;
    let dir: string;

    /** An ERP calling Lavka over HTTP. */
    const call = async (method: string, url: string, key: string, body?: unknown): Promise<ApiAnswer> => {
      const response = await fetch(`${lavka.app.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as ApiAnswer['body']) : {} };
    };
    const product = (answer: ApiAnswer) => answer.body as unknown as ProductBody;

    const createKey = async (name: string, scopes: string[]) => {
      const response = await lavka.app.http.inject({
        method: 'POST',
        url: '/api/integrations/keys',
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' },
        payload: JSON.stringify({ name, scopes }),
      });
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as { secret: string }).secret;
    };

    /** The catalogue tables as they are, to prove a refused request wrote nothing. */
    const snapshot = async () => {
      const db = lavka.app.database.db;
      return JSON.stringify([
        await db.selectFrom('catalog_categories').selectAll().orderBy('id').execute(),
        await db.selectFrom('catalog_products').selectAll().orderBy('id').execute(),
        await db.selectFrom('catalog_variants').selectAll().orderBy('id').execute(),
      ]);
    };

    before(async () => {
      // A back office syncing a catalogue calls in bursts: room for the test's pace under the key's rate limit.
      dir = mkdtempSync(path.join(tmpdir(), 'lavka-catalog-api-'));
      const config = path.join(dir, 'config.yaml');
      writeFileSync(config, 'settings:\n  integrations:\n    requestsPerSecond: 200\n');
      lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER], database: await dialect.create(), env: { LAVKA_CONFIG: config } });
      owner = (await staffSessions(lavka, OWNER)).get('owner') as StaffSession;
      writer = await createKey('1C catalogue', ['catalog:write']);
      reader = await createKey('Website', ['catalog:read']);
      customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Айгерим', language_code: 'kk' });
    });
    after(async () => {
      await lavka?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('a category and a product with variants are created with the back office ids, changed, and read back in every language', async () => {
      const category = await call('POST', '/api/v1/catalog/categories', writer, { title: 'Посуда', translations: { kk: { title: 'Ыдыс' }, en: { title: 'Tableware' } }, external_id: 'CAT-DISHES' });
      assert.equal(category.status, 201, JSON.stringify(category.body));
      categoryId = Number(category.body.id);
      assert.deepEqual(category.body.translations, { ru: { title: 'Посуда' }, en: { title: 'Tableware' }, kk: { title: 'Ыдыс' } });
      const child = await call('POST', '/api/v1/catalog/categories', writer, { title: 'Кружки', parent_id: categoryId, external_id: 'CAT-MUGS' });
      assert.equal(child.status, 201);
      const tree = (await call('GET', '/api/v1/catalog/categories', reader)).body.data as { id: number; parent_id: number | null; depth: number; external_id: string | null }[];
      const parentAt = tree.findIndex((entry) => entry.id === categoryId);
      const childAt = tree.findIndex((entry) => entry.id === Number(child.body.id));
      assert.ok(parentAt >= 0 && childAt === parentAt + 1, 'tree order: the child right after its parent');
      assert.equal(tree[childAt]?.depth, 1);
      const moved = await call('PATCH', `/api/v1/catalog/categories/${categoryId}`, writer, { parent_id: Number(child.body.id) });
      assert.equal(moved.status, 409, 'a category cannot move under its own child');
      assert.equal(moved.body.error?.code, 'catalog.category_cycle');
      const hidden = await call('PATCH', `/api/v1/catalog/categories/${child.body.id}`, writer, { hidden: true, translations: { kk: { title: 'Саптыаяқтар' } } });
      assert.equal(hidden.body.hidden, true);
      assert.equal((hidden.body.translations as Record<string, { title: string }>).kk?.title, 'Саптыаяқтар');

      const created = await call('POST', '/api/v1/catalog/products', writer, {
        external_id: 'SKU-THERMOS',
        category_external_id: 'CAT-DISHES',
        title: 'Термос',
        description: 'Держит тепло 12 часов',
        translations: { kk: { title: 'Термос-кк', description: '12 сағат жылы ұстайды' }, en: { title: 'Thermos' } },
        price_minor: 1_299_000,
        variants: [
          { external_id: 'SKU-THERMOS-05', title: '0,5 л', price_minor: 1_299_000, stock: 4, options: { volume: '0.5' } },
          { external_id: 'SKU-THERMOS-1', title: '1 л', price_minor: 1_599_000, stock: 2, options: { volume: '1' } },
        ],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const thermos = product(created);
      assert.equal(thermos.external_id, 'SKU-THERMOS');
      assert.equal(created.body.category_id, categoryId);
      assert.equal(created.body.currency, 'KZT');
      assert.equal(thermos.stock, 6, "a product with variants sells the variants' stock");
      assert.deepEqual(thermos.translations.kk, { title: 'Термос-кк', description: '12 сағат жылы ұстайды' });
      const [half, litre] = thermos.variants;
      assert.equal(half?.external_id, 'SKU-THERMOS-05');

      const repriced = await call('PATCH', `/api/v1/catalog/products/${thermos.id}/variants/${litre!.id}`, writer, { price_minor: 1_499_000 });
      assert.equal(repriced.status, 200, JSON.stringify(repriced.body));
      const received = await call('PUT', `/api/v1/catalog/products/${thermos.id}/variants/${half!.id}/stock`, writer, { adjust_by: 3 });
      assert.equal(received.status, 200);
      const counted = await call('PUT', `/api/v1/catalog/products/${thermos.id}/variants/${litre!.id}/stock`, writer, { quantity: 10 });
      assert.equal(counted.status, 200);
      const tooMuch = await call('PUT', `/api/v1/catalog/products/${thermos.id}/variants/${half!.id}/stock`, writer, { adjust_by: -8 });
      assert.equal(tooMuch.status, 409, 'a write-off beyond the stock is refused');
      assert.equal(tooMuch.body.error?.code, 'catalog.stock_too_low');
      const onProduct = await call('PUT', `/api/v1/catalog/products/${thermos.id}/stock`, writer, { quantity: 5 });
      assert.equal(onProduct.body.error?.code, 'catalog.stock_on_variants');

      const read = product(await call('GET', `/api/v1/catalog/products/${thermos.id}`, reader));
      assert.deepEqual(
        read.variants.map((variant) => [variant.external_id, variant.price_minor, variant.stock, variant.options.volume]),
        [
          ['SKU-THERMOS-05', 1_299_000, 7, '0.5'],
          ['SKU-THERMOS-1', 1_499_000, 10, '1'],
        ],
      );
      const stored = await lavka.app.database.db.selectFrom('catalog_variants').select(['id', 'stock', 'price_minor']).where('product_id', '=', thermos.id).orderBy('id').execute();
      assert.deepEqual(stored.map((row) => [Number(row.stock), Number(row.price_minor)]), [[7, 1_299_000], [10, 1_499_000]]);

      const listed = await call('GET', '/api/v1/catalog/products?external_id=SKU-THERMOS', reader);
      assert.deepEqual((listed.body.data as ProductBody[]).map((entry) => entry.id), [thermos.id]);
      const searched = await call('GET', `/api/v1/catalog/products?q=${encodeURIComponent('сағат')}&category_id=${categoryId}`, reader);
      assert.deepEqual((searched.body.data as ProductBody[]).map((entry) => entry.id), [thermos.id], 'found by a word of its Kazakh description');

      const plain = await call('POST', '/api/v1/catalog/products', writer, { external_id: 'SKU-SPOON', title: 'Ложка', price_minor: 99_000, stock: 3 });
      assert.equal(plain.status, 201);
      const patched = await call('PATCH', `/api/v1/catalog/products/${plain.body.id}`, writer, { price_minor: 89_000, hidden: true });
      assert.equal(product(patched).price_minor, 89_000);
      assert.equal(product(patched).hidden, true);
      const stock = await call('PUT', `/api/v1/catalog/products/${plain.body.id}/stock`, writer, { adjust_by: -3 });
      assert.equal(product(stock).stock, 0);
      const archived = await call('DELETE', `/api/v1/catalog/products/${plain.body.id}`, writer);
      assert.ok(product(archived).archived_at, 'archived, still readable');
      const archivedList = (await call('GET', '/api/v1/catalog/products?archived=true', reader)).body.data as ProductBody[];
      assert.ok(archivedList.some((entry) => entry.id === Number(plain.body.id)));
      assert.ok(!((await call('GET', '/api/v1/catalog/products', reader)).body.data as ProductBody[]).some((entry) => entry.id === Number(plain.body.id)));
    });

    test('a duplicate external_id is 409 catalog.external_id_taken and changes nothing', async () => {
      const before = await snapshot();
      const again = await call('POST', '/api/v1/catalog/products', writer, { external_id: 'SKU-THERMOS', title: 'Другой термос', price_minor: 100 });
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.equal(again.body.error?.code, 'catalog.external_id_taken');
      const other = await call('POST', '/api/v1/catalog/products', writer, { title: 'Чайник', price_minor: 500_000, stock: 1 });
      const renamed = await call('PATCH', `/api/v1/catalog/products/${other.body.id}`, writer, { external_id: 'SKU-THERMOS' });
      assert.equal(renamed.status, 409);
      assert.equal(renamed.body.error?.code, 'catalog.external_id_taken');
      const category = await call('POST', '/api/v1/catalog/categories', writer, { title: 'Ещё', external_id: 'CAT-DISHES' });
      assert.equal(category.status, 409);
      const unknown = await call('POST', '/api/v1/catalog/products', writer, { title: 'Без категории', price_minor: 1, category_id: 999_999 });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error?.code, 'catalog.unknown_category');
      const negative = await call('POST', '/api/v1/catalog/products', writer, { title: 'Минус', price_minor: -1 });
      assert.equal(negative.status, 400);
      await call('DELETE', `/api/v1/catalog/products/${other.body.id}`, writer);
      const db = lavka.app.database.db;
      assert.equal((await db.selectFrom('catalog_products').select('id').where('external_id', '=', 'SKU-THERMOS').execute()).length, 1);
      const kettle = await db.selectFrom('catalog_products').select('external_id').where('id', '=', Number(other.body.id)).executeTakeFirstOrThrow();
      assert.equal(kettle.external_id, null, 'the refused rename left the kettle without an external_id');
      const after = JSON.parse(await snapshot()) as unknown[][];
      assert.equal(after[1]?.length, (JSON.parse(before) as unknown[][])[1]!.length + 1, 'only the kettle was added');
    });

    test('a bulk upsert creates the new, updates the changed and leaves the unchanged alone, in one answer', async () => {
      const items = [
        { external_id: 'SKU-MUG-RED', category_external_id: 'CAT-DISHES', title: 'Кружка красная', price_minor: 350_000, stock: 12 },
        { external_id: 'SKU-MUG-BLUE', category_external_id: 'CAT-DISHES', title: 'Кружка синяя', price_minor: 350_000, stock: 8, translations: { kk: { title: 'Көк саптыаяқ' } } },
      ];
      const first = await call('POST', '/api/v1/catalog/products/bulk', writer, { items });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual([first.body.created, first.body.updated, first.body.unchanged], [2, 0, 0]);
      const ids = new Map((first.body.items as { external_id: string; product_id: number }[]).map((item) => [item.external_id, item.product_id]));
      const red = await lavka.app.database.db.selectFrom('catalog_products').select(['updated_at']).where('id', '=', ids.get('SKU-MUG-RED') as number).executeTakeFirstOrThrow();

      const second = await call('POST', '/api/v1/catalog/products/bulk', writer, {
        items: [
          items[0],
          { ...items[1], price_minor: 330_000, stock: 5 },
          {
            external_id: 'SKU-THERMOS',
            title: 'Термос',
            price_minor: 1_299_000,
            variants: [{ external_id: 'SKU-THERMOS-1', title: '1 л', price_minor: 1_399_000, stock: 9, options: { volume: '1' } }],
          },
          { external_id: 'SKU-PLATE', title: 'Тарелка', currency: 'KZT', price_minor: 250_000, stock: 30, digital: false },
        ],
      });
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.deepEqual([second.body.created, second.body.updated, second.body.unchanged], [1, 2, 1]);
      const outcomes = second.body.items as { external_id: string; product_id: number; status: string; variants: { external_id: string; variant_id: number }[] }[];
      assert.deepEqual(outcomes.map((item) => [item.external_id, item.status]), [
        ['SKU-MUG-RED', 'unchanged'],
        ['SKU-MUG-BLUE', 'updated'],
        ['SKU-THERMOS', 'updated'],
        ['SKU-PLATE', 'created'],
      ]);
      assert.equal(outcomes[0]?.product_id, ids.get('SKU-MUG-RED'), 'matched by SKU, the same product');
      const redAfter = await lavka.app.database.db.selectFrom('catalog_products').select(['updated_at']).where('id', '=', ids.get('SKU-MUG-RED') as number).executeTakeFirstOrThrow();
      assert.equal(Number(redAfter.updated_at), Number(red.updated_at), 'an unchanged product is not written');

      const blue = product(await call('GET', `/api/v1/catalog/products/${ids.get('SKU-MUG-BLUE')}`, reader));
      assert.deepEqual([blue.price_minor, blue.stock, blue.translations.kk?.title], [330_000, 5, 'Көк саптыаяқ']);
      const thermos = product(await call('GET', `/api/v1/catalog/products/${outcomes[2]?.product_id}`, reader));
      assert.deepEqual(thermos.variants.map((variant) => [variant.external_id, variant.price_minor, variant.stock]), [['SKU-THERMOS-1', 1_399_000, 9]], 'the variant left out is archived');
      assert.equal(thermos.translations.kk?.title, 'Термос-кк', 'translations the batch does not name are kept');
    });

    test('a batch with a wrong item is refused whole, with each wrong item and field, and changes nothing', async () => {
      const before = await snapshot();
      const answer = await call('POST', '/api/v1/catalog/products/bulk', writer, {
        items: [
          { external_id: 'SKU-NEW-1', title: 'Новая кружка', price_minor: 100_000, stock: 1 },
          { external_id: 'SKU-MUG-RED', title: 'Кружка красная', price_minor: -5 },
          { external_id: 'SKU-NEW-2', title: 'Вилка', price_minor: 10_000, category_external_id: 'NO-SUCH-CATEGORY' },
          { external_id: 'SKU-NEW-1', title: 'Дубль', price_minor: 1 },
          { external_id: 'SKU-NEW-3', title: 'Нож', price: 7490 },
          { external_id: 'SKU-NEW-4', title: 'Доллары', price_minor: 100, currency: 'USD' },
        ],
      });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error?.code, 'catalog.batch_invalid');
      const wrong = answer.body.error?.details?.items as { index: number; field: string; code: string; message: string }[];
      const named = (index: number, field: string, code: string) => wrong.some((item) => item.index === index && item.field === field && item.code === code);
      assert.ok(named(1, 'price_minor', 'catalog.invalid_field'), JSON.stringify(wrong));
      assert.ok(named(2, 'category_external_id', 'catalog.unknown_category'));
      assert.ok(named(3, 'external_id', 'catalog.duplicate_in_batch'));
      assert.ok(named(4, 'price_minor', 'catalog.invalid_field'), 'a price sent as "price" is named: price_minor is missing');
      assert.ok(wrong.some((item) => item.index === 4 && item.message.includes('price')), 'and the unknown key "price" too');
      assert.ok(named(5, 'currency', 'catalog.currency_mismatch'));
      assert.deepEqual([...new Set(wrong.map((item) => item.index))], [1, 2, 3, 4, 5]);
      assert.equal(await snapshot(), before, 'nothing was written, not even the good item');

      const tooMany = await call('POST', '/api/v1/catalog/products/bulk', writer, { items: Array.from({ length: 501 }, (_, index) => ({ external_id: `X-${index}`, title: 'x', price_minor: 1 })) });
      assert.equal(tooMany.status, 400);
      assert.equal(await snapshot(), before);
    });

    test('a key with only catalog:read reads but cannot write: 403 and nothing changed', async () => {
      const before = await snapshot();
      const attempts: [string, string, unknown][] = [
        ['POST', '/api/v1/catalog/products', { title: 'Чужой', price_minor: 1 }],
        ['POST', '/api/v1/catalog/products/bulk', { items: [{ external_id: 'SKU-MUG-RED', title: 'Взлом', price_minor: 1 }] }],
        ['POST', '/api/v1/catalog/categories', { title: 'Чужая' }],
      ];
      const [thermos] = (await call('GET', '/api/v1/catalog/products?external_id=SKU-THERMOS', reader)).body.data as ProductBody[];
      attempts.push(['PUT', `/api/v1/catalog/products/${thermos!.id}/variants/${thermos!.variants[0]!.id}/stock`, { quantity: 0 }]);
      attempts.push(['DELETE', `/api/v1/catalog/products/${thermos!.id}`, undefined]);
      for (const [method, url, body] of attempts) {
        const answer = await call(method, url, reader, body);
        assert.equal(answer.status, 403, `${method} ${url}`);
        assert.equal(answer.body.error?.code, 'api.scope_missing');
      }
      assert.equal(await snapshot(), before);
    });

    test('a product created through the API is shown to a customer in the bot in their language', async () => {
      const created = await call('POST', '/api/v1/catalog/products', writer, {
        external_id: 'SKU-TEAPOT',
        category_id: categoryId,
        title: 'Заварочный чайник',
        description: 'Фарфор',
        translations: { kk: { title: 'Шәйнек', description: 'Фарфор шәйнек' } },
        price_minor: 790_000,
        stock: 2,
      });
      assert.equal(created.status, 201);
      await customer.send(`/start p_${created.body.id}`);
      const card = await customer.waitForMessage((message) => textOf(message).startsWith('Шәйнек'), { timeoutMs: 8000 });
      assert.ok(textOf(card).includes('Фарфор шәйнек'), textOf(card));
      assert.ok(/7\s?900/.test(textOf(card)), `the price in tenge: ${textOf(card)}`);
      assert.ok(buttonsOf(card).length > 0, 'with the card buttons (add to cart)');

      const hidden = await call('PATCH', `/api/v1/catalog/products/${created.body.id}`, writer, { hidden: true });
      assert.equal(hidden.status, 200, JSON.stringify(hidden.body));
      assert.equal(await lavka.app.services.catalog?.product(Number(created.body.id), 'kk'), undefined, 'hidden through the API: gone from the bot');
    });
  });
}
