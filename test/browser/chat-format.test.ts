// The sandbox page's formatting logic, without a browser: entity nesting from UTF-16 offsets
// (Cyrillic, emoji), partial overlaps, clipping, and which links the page may open.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildEntityTree, hrefOfUrl, isSafeHref, type TextNode } from '../../web/chat/src/format/entities.ts';
import { formatAmount } from '../../web/chat/src/format/money.ts';

/** A compact picture of a tree: `bold(…)` for entities, text as is. */
function show(nodes: TextNode[]): string {
  return nodes.map((node) => (typeof node === 'string' ? node : `${node.entity.type}(${show(node.children)})`)).join('');
}

describe('buildEntityTree', () => {
  test('offsets count UTF-16 code units, so an emoji before an entity takes two', () => {
    const text = 'Привет 👋 мир';
    assert.equal(show(buildEntityTree(text, [{ type: 'bold', offset: 10, length: 3 }])), 'Привет 👋 bold(мир)');
  });

  test('an entity covering an emoji keeps the emoji whole', () => {
    const text = 'Цена: 🔥500 ₸';
    assert.equal(show(buildEntityTree(text, [{ type: 'italic', offset: 6, length: 5 }])), 'Цена: italic(🔥500) ₸');
  });

  test('nested entities nest, the longer one outside', () => {
    const tree = buildEntityTree('ab cd ef', [
      { type: 'italic', offset: 3, length: 2 },
      { type: 'bold', offset: 0, length: 8 },
    ]);
    assert.equal(show(tree), 'bold(ab italic(cd) ef)');
  });

  test('a partial overlap is split so that each piece nests', () => {
    const tree = buildEntityTree('abcdef', [
      { type: 'bold', offset: 0, length: 4 },
      { type: 'italic', offset: 2, length: 4 },
    ]);
    assert.equal(show(tree), 'bold(abitalic(cd))italic(ef)');
  });

  test('a split link keeps its whole text for the address', () => {
    const tree = buildEntityTree('see example.com now', [
      { type: 'bold', offset: 0, length: 8 },
      { type: 'url', offset: 4, length: 11 },
    ]);
    const after = tree[1];
    assert.ok(typeof after !== 'string' && after?.entity.type === 'url');
    assert.equal(after.text, 'example.com');
    const inside = tree[0];
    assert.ok(typeof inside !== 'string');
    const link = inside?.children[1];
    assert.ok(typeof link !== 'string' && link?.entity.type === 'url');
  });

  test('entities at the same span put blocks outside inline ones', () => {
    const tree = buildEntityTree('quote', [
      { type: 'bold', offset: 0, length: 5 },
      { type: 'blockquote', offset: 0, length: 5 },
    ]);
    assert.equal(show(tree), 'blockquote(bold(quote))');
  });

  test('entities past the end are clipped and empty ones dropped', () => {
    const tree = buildEntityTree('short', [
      { type: 'bold', offset: 3, length: 50 },
      { type: 'italic', offset: 1, length: 0 },
      { type: 'code', offset: 40, length: 2 },
    ]);
    assert.equal(show(tree), 'shobold(rt)');
  });

  test('text without entities is one plain piece', () => {
    assert.deepEqual(buildEntityTree('plain', undefined), ['plain']);
    assert.deepEqual(buildEntityTree('', []), []);
  });
});

describe('links', () => {
  test('bare domains get http:// like Telegram, schemes are kept', () => {
    assert.equal(hrefOfUrl('lavka.dev/faq'), 'http://lavka.dev/faq');
    assert.equal(hrefOfUrl('https://lavka.dev'), 'https://lavka.dev');
  });

  test('only web, mail, phone and tg links may be opened', () => {
    assert.ok(isSafeHref('https://t.me/lavka'));
    assert.ok(isSafeHref('mailto:a@b.kz'));
    assert.ok(!isSafeHref('javascript:alert(1)'));
    assert.ok(!isSafeHref('data:text/html,x'));
  });
});

describe('formatAmount', () => {
  test('minor units become the currency amount; Stars and yen have no decimals', () => {
    assert.equal(formatAmount(150_000, 'USD', 'en'), '$1,500.00');
    assert.equal(formatAmount(50, 'XTR', 'en'), '⭐️ 50');
    assert.equal(formatAmount(500, 'JPY', 'en'), '¥500');
  });
});
