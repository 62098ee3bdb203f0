import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encode } from 'fast-png';
import type { SimUser } from '../../src/sim/index.ts';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { buttonsOf, textOf } from '../support/chat.ts';
import { buildCsv } from '../../src/export/csv.ts';
import { parseCsv } from '../../src/modules/catalog/catalog.csv.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { pickupOrder } from '../support/shop.ts';
import { testDialects } from '../support/services.ts';

const OWNER = 9601;
const CUSTOMER = 8601;

interface FeedRun {
  id: number;
  status: 'queued' | 'running' | 'ok' | 'failed';
  reason: string | null;
  message: string | null;
  offers: number | null;
  feedBytes: number | null;
  added: number;
  updated: number;
  unchanged: number;
  hidden: number;
  pictures: number;
  errorCount: number;
  errors: { ref: string; field: string; code: string; message: string }[];
}

/** Twenty small pictures, each a distinct PNG, as a shop's image server has them. */
const PICTURES = Array.from({ length: 20 }, (_, index) => Buffer.from(encode({ width: 2, height: 2, channels: 3, data: new Uint8Array(Array.from({ length: 12 }, () => index * 12)) })));

/** The shop's YML export: 60 T-shirt groups of three sizes, 119 mugs, one mug priced in dollars. */
function ymlFeed(base: string, options: { omit?: readonly string[]; price?: (offerId: string, price: number) => number } = {}): string {
  const omit = new Set(options.omit ?? []);
  const price = (id: string, value: number) => (options.price ? options.price(id, value) : value);
  const offers: string[] = [];
  for (let group = 1; group <= 60; group += 1) {
    for (const [size, extra] of [['S', 0], ['M', 0], ['L', 500]] as const) {
      const id = `G${group}-${size}`;
      if (omit.has(id)) continue;
      const available = size === 'L' && group % 10 === 0 ? 'false' : 'true';
      offers.push(`<offer id="${id}" group_id="G${group}" available="${available}">
        <name>Футболка «Степь» №${group}</name><price>${price(id, 5000 + group * 10 + extra)}</price><currencyId>KZT</currencyId>
        <categoryId>${group % 2 === 0 ? 2 : 3}</categoryId><picture>${base}/pic/${group % 20}.png</picture>
        <description><![CDATA[<p>Хлопок 100%.</p>]]></description><param name="Размер">${size}</param><count>${group % 7}</count></offer>`);
    }
  }
  for (let mug = 1; mug <= 119; mug += 1) {
    const id = `S${mug}`;
    if (omit.has(id)) continue;
    offers.push(`<offer id="${id}" available="true"><name>Кружка ${mug}</name><price>${price(id, 2000 + mug)}.00</price><currencyId>KZT</currencyId>
      <categoryId>5</categoryId><picture>${base}/pic/${mug % 20}.png</picture><vendorCode>MUG-${mug}</vendorCode><count>10</count></offer>`);
  }
  offers.push('<offer id="S-USD"><name>Imported mug</name><price>12</price><currencyId>USD</currencyId><categoryId>5</categoryId></offer>');
  return `<?xml version="1.0" encoding="UTF-8"?>
<yml_catalog date="2026-03-11 09:00"><shop><name>Степь</name><company>ТОО Степь</company><url>https://step.example.kz</url>
<currencies><currency id="KZT" rate="1"/></currencies>
<categories><category id="1">Одежда</category><category id="2" parentId="1">Футболки</category><category id="3" parentId="1">Лонгсливы</category>
<category id="4">Посуда</category><category id="5" parentId="4">Кружки</category></categories>
<offers>${offers.join('\n')}</offers></shop></yml_catalog>`;
}

