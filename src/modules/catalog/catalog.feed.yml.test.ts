import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CatalogError } from './catalog.errors.ts';
import { readYmlFeed } from './catalog.feed.yml.ts';

const options = { currency: 'KZT', stockWhenAvailable: 100, maxOffers: 1000, maxPicturesPerProduct: 5 };
const feed = (offers: string, categories = '<category id="1">Одежда</category><category id="2" parentId="1">Футболки</category>') =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<yml_catalog date="2026-01-01 10:00"><shop><name>Shop</name><currencies><currency id="KZT" rate="1"/></currencies>
<categories>${categories}</categories><offers>${offers}</offers></shop></yml_catalog>`);

const readError = (bytes: Uint8Array): CatalogError => {
  try {
    readYmlFeed(bytes, options);
  } catch (error) {
    assert.ok(error instanceof CatalogError, String(error));
    return error;
  }
  assert.fail('the feed was read');
};

describe('reading a YML feed into catalogue items', () => {
  test('a simple offer becomes a product with its category, price in minor units, stock, description without HTML and pictures', () => {
    const content = readYmlFeed(
      feed(`<offer id="A1" available="true"><name>Кружка &quot;Лавка&quot;</name><price>2490.00</price><currencyId>KZT</currencyId><categoryId>2</categoryId>
        <picture>https://shop.example/a1.jpg</picture><picture>https://shop.example/a1-back.jpg</picture><picture>ftp://nope/x.jpg</picture>
        <description><![CDATA[<p>Керамика,<br/>350 мл</p>]]></description><count>7</count><vendorCode>MUG-1</vendorCode></offer>`),
      options,
    );
    assert.deepEqual(content.categories, [
      { externalId: '1', parentExternalId: null, title: 'Одежда' },
      { externalId: '2', parentExternalId: '1', title: 'Футболки' },
    ]);
    assert.equal(content.offers, 1);
    assert.deepEqual(content.issues, []);
    assert.deepEqual(content.products, [
      {
        item: { external_id: 'A1', category_external_id: '2', title: 'Кружка "Лавка"', description: 'Керамика, 350 мл', price_minor: 249_000, stock: 7 },
        pictures: ['https://shop.example/a1.jpg', 'https://shop.example/a1-back.jpg'],
        offers: ['A1'],
      },
    ]);
    assert.deepEqual(content.listed, ['A1']);
  });

  test('offers sharing a group_id become one product whose variants are named by their params; available="false" is out of stock', () => {
    const content = readYmlFeed(
      feed(`<offer id="T-S" group_id="T"><name>Футболка</name><price>5000</price><currencyId>KZT</currencyId><categoryId>2</categoryId><param name="Размер">S</param><param name="Цвет">белый</param><picture>https://shop.example/t.jpg</picture></offer>
        <offer id="T-M" group_id="T" available="false"><name>Футболка</name><price>5500</price><currencyId>KZT</currencyId><categoryId>2</categoryId><param name="Размер">M</param><param name="Цвет">белый</param><picture>https://shop.example/t.jpg</picture><count>4</count></offer>
        <offer id="V1" type="vendor.model"><typePrefix>Термос</typePrefix><vendor>Stanley</vendor><model>Classic 1 л</model><price>19990</price><currencyId>KZT</currencyId></offer>`),
      options,
    );
    assert.equal(content.offers, 3);
    const [shirt, thermos] = content.products;
    assert.equal(shirt?.item.external_id, 'T');
    assert.equal(shirt?.item.price_minor, 500_000, 'the lowest variant price');
    assert.deepEqual(shirt?.item.variants, [
      { external_id: 'T-S', title: 'S, белый', price_minor: 500_000, stock: 100, options: { Размер: 'S', Цвет: 'белый' } },
      { external_id: 'T-M', title: 'M, белый', price_minor: 550_000, stock: 0, options: { Размер: 'M', Цвет: 'белый' } },
    ]);
    assert.deepEqual(shirt?.pictures, ['https://shop.example/t.jpg'], 'a picture shared by the group is kept once');
    assert.equal(thermos?.item.title, 'Термос Stanley Classic 1 л', 'typePrefix vendor model');
    assert.equal(thermos?.item.category_external_id, null);
    assert.deepEqual(content.listed, ['T', 'V1']);
  });

  test('an offer in another currency, without a price or a name is an issue naming the offer, and the others are read', () => {
    const content = readYmlFeed(
      feed(`<offer id="USD1"><name>Imported</name><price>10</price><currencyId>USD</currencyId></offer>
        <offer id="NOPRICE"><name>Без цены</name><price>дорого</price></offer>
        <offer id="NONAME"><price>100</price></offer>
        <offer id="RUR1"><name>Рубли</name><price>100</price><currencyId>RUR</currencyId></offer>
        <offer id="OK"><name>Хорошо</name><price>100</price><quantity>-3</quantity></offer>`),
      options,
    );
    assert.deepEqual(
      content.issues.map((issue) => [issue.ref, issue.field, issue.code]),
      [
        ['USD1', 'currencyId', 'catalog.currency_mismatch'],
        ['NOPRICE', 'price', 'catalog.feed_bad_price'],
        ['NONAME', 'name', 'catalog.feed_no_title'],
        ['RUR1', 'currencyId', 'catalog.currency_mismatch'],
      ],
    );
    assert.match(content.issues[3]?.message ?? '', /RUB/, 'Yandex’s RUR is the rouble');
    assert.deepEqual(content.products.map((product) => [product.item.external_id, product.item.stock]), [['OK', 0]], 'a negative balance is nothing to sell');
    assert.deepEqual(content.listed, ['USD1', 'NOPRICE', 'NONAME', 'RUR1', 'OK'], 'bad offers are still named, so they are not hidden');
  });

  test('a windows-1251 feed is read in its encoding', () => {
    const xml = '<?xml version="1.0" encoding="windows-1251"?><yml_catalog><shop><offers><offer id="W"><name>Чайник</name><price>9900</price></offer></offers></shop></yml_catalog>';
    const bytes = new Uint8Array([...xml].map((char) => (char === 'Ч' ? 0xd7 : char === 'а' ? 0xe0 : char === 'й' ? 0xe9 : char === 'н' ? 0xed : char === 'и' ? 0xe8 : char === 'к' ? 0xea : char.charCodeAt(0))));
    assert.equal(readYmlFeed(bytes, options).products[0]?.item.title, 'Чайник');
  });

  test('broken XML, a truncated file, another root or too many offers refuse the whole feed', () => {
    assert.equal(readError(Buffer.from('<yml_catalog><shop><offers><offer id="1"><name>x</name></offers></shop></yml_catalog>')).code, 'catalog.feed_not_xml');
    assert.equal(readError(feed('<offer id="1"><name>x</name><price>1</price></offer>').subarray(0, 300)).code, 'catalog.feed_not_xml');
    assert.equal(readError(Buffer.from('<html><body>Not found</body></html>')).code, 'catalog.feed_not_yml');
    assert.equal(readError(Buffer.from('{"offers": []}')).code, 'catalog.feed_not_xml');
    const many = Array.from({ length: 3 }, (_, index) => `<offer id="${index}"><name>x</name><price>1</price></offer>`).join('');
    assert.throws(() => readYmlFeed(feed(many), { ...options, maxOffers: 2 }), (error: unknown) => error instanceof CatalogError && error.code === 'catalog.feed_too_large');
  });
});
