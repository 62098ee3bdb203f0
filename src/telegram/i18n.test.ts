import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

  test('a language is read when first used; the default one at once, so its broken file stops the start', () => {
    const localesDir = mkdtempSync(path.join(tmpdir(), 'lavka-locales-'));
    try {
      for (const locale of ['ru', 'en', 'kk']) mkdirSync(path.join(localesDir, locale));
      writeFileSync(path.join(localesDir, 'ru', 'core.ftl'), 'hello = Привет, { $name }\n');
      writeFileSync(path.join(localesDir, 'en', 'core.ftl'), 'hello = Hello, { $name }\n');
      // A message defined twice is an error Fluent reports (broken syntax it skips silently).
      writeFileSync(path.join(localesDir, 'kk', 'core.ftl'), 'hello = Сәлем, { $name }\nhello = Қайта\n');
      const i18n = createTranslator({ defaultLocale: 'ru', localesDir });
      assert.equal(i18n.t('ru', 'hello', { name: 'Айгуль' }), 'Привет, Айгуль');
      assert.equal(i18n.t('en', 'hello', { name: 'Aigul' }), 'Hello, Aigul');
      assert.throws(() => i18n.t('kk', 'hello', { name: 'Айгүл' }), /locales\/kk\/core\.ftl/);
      assert.throws(() => createTranslator({ defaultLocale: 'kk', localesDir }), /locales\/kk\/core\.ftl/);
    } finally {
      rmSync(localesDir, { recursive: true, force: true });
    }
  });
});
