import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SUPPORTED_LOCALES } from '../config/business.ts';
import { createTranslator } from './i18n.ts';

describe('translations', () => {
  test('every message exists in Russian, English and Kazakh', () => {
    const i18n = createTranslator({ defaultLocale: 'en' });
    const all = new Set(SUPPORTED_LOCALES.flatMap((locale) => i18n.keys(locale)));
    assert.ok(all.size > 10);
    for (const locale of SUPPORTED_LOCALES) {
      const missing = [...all].filter((key) => !i18n.has(locale, key));
      assert.deepEqual(missing, [], `${locale} lacks messages`);
    }
  });

  test('messages are formatted with variables and without bidi isolation marks', () => {
    const i18n = createTranslator({ defaultLocale: 'en' });
    const text = i18n.t('ru', 'start-welcome', { name: 'Айгерим', business: 'Lavka' });
    assert.equal(text, 'Здравствуйте, Айгерим! Добро пожаловать в Lavka.');
    assert.doesNotMatch(text, /[\u2068\u2069]/);
  });

  test('business overrides win over the shipped text for their language only', () => {
    const i18n = createTranslator({ defaultLocale: 'en', overrides: { kk: { 'cancel-done': 'Жарайды.' } } });
    assert.equal(i18n.t('kk', 'cancel-done'), 'Жарайды.');
    assert.equal(i18n.t('ru', 'cancel-done'), 'Отменено. Ничего не изменилось.');
  });

  test('an unknown message falls back to its id instead of failing', () => {
    const i18n = createTranslator({ defaultLocale: 'ru' });
    assert.equal(i18n.t('kk', 'no-such-message'), 'no-such-message');
  });

  test('an override with broken Fluent syntax is reported', () => {
    const i18n = createTranslator({ defaultLocale: 'en' });
    const problems = i18n.setOverrides('en', { 'cancel-done': 'Hello { $name', 'bad id!': 'x' });
    assert.equal(problems.length, 2);
  });
});