for (const dialect of await testDialects()) {
  describe(`the catalogue feed: YML and CSV imported on demand, incrementally, a broken feed changing nothing (${dialect.name})`, () => {
    let lavka: TestLavka;
    let owner: StaffSession;
    let customer: SimUser;
    let dir: string;
    let server: http.Server;
    let base: string;
    const served = { body: '', status: 200, type: 'application/xml', pictureRequests: 0 };

    const staff = async (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => {
      const response = await lavka.app.http.inject({
        method,
        url,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
        ...(method === 'GET' ? {} : { payload: JSON.stringify(body ?? {}) }),
      });
      return { status: response.statusCode, body: response.json() as Record<string, unknown> & { error?: string; reason?: string } };
    };

    /** Presses "Import now" and waits for the run to finish. */
    const importNow = async (): Promise<FeedRun> => {
      const started = await staff('POST', '/api/catalog/feed/import');
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const id = (started.body.run as FeedRun).id;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const run = (await staff('GET', `/api/catalog/feed/runs/${id}`)).body.run as FeedRun;
        if (run.status === 'ok' || run.status === 'failed') return run;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.fail('the import did not finish');
    };

    const db = () => lavka.app.database.db;
    const productByExternal = (externalId: string) => db().selectFrom('catalog_products').selectAll().where('external_id', '=', externalId).executeTakeFirstOrThrow();
    /** The catalogue tables as they are, to prove a refused feed wrote nothing. */
    const snapshot = async () =>
      JSON.stringify([
        await db().selectFrom('catalog_categories').selectAll().orderBy('id').execute(),
        await db().selectFrom('catalog_products').selectAll().orderBy('id').execute(),
        await db().selectFrom('catalog_variants').selectAll().orderBy('id').execute(),
        await db().selectFrom('catalog_photos').select(['id', 'product_id', 'position', 'source_url']).orderBy('id').execute(),
      ]);

    before(async () => {
      server = http.createServer((request, response) => {
        const picture = /^\/pic\/(\d+)\.png$/.exec(request.url ?? '');
        if (picture) {
          served.pictureRequests += 1;
          response.writeHead(200, { 'content-type': 'image/png' }).end(PICTURES[Number(picture[1])]);
          return;
        }
        response.writeHead(served.status, { 'content-type': served.type }).end(served.body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      served.body = ymlFeed(base);
      dir = mkdtempSync(path.join(tmpdir(), 'lavka-catalog-feed-'));
      const config = path.join(dir, 'config.yaml');
      writeFileSync(config, `outgoing:\n  allowPrivate: ['127.0.0.1']\nsettings:\n  catalog:\n    feed:\n      url: ${base}/feed.yml\n      format: yml\n      pollMs: 50\n`);
      lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER], database: await dialect.create(), env: { LAVKA_CONFIG: config } });
      owner = (await staffSessions(lavka, OWNER)).get('owner') as StaffSession;
      customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Айгерим', language_code: 'kk' });
    });
    after(async () => {
      await lavka?.stop();
      await new Promise((resolve) => server?.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    test('a YML feed of 300 offers imports: categories with parents, grouped offers as variants, pictures, and the one offer in dollars reported and skipped', async () => {
      const run = await importNow();
      assert.equal(run.status, 'ok', JSON.stringify(run));
      assert.equal(run.offers, 300);
      assert.ok((run.feedBytes ?? 0) > 50_000, 'the feed size is recorded');
      assert.deepEqual([run.added, run.updated, run.unchanged, run.hidden], [179, 0, 0, 0], '60 T-shirts with sizes and 119 mugs');
      assert.equal(run.errorCount, 1);
      assert.deepEqual([run.errors[0]?.ref, run.errors[0]?.code], ['S-USD', 'catalog.currency_mismatch']);
      assert.equal(run.pictures, 179);
      assert.equal(served.pictureRequests, 179);

      const categories = await db().selectFrom('catalog_categories').selectAll().where('external_id', 'is not', null).execute();
      const byFeedId = new Map(categories.map((row) => [row.external_id, row]));
      assert.equal(categories.length, 5);
      assert.equal(byFeedId.get('5')?.parent_id, byFeedId.get('4')?.id, 'Кружки sits under Посуда');
      assert.equal(byFeedId.get('2')?.title, 'Футболки');

      const shirt = await productByExternal('G10');
      assert.equal(shirt.title, 'Футболка «Степь» №10');
      assert.equal(shirt.description, 'Хлопок 100%.');
      assert.equal(shirt.category_id, byFeedId.get('2')?.id);
      assert.equal(shirt.feed_status, 'listed');
      const variants = await db().selectFrom('catalog_variants').selectAll().where('product_id', '=', shirt.id).orderBy('position').execute();
      assert.deepEqual(
        variants.map((row) => [row.external_id, row.title, row.price_minor, row.stock, row.options]),
        [
          ['G10-S', 'S', 510_000, 3, '{"Размер":"S"}'],
          ['G10-M', 'M', 510_000, 3, '{"Размер":"M"}'],
          ['G10-L', 'L', 560_000, 0, '{"Размер":"L"}'],
        ],
        'available="false" sells nothing',
      );
      const mug = await productByExternal('S7');
      assert.deepEqual([mug.price_minor, mug.stock, mug.currency], [200_700, 10, 'KZT']);
      const photo = await db().selectFrom('catalog_photos').selectAll().where('product_id', '=', mug.id).executeTakeFirstOrThrow();
      assert.equal(photo.source_url, `${base}/pic/7.png`);
      assert.equal(photo.mime_type, 'image/png');
      assert.deepEqual(Buffer.from(photo.bytes as Uint8Array), PICTURES[7], 'the picture is kept, so the bot uploads it to Telegram itself');
      assert.equal(photo.url, null);
      assert.equal((await db().selectFrom('catalog_products').select('id').where('external_id', '=', 'S-USD').execute()).length, 0);
    });

    test('the same feed again changes nothing and downloads no picture', async () => {
      const before = await snapshot();
      const requests = served.pictureRequests;
      const run = await importNow();
      assert.equal(run.status, 'ok');
      assert.deepEqual([run.added, run.updated, run.unchanged, run.hidden, run.pictures], [0, 0, 179, 0, 0]);
      assert.equal(served.pictureRequests, requests);
      assert.equal(await snapshot(), before);
    });

    test('a re-import with changed prices updates them in place, hides the product no longer listed, and its order still reads', async () => {
      await customer.send('/start');
      const removed = await productByExternal('S50');
      const order = await lavka.app.services.orders!.place({ ...pickupOrder(CUSTOMER), lines: [{ kind: 'product', productId: removed.id, title: removed.title, unitPriceMinor: removed.price_minor, quantity: 2 }] });
      const cheaper = await productByExternal('S1');

      served.body = ymlFeed(base, { omit: ['S50'], price: (id, value) => (/^S([1-9]|10)$/.test(id) || id === 'G3-M' ? value + 100 : value) });
      const run = await importNow();
      assert.equal(run.status, 'ok', JSON.stringify(run));
      assert.deepEqual([run.added, run.updated, run.unchanged, run.hidden], [0, 11, 167, 1]);

      const repriced = await productByExternal('S1');
      assert.equal(repriced.id, cheaper.id, 'updated in place, same id');
      assert.equal(repriced.price_minor, 210_100);
      const size = await db().selectFrom('catalog_variants').selectAll().where('external_id', '=', 'G3-M').executeTakeFirstOrThrow();
      assert.equal(size.price_minor, 513_000);

      const hidden = await productByExternal('S50');
      assert.deepEqual([hidden.is_hidden, hidden.archived_at, hidden.feed_status], [1, null, 'delisted'], 'hidden, not deleted');
      assert.equal(await lavka.app.services.catalog?.product(hidden.id, 'kk'), undefined, 'customers no longer see it');
      const read = await staff('GET', `/api/orders/${order.id}`);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      const lines = (read.body.order as { lines: { product_id: number; title: string; quantity: number }[] }).lines;
      assert.deepEqual(
        lines.map((line) => [line.product_id, line.title, line.quantity]),
        [[hidden.id, 'Кружка 50', 2]],
      );
    });

    test('the hidden product is shown again when the feed lists it again; one staff hid by hand stays hidden', async () => {
      const kept = await productByExternal('S60');
      await db().updateTable('catalog_products').set({ is_hidden: 1 }).where('id', '=', kept.id).execute();
      served.body = ymlFeed(base);
      const run = await importNow();
      assert.equal(run.status, 'ok');
      assert.equal(run.hidden, 0);
      assert.equal(run.updated, 12, 'S50 back on sale and the 11 prices back');
      const back = await productByExternal('S50');
      assert.deepEqual([back.is_hidden, back.feed_status], [0, 'listed']);
      assert.equal((await productByExternal('S60')).is_hidden, 1, "staff's choice is kept");
    });

    test('a broken feed changes nothing and the run says why: broken XML, HTTP 500, no offers, a cut-off export, too many bad offers', async () => {
      const before = await snapshot();
      const good = served.body;
      const cases: [string, () => void, string][] = [
        ['broken XML', () => void (served.body = good.slice(0, good.length / 2)), 'catalog.feed_not_xml'],
        ['HTTP 500', () => Object.assign(served, { body: 'Internal Server Error', status: 500, type: 'text/plain' }), 'catalog.feed_http_error'],
        ['a web page', () => Object.assign(served, { body: '<html><body>Maintenance</body></html>', status: 200, type: 'text/html' }), 'catalog.feed_not_yml'],
        ['empty offers', () => Object.assign(served, { body: good.replace(/<offers>[\s\S]*<\/offers>/, '<offers></offers>'), type: 'application/xml' }), 'catalog.feed_empty'],
        ['a cut-off export', () => void (served.body = ymlFeed(base, { omit: Array.from({ length: 100 }, (_, index) => `S${index + 1}`) })), 'catalog.feed_shrunk'],
        ['mostly bad prices', () => void (served.body = good.replace(/<price>(\d+)(\.00)?<\/price>/g, (whole, value: string) => (Number(value) % 3 === 0 ? '<price>n/a</price>' : whole))), 'catalog.feed_too_many_invalid'],
      ];
      for (const [name, breakFeed, reason] of cases) {
        breakFeed();
        const run = await importNow();
        assert.equal(run.status, 'failed', name);
        assert.equal(run.reason, reason, `${name}: ${run.message}`);
        assert.ok((run.message ?? '').length > 10, `${name}: the owner reads why`);
        assert.equal(await snapshot(), before, `${name}: nothing changed`);
      }
      const listed = (await staff('GET', '/api/catalog/feed')).body.runs as FeedRun[];
      assert.deepEqual(
        listed.slice(0, cases.length).map((run) => run.reason),
        cases.map(([, , reason]) => reason).reverse(),
        'the panel lists the failed runs, newest first',
      );
      const bad = listed[0] as FeedRun;
      assert.ok(bad.errorCount > 30 && bad.errors.length > 0 && bad.errors[0]?.code === 'catalog.feed_bad_price', 'the bad offers are listed with the refusal');
      Object.assign(served, { body: good, status: 200, type: 'application/xml' });
    });

    test('a feed URL on a private address Lavka may not call is refused when saved; Import now is refused while an import waits', async () => {
      const refused = await staff('PUT', '/api/admin/settings/catalog-feed', { url: 'http://10.1.2.3/feed.yml', format: 'yml', intervalMinutes: 60 });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.reason, 'feed_address_refused');
      const tooOften = await staff('PUT', '/api/admin/settings/catalog-feed', { url: `${base}/feed.yml`, format: 'yml', intervalMinutes: 2 });
      assert.equal(tooOften.status, 400);
      const first = await staff('POST', '/api/catalog/feed/import');
      const second = await staff('POST', '/api/catalog/feed/import');
      assert.equal(first.status, 202);
      assert.equal(second.status, 409);
      assert.equal(second.body.error, 'catalog.feed_busy');
      const id = (first.body.run as FeedRun).id;
      for (let attempt = 0; attempt < 600; attempt += 1) {
        if (((await staff('GET', `/api/catalog/feed/runs/${id}`)).body.run as FeedRun).status === 'ok') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    test('a CSV feed in the panel’s own format goes the same way, and a Kazakh-speaking customer sees its products in Kazakh', async () => {
      // The shop's system publishes the panel's CSV export of its products, edited: a Kazakh title, a new product.
      const exported = await lavka.app.http.inject({ method: 'GET', url: '/api/catalog/export.csv', headers: { cookie: owner.cookie } });
      const parsed = parseCsv(exported.body);
      assert.ok(!('error' in parsed));
      const [header = [], ...rows] = parsed.rows;
      const at = (name: string) => header.indexOf(name);
      const ours = rows.filter((cells) => cells[at('external_id')] !== '');
      const mug = ours.find((cells) => cells[at('external_id')] === 'S7') as string[];
      mug[at('title_kk')] = 'Саптыаяқ 7';
      const hat: Record<string, string> = { type: 'product', title_ru: 'Шапка', title_kk: 'Бөрік', title_en: 'Hat', description_ru: 'Тёплая шапка', description_kk: 'Жылы бөрік', price: '4500', stock: '8', hidden: '0', external_id: 'CSV-HAT' };
      served.body = buildCsv([header, ...ours, header.map((name) => hat[name] ?? '')]).toString('utf8');
      served.type = 'text/csv';
      const saved = await staff('PUT', '/api/admin/settings/catalog-feed', { url: `${base}/catalog.csv`, format: 'csv', intervalMinutes: 0 });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));

      const run = await importNow();
      assert.equal(run.status, 'ok', JSON.stringify(run));
      assert.deepEqual([run.added, run.updated, run.hidden, run.errorCount], [1, 1, 0, 0], JSON.stringify(run.errors));
      assert.equal(run.unchanged, 178, 'the rest of the export reads back as it is');
      const created = await productByExternal('CSV-HAT');
      assert.deepEqual([created.price_minor, created.stock, created.feed_status], [450_000, 8, 'listed']);
      assert.equal(await db().selectFrom('catalog_photos').select('id').where('product_id', '=', (await productByExternal('S7')).id).executeTakeFirst() !== undefined, true, 'a feed without pictures leaves the photos');

      await customer.send(`/start p_${created.id}`);
      const card = await customer.waitForMessage((message) => textOf(message).startsWith('Бөрік'), { timeoutMs: 8000 });
      assert.ok(textOf(card).includes('Жылы бөрік'), textOf(card));
      assert.ok(/4\s?500/.test(textOf(card)), `the price in tenge: ${textOf(card)}`);
      assert.ok(buttonsOf(card).length > 0, 'with the card buttons (add to cart)');
      await customer.send(`/start p_${(await productByExternal('S7')).id}`);
      await customer.waitForMessage((message) => textOf(message).startsWith('Саптыаяқ 7'), { timeoutMs: 8000 });
    });
  });
}
