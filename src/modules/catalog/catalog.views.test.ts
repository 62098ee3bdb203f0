import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTranslations } from './catalog.views.ts';

describe("a catalogue row's translations", () => {
  test('the same text is parsed once and shared, frozen, so no reader can change it for the next', () => {
    const text = JSON.stringify({ kk: { title: 'Күртеше' }, en: { title: 'Jacket' } });
    const first = parseTranslations(text);
    assert.equal(first.kk?.title, 'Күртеше');
    assert.equal(parseTranslations(text), first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.kk));
    assert.throws(() => {
      (first.kk as { title?: string }).title = 'changed';
    }, TypeError);
  });

  test('a text that is not an object of translations reads as none', () => {
    for (const text of [null, '', 'not json', 'null', '5', '"text"']) assert.deepEqual(parseTranslations(text), {}, String(text));
  });
});
