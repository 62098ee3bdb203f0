// The catalogue as staff edit it through the admin API: the category tree, products, variants,
// photos and the CSV round trip, on SQLite and PostgreSQL. The customer's side is checked with
// the same service the bot uses (search, category pages, quotes).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { startShopServices, type ShopServices } from '../../../test/support/shop.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { jpegBytes } from '../../../test/support/mesh-fixtures.ts';
import { encodePng } from '../../media/png.ts';
import { formatPriceMajor, parseCsv, parsePriceMinor, readCatalogCsv } from './catalog.csv.ts';
import type { StaffCategoryView, StaffProductView } from './catalog.views.ts';
import { moduleRoutes } from '../../../test/support/module-routes.ts';

/** A multipart/form-data body with one file, as a browser sends it. */
function multipartBody(bytes: Uint8Array, filename: string, type: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----lavka-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    Buffer.from(bytes),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The smallest WebP header the sniffing and the simulator read (VP8L, 1×1). */
function webpBytes(): Uint8Array {
  const bytes = Buffer.alloc(40);
  bytes.write('RIFF', 0, 'ascii');
  bytes.writeUInt32LE(32, 4);
  bytes.write('WEBPVP8L', 8, 'ascii');
  bytes.writeUInt32LE(8, 16);
  bytes[20] = 0x2f;
  return bytes;
}

describe('the catalogue CSV format', () => {
  test('fields may be quoted, hold the delimiter, quotes and line breaks; semicolons and a BOM are understood', () => {
    const parsed = parseCsv('\ufefftype;title_ru;price\r\nproduct;"Худи; серое ""Лавка""\nновое";7 490,50\n');
    assert.ok(!('error' in parsed));
    assert.equal(parsed.delimiter, ';');
    assert.deepEqual(parsed.rows, [
      ['type', 'title_ru', 'price'],
      ['product', 'Худи; серое "Лавка"\nновое', '7 490,50'],
    ]);
    assert.deepEqual(parseCsv('a,"b\nc'), { error: 'import.unclosed_quote', row: 1 });
  });

  test('rows may end in CRLF, LF or CR, a stray quote inside a field stays text, and an unclosed quote names the line its row starts on', () => {
    const parsed = parseCsv('type,title_ru\rproduct,Кружка 5"\nproduct,"Две\nстроки"\r\n\r\nvariant,M');
    assert.ok(!('error' in parsed));
    assert.equal(parsed.delimiter, ',');
    assert.deepEqual(parsed.rows, [['type', 'title_ru'], ['product', 'Кружка 5"'], ['product', 'Две\nстроки'], [''], ['variant', 'M']]);
    assert.deepEqual(parseCsv('type,title_ru\nproduct,"Две\nстроки"\nproduct,"Кружка\nvariant,M'), { error: 'import.unclosed_quote', row: 4 });
  });

  test('prices are read exactly in minor units and written back as people write them', () => {
    assert.equal(parsePriceMinor('7490', 'KZT'), 749_000);
    assert.equal(parsePriceMinor('7 490,5', 'KZT'), 749_050);
    assert.equal(parsePriceMinor('0.07', 'KZT'), 7);
    assert.equal(parsePriceMinor('1.005', 'KZT'), undefined, 'more decimals than the currency has');
    assert.equal(parsePriceMinor('-5', 'KZT'), undefined);
    assert.equal(parsePriceMinor('abc', 'KZT'), undefined);
    assert.equal(formatPriceMajor(749_000, 'KZT'), '7490');
    assert.equal(formatPriceMajor(749_050, 'KZT'), '7490.5');
    assert.equal(formatPriceMajor(7, 'KZT'), '0.07');
  });

  test('every bad row is reported with its number and column, not only the first', () => {
    const header = 'type,product_id,variant_id,category_id,title_ru,title_kk,title_en,description_ru,description_kk,description_en,price,stock,hidden';
    const { issues, plan } = readCatalogCsv(
      [header, 'product,,,,Кружка,,,,,,1500,3,0', 'thing,,,,X,,,,,,1,1,0', 'product,,,,,,,,,,12.345,-1,maybe', 'variant,,,,Большая,,,,,,1700,2,'].join('\n'),
      'KZT',
    );
    assert.deepEqual(
      issues.map((issue) => [issue.row, issue.code]),
      [
        [3, 'import.bad_type'],
        [4, 'import.bad_price'],
        [4, 'import.bad_stock'],
        [4, 'import.no_title'],
        [4, 'import.bad_hidden'],
      ],
    );
    assert.match(issues[1]?.message ?? '', /^Row 4: The price "12.345" is not an amount/);
    // The variant under the broken product row belongs to no new product of the plan.
    assert.equal(plan.variants.length, 0);
    assert.deepEqual(readCatalogCsv('type,title_ru\nproduct,X', 'KZT').issues.map((issue) => issue.code), ['import.missing_columns']);
  });
});

for (const dialect of await testDialects()) {
  describe(`the catalogue editor on ${dialect.name}`, () => {
    let target: TestDatabase;
    let shop: ShopServices;
    let app: FastifyInstance;

    before(async () => {
      target = await dialect.create();
      shop = await startShopServices(target);
      await shop.services.catalog.seed(shop.config.demo.catalog);
      const routes = shop.modules.find((item) => item.name === 'catalog')?.instance.routes;
      assert.ok(routes);
      app = Fastify();
      await app.register(moduleRoutes(shop.modules.find((item) => item.name === 'catalog')), { prefix: '/api/catalog' });
    });
    after(async () => {
      await app?.close();
      await shop?.close();
      await target?.drop();
    });

    const call = async <T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown, status = 200): Promise<T> => {
      const response = await app.inject({ method, url: `/api/catalog${url}`, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
      assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
      return response.json() as T;
    };
    const categories = async () => (await call<{ categories: StaffCategoryView[] }>('GET', '/categories')).categories;

    test('staff build the category tree: create, rename per language, move, reorder and hide; a move into its own subtree is refused', async () => {
      const shoes = (await call<{ category: { id: number } }>('POST', '/categories', { title: { ru: 'Обувь', en: 'Shoes' } }, 201)).category;
      const boots = (await call<{ category: { id: number } }>('POST', '/categories', { parentId: shoes.id, title: { ru: 'Ботинки' } }, 201)).category;
      const winter = (await call<{ category: { id: number } }>('POST', '/categories', { parentId: boots.id, title: { ru: 'Зимние' } }, 201)).category;
      const tops = await categories();
      assert.equal(tops.find((item) => item.id === shoes.id)?.position, Math.max(...tops.filter((item) => item.parentId === null).map((item) => item.position)), 'a new category goes last');

      await call('PATCH', `/categories/${boots.id}`, { title: { ru: 'Сапоги', kk: 'Етік', en: '' } });
      const renamed = (await categories()).find((item) => item.id === boots.id);
      assert.deepEqual(renamed?.titles, { ru: 'Сапоги', kk: 'Етік' });
      assert.equal((await shop.services.catalog.category(boots.id, 'kk'))?.title, 'Етік');

      const cycle = await app.inject({ method: 'PATCH', url: `/api/catalog/categories/${shoes.id}`, payload: { parentId: winter.id } });
      assert.equal(cycle.statusCode, 409);
      assert.equal(cycle.json().error, 'catalog.category_cycle');
      assert.equal((await app.inject({ method: 'PATCH', url: `/api/catalog/categories/${shoes.id}`, payload: { parentId: shoes.id } })).statusCode, 409);

      // Winter boots move to the top level, then to the front of it.
      await call('PATCH', `/categories/${winter.id}`, { parentId: null });
      const roots = (await categories()).filter((item) => item.parentId === null).sort((a, b) => a.position - b.position).map((item) => item.id);
      assert.equal(roots.at(-1), winter.id);
      await call('PUT', '/categories/order', { parentId: null, ids: [winter.id, ...roots.filter((id) => id !== winter.id)] });
      const page = await shop.services.catalog.categoryPage(null, 1, 'ru', 20);
      assert.equal(page?.entries[0]?.kind === 'category' ? page.entries[0].category.id : 0, winter.id, 'customers see the new order');
      const mismatch = await app.inject({ method: 'PUT', url: '/api/catalog/categories/order', payload: { parentId: null, ids: [winter.id] } });
      assert.equal(mismatch.statusCode, 409, 'a partial list is refused');

      // Hidden: gone from the customer's tree, and its products from search.
      const product = (await call<{ product: StaffProductView }>('POST', '/products', { categoryId: boots.id, title: { ru: 'Сапоги «Тундра-77»' }, priceMinor: 2_500_000, stock: 4 }, 201)).product;
      assert.equal((await shop.services.catalog.search('тундра-77', 1, 'ru')).window.total, 1);
      await call('PATCH', `/categories/${shoes.id}`, { hidden: true });
      assert.equal(await shop.services.catalog.categoryPage(shoes.id, 1, 'ru'), undefined);
      assert.equal((await shop.services.catalog.search('тундра-77', 1, 'ru')).window.total, 0, 'a product below a hidden category is not found');
      await call('PATCH', `/categories/${shoes.id}`, { hidden: false });
      assert.equal((await shop.services.catalog.search('тундра-77', 1, 'ru')).window.total, 1);
      assert.equal((await categories()).find((item) => item.id === boots.id)?.productCount, 1);
      await call('POST', `/products/${product.id}/archive`, {});
    });

    test('a product staff create is sold to customers in every language; edits, hiding and archiving show at once', async () => {
      const created = (
        await call<{ product: StaffProductView }>(
          'POST',
          '/products',
          { title: { ru: 'Термос «Лавка»', kk: 'Термос «Лавка» қазақша', en: 'Lavka flask' }, description: { ru: 'Держит тепло 12 часов, колпачок-чашка' }, priceMinor: 990_000, stock: 7 },
          201,
        )
      ).product;
      assert.equal(created.hidden, false);
      assert.equal((await shop.services.catalog.search('flask', 1, 'en')).products[0]?.title, 'Lavka flask');
      assert.equal((await shop.services.catalog.search('колпачок-чашка', 1, 'ru')).products[0]?.id, created.id, 'the description is searchable');

      const edited = (await call<{ product: StaffProductView }>('PATCH', `/products/${created.id}`, { title: { ru: 'Термос большой', en: 'Big flask' }, priceMinor: 1_090_000, stock: 2 })).product;
      assert.deepEqual(edited.titles, { ru: 'Термос большой', en: 'Big flask' });
      assert.deepEqual(edited.descriptions, { ru: 'Держит тепло 12 часов, колпачок-чашка' }, 'the description is kept');
      assert.equal((await shop.services.catalog.product(created.id, 'en'))?.priceMinor, 1_090_000);
      assert.equal((await shop.services.catalog.search('flask', 1, 'en')).products[0]?.title, 'Big flask');
      assert.equal((await shop.services.catalog.search('қазақша', 1, 'kk')).window.total, 0, 'the removed Kazakh title is no longer searched');

      await call('PATCH', `/products/${created.id}`, { hidden: true });
      assert.equal(await shop.services.catalog.product(created.id, 'en'), undefined, 'customers do not see a hidden product');
      assert.equal((await shop.services.catalog.quote([{ productId: created.id, variantId: null }], 'en')).size, 0, 'nor buy it');
      const hiddenList = await call<{ products: StaffProductView[] }>('GET', '/products?visibility=hidden');
      assert.deepEqual(hiddenList.products.map((item) => item.id), [created.id]);
      await call('PATCH', `/products/${created.id}`, { hidden: false });
      assert.ok(await shop.services.catalog.product(created.id, 'en'));

      const bad = await app.inject({ method: 'POST', url: '/api/catalog/products', payload: { title: { ru: '' }, priceMinor: 10 } });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().message, /title/);
      assert.equal((await app.inject({ method: 'POST', url: '/api/catalog/products', payload: { title: { ru: 'X' }, priceMinor: 10, categoryId: 999_999 } })).statusCode, 400);

      await call('POST', `/products/${created.id}/archive`, {});
      assert.equal((await app.inject({ method: 'GET', url: `/api/catalog/products/${created.id}` })).statusCode, 404);
      assert.equal((await app.inject({ method: 'POST', url: `/api/catalog/products/${created.id}/archive`, payload: {} })).statusCode, 404);
    });

    test('variants have their own price and stock; removing one takes it out of sale', async () => {
      const product = (await call<{ product: StaffProductView }>('POST', '/products', { title: { ru: 'Носки' }, priceMinor: 150_000 }, 201)).product;
      const withS = (await call<{ product: StaffProductView }>('POST', `/products/${product.id}/variants`, { title: { ru: 'S', en: 'Small' }, priceMinor: 150_000, stock: 5 }, 201)).product;
      const withL = (await call<{ product: StaffProductView }>('POST', `/products/${product.id}/variants`, { title: { ru: 'L' }, priceMinor: 180_000, stock: 0 }, 201)).product;
      assert.equal(withS.variants.length, 1);
      const [small, large] = withL.variants;
      assert.ok(small && large);
      assert.equal(withL.priceVaries, true);
      assert.equal(withL.fromPriceMinor, 150_000);
      const restocked = (await call<{ product: StaffProductView }>('PATCH', `/products/${product.id}/variants/${large.id}`, { stock: 9, priceMinor: 190_000 })).product;
      assert.equal(restocked.totalStock, 14);
      const quote = await shop.services.catalog.quote([{ productId: product.id, variantId: large.id }], 'ru');
      assert.equal(quote.get(`${product.id}:${large.id}`)?.unitPriceMinor, 190_000);
      assert.equal((await shop.services.catalog.search('small', 1, 'en')).products[0]?.id, product.id, 'variant titles are searchable');

      const other = (await call<{ product: StaffProductView }>('POST', '/products', { title: { ru: 'Другое' }, priceMinor: 1 }, 201)).product;
      assert.equal((await app.inject({ method: 'PATCH', url: `/api/catalog/products/${other.id}/variants/${small.id}`, payload: { stock: 1 } })).statusCode, 404, "another product's variant");
      const removed = (await call<{ product: StaffProductView }>('DELETE', `/products/${product.id}/variants/${small.id}`)).product;
      assert.deepEqual(removed.variants.map((variant) => variant.id), [large.id]);
      assert.equal((await shop.services.catalog.quote([{ productId: product.id, variantId: small.id }], 'ru')).size, 0);
      assert.equal((await app.inject({ method: 'PATCH', url: `/api/catalog/products/${product.id}/variants/${large.id}`, payload: {} })).statusCode, 400, 'an empty change');
    });

    test('a photo is accepted by its bytes (PNG, JPEG, WebP), refused when it is anything else or over 10 MB, and a new one resets the Telegram file_id', async () => {
      const product = (await call<{ product: StaffProductView }>('POST', '/products', { title: { ru: 'Фото' }, priceMinor: 100 }, 201)).product;
      const upload = (bytes: Uint8Array, name: string, type: string) => app.inject({ method: 'PUT', url: `/api/catalog/products/${product.id}/photo`, ...multipartBody(bytes, name, type) });

      const png = encodePng(2, 2, new Uint8Array(12).fill(200));
      const first = await upload(png, 'a.png', 'image/png');
      assert.equal(first.statusCode, 200, first.body);
      const firstId = first.json().photoId as number;
      await shop.services.catalog.rememberPhotoFileId(firstId, 'AgAC-old-file-id');
      assert.equal((await shop.services.catalog.photo(product.id))?.fileId, 'AgAC-old-file-id');

      // A JPEG named .png is still a JPEG: the bytes decide.
      const second = await upload(jpegBytes(4096), 'looks-like.png', 'image/png');
      assert.equal(second.statusCode, 200, second.body);
      const source = await shop.services.catalog.photo(product.id);
      assert.equal(source?.photoId, second.json().photoId);
      assert.equal(source?.fileId, null, 'the bot uploads the new photo instead of sending the old one');
      assert.equal((await shop.services.catalog.photoBytes(source.photoId))?.mime_type, 'image/jpeg');
      const served = await app.inject({ method: 'GET', url: `/api/catalog/photos/${source.photoId}` });
      assert.equal(served.headers['content-type'], 'image/jpeg');
      assert.equal((await app.inject({ method: 'GET', url: `/api/catalog/photos/${firstId}` })).statusCode, 404, 'the old photo is gone');

      assert.equal((await upload(webpBytes(), 'x.webp', 'image/webp')).statusCode, 200);
      assert.equal((await shop.services.catalog.photoBytes((await shop.services.catalog.photo(product.id))?.photoId ?? 0))?.mime_type, 'image/webp');

      const script = await upload(Buffer.from('<svg onload="alert(1)"></svg>'), 'x.png', 'image/png');
      assert.equal(script.statusCode, 415);
      assert.equal(script.json().error, 'catalog.photo_type');
      const huge = Buffer.alloc(10 * 1024 * 1024 + 1);
      huge.set(png.subarray(0, 8));
      const tooLarge = await upload(huge, 'big.png', 'image/png');
      assert.equal(tooLarge.statusCode, 413);
      assert.equal(tooLarge.json().error, 'catalog.photo_too_large');
      const notMultipart = await app.inject({ method: 'PUT', url: `/api/catalog/products/${product.id}/photo`, payload: {} });
      assert.equal(notMultipart.statusCode, 400);
      assert.equal((await shop.services.catalog.photoBytes((await shop.services.catalog.photo(product.id))?.photoId ?? 0))?.mime_type, 'image/webp', 'refused uploads changed nothing');
      assert.equal((await call<{ removed: boolean }>('DELETE', `/products/${product.id}/photo`)).removed, true);
      assert.equal(await shop.services.catalog.photo(product.id), undefined);
    });

    test('the CSV export imports back unchanged, and an edited file updates, adds products with their variants in one go', async () => {
      const exported = await app.inject({ method: 'GET', url: '/api/catalog/export.csv' });
      assert.equal(exported.statusCode, 200);
      assert.match(String(exported.headers['content-disposition']), /catalog\.csv/);
      const csv = exported.body;
      assert.ok(csv.startsWith('\ufefftype,product_id,variant_id'));
      const before = await shop.services.catalog.exportCsv();

      const same = await call<{ summary: { productsUpdated: number; productsCreated: number } }>('POST', '/import', { csv });
      assert.equal(same.summary.productsCreated, 0);
      assert.ok(same.summary.productsUpdated >= 15);
      assert.equal((await shop.services.catalog.exportCsv()).csv.toString('utf8'), before.csv.toString('utf8'), 'a round trip changes nothing');

      const tee = (await shop.services.catalog.search('Lavka T-shirt', 1, 'en')).products[0];
      assert.ok(tee);
      const variant = tee.variants[0];
      assert.ok(variant);
      const lines = csv.replace(/^\ufeff/, '').trimEnd().split('\r\n');
      const edited = lines.map((line) => (line.startsWith(`variant,${tee.id},${variant.id},`) ? line.replace(/,[\d.]+,\d+,,,$/, ',7777,42,,,') : line));
      // Excel in Russian saves with semicolons; a new product with two variants is added at the end.
      const semicolons = [...edited, 'product,,,,Шарф,Шарф,Scarf,,,,3000,0,0', 'variant,,,,Красный,,Red,,,,3100,4,', 'variant,,,,Синий,,Blue,,,,3200,5,']
        .map((line) => parseCsv(line))
        .map((parsed) => ('error' in parsed ? '' : (parsed.rows[0] ?? []).map((cell) => (/[;"\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(';')))
        .join('\n');
      const checked = await call<{ issues: unknown[]; products: { create: number }; variants: { create: number } }>('POST', '/import/check', { csv: semicolons });
      assert.deepEqual(checked.issues, []);
      assert.equal(checked.products.create, 1);
      assert.equal(checked.variants.create, 2);
      const applied = await call<{ summary: { productsCreated: number; variantsCreated: number } }>('POST', '/import', { csv: semicolons });
      assert.equal(applied.summary.productsCreated, 1);
      assert.equal(applied.summary.variantsCreated, 2);
      const quote = await shop.services.catalog.quote([{ productId: tee.id, variantId: variant.id }], 'en');
      assert.equal(quote.get(`${tee.id}:${variant.id}`)?.unitPriceMinor, 777_700);
      assert.equal(quote.get(`${tee.id}:${variant.id}`)?.stock, 42);
      const scarf = (await shop.services.catalog.search('scarf', 1, 'en')).products[0];
      assert.deepEqual(scarf?.variants.map((item) => [item.title, item.priceMinor, item.stock]), [
        ['Red', 310_000, 4],
        ['Blue', 320_000, 5],
      ]);
    });

    test('staff mark a product digital in the panel or the CSV; a file without the digital column keeps the flag', async () => {
      const created = (await call<{ product: StaffProductView }>('POST', '/products', { title: { ru: 'Электронная книга', en: 'E-book' }, priceMinor: 500_000, stock: 100 }, 201)).product;
      assert.equal(created.digital, false, 'a new product is physical unless marked');
      const marked = (await call<{ product: StaffProductView }>('PATCH', `/products/${created.id}`, { digital: true })).product;
      assert.equal(marked.digital, true);
      assert.deepEqual([...(await shop.services.catalog.digitalProductIds([created.id, created.id + 1_000_000]))], [created.id]);

      const header = 'type,product_id,variant_id,category_id,title_ru,title_kk,title_en,description_ru,description_kk,description_en,price,stock,hidden';
      const exported = (await shop.services.catalog.exportCsv()).csv.toString('utf8').replace(/^\ufeff/, '').split('\r\n');
      assert.equal(exported[0], `${header},digital,external_id`);
      assert.ok(exported.some((line) => line.startsWith(`product,${created.id},`) && line.endsWith(',0,1,')), 'the export says it is digital');
      // A file saved before products could be marked digital changes the price, not the flag.
      await call('POST', '/import', { csv: [header, `product,${created.id},,,Электронная книга,,E-book,,,,6000,100,0`].join('\n') });
      assert.deepEqual([(await call<{ product: StaffProductView }>('GET', `/products/${created.id}`)).product.digital, (await shop.services.catalog.product(created.id, 'en'))?.priceMinor], [true, 600_000]);
      await call('POST', '/import', { csv: [`${header},digital`, `product,${created.id},,,Электронная книга,,E-book,,,,6000,100,0,нет`].join('\n') });
      assert.equal((await call<{ product: StaffProductView }>('GET', `/products/${created.id}`)).product.digital, false);
      const bad = await app.inject({ method: 'POST', url: '/api/catalog/import', payload: { csv: [`${header},digital`, `product,${created.id},,,Электронная книга,,E-book,,,,6000,100,0,maybe`].join('\n') } });
      assert.equal(bad.statusCode, 422);
      assert.deepEqual((bad.json() as { details: { issues: { row: number; code: string }[] } }).details.issues.map((issue) => [issue.row, issue.code]), [[2, 'import.bad_digital']]);
      assert.equal((await call<{ product: StaffProductView }>('GET', `/products/${created.id}`)).product.digital, false, 'a refused file changes nothing');
      await call('POST', `/products/${created.id}/archive`, {});
    });

    test("the CSV carries the back office's ids: exported, set and cleared by a file, kept by a file without the column, never given twice", async () => {
      const header = 'type,product_id,variant_id,category_id,title_ru,title_kk,title_en,description_ru,description_kk,description_en,price,stock,hidden,digital,external_id';
      const created = (await call<{ product: StaffProductView }>('POST', '/products', { title: { ru: 'Блокнот', en: 'Notepad' }, priceMinor: 150_000, stock: 5 }, 201)).product;
      const other = (await call<{ product: StaffProductView }>('POST', '/products', { title: { ru: 'Ручка', en: 'Pen' }, priceMinor: 50_000, stock: 5 }, 201)).product;
      const row = (id: number, externalId: string) => `product,${id},,,Блокнот,,Notepad,,,,1500,5,0,0,${externalId}`;
      const externalIdOf = async (id: number) => (await shop.database.db.selectFrom('catalog_products').select('external_id').where('id', '=', id).executeTakeFirstOrThrow()).external_id;

      await call('POST', '/import', { csv: [header, row(created.id, 'SKU-NOTE')].join('\n') });
      assert.equal(await externalIdOf(created.id), 'SKU-NOTE');
      const exported = (await shop.services.catalog.exportCsv()).csv.toString('utf8').split('\r\n');
      assert.ok(exported.some((line) => line.startsWith(`product,${created.id},`) && line.endsWith(',SKU-NOTE')), 'the export writes it');
      // A file saved before the column existed keeps the id.
      await call('POST', '/import', { csv: [header.replace(',external_id', ''), `product,${created.id},,,Блокнот,,Notepad,,,,1600,5,0,0`].join('\n') });
      assert.equal(await externalIdOf(created.id), 'SKU-NOTE');

      const before = (await shop.services.catalog.exportCsv()).csv.toString('utf8');
      const taken = await app.inject({ method: 'POST', url: '/api/catalog/import', payload: { csv: [header, row(other.id, 'SKU-NOTE')].join('\n') } });
      assert.equal(taken.statusCode, 422);
      assert.deepEqual((taken.json() as { details: { issues: { row: number; code: string }[] } }).details.issues.map((issue) => [issue.row, issue.code]), [[2, 'import.external_id_taken']]);
      const twice = await app.inject({ method: 'POST', url: '/api/catalog/import', payload: { csv: [header, row(created.id, 'SKU-X'), 'product,,,,Новый,,,,,,100,1,0,0,SKU-X'].join('\n') } });
      assert.deepEqual((twice.json() as { details: { issues: { row: number; code: string }[] } }).details.issues.map((issue) => [issue.row, issue.code]), [[3, 'import.duplicate_external_id']]);
      assert.equal((await shop.services.catalog.exportCsv()).csv.toString('utf8'), before, 'refused files change nothing');

      await call('POST', '/import', { csv: [header, row(created.id, '')].join('\n') });
      assert.equal(await externalIdOf(created.id), null, 'an empty cell clears it');
      for (const id of [created.id, other.id]) await call('POST', `/products/${id}/archive`, {});
    });

    test('an import with any wrong row changes nothing and names every problem in plain words', async () => {
      const before = (await shop.services.catalog.exportCsv()).csv.toString('utf8');
      const tee = (await shop.services.catalog.search('Lavka T-shirt', 1, 'en')).products[0];
      const mug = (await shop.services.catalog.search('Lavka mug', 1, 'en')).products[0];
      assert.ok(tee && mug);
      const csv = [
        'type,product_id,variant_id,category_id,title_ru,title_kk,title_en,description_ru,description_kk,description_en,price,stock,hidden',
        `product,${mug.id},,,Кружка новая,,,,,,1,1,0`,
        'product,,,,Новый товар,,,,,,100,1,0',
        'product,999999,,,Нет такого,,,,,,100,1,0',
        `variant,${mug.id},${tee.variants[0]?.id},,Чужой вариант,,,,,,1,1,`,
        'product,,,424242,Без категории,,,,,,1,1,0',
        'product,,,,Плохая цена,,,,,,сто,1,0',
      ].join('\n');
      const response = await app.inject({ method: 'POST', url: '/api/catalog/import', payload: { csv } });
      assert.equal(response.statusCode, 422);
      const body = response.json() as { error: string; message: string; details: { issues: { row: number; code: string; message: string }[] } };
      assert.equal(body.error, 'catalog.import_invalid');
      assert.deepEqual(
        body.details.issues.map((issue) => [issue.row, issue.code]),
        [
          [4, 'import.unknown_product'],
          [5, 'import.unknown_variant'],
          [6, 'import.unknown_category'],
          [7, 'import.bad_price'],
        ],
        'problems of reading and of ids are named together',
      );
      assert.equal(body.details.issues[0]?.message, 'Row 4: There is no product 999999 (or it was archived).');
      assert.equal((await shop.services.catalog.exportCsv()).csv.toString('utf8'), before, 'nothing was imported, not even the good rows');
      assert.equal((await shop.services.catalog.search('Новый товар', 1, 'ru')).window.total, 0);
    });
  });
}
