import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatMoney, minorDigits, toMajor, toMinor } from './money.ts';

/** Intl separates thousands with (narrow) no-break spaces; compare with plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('money', () => {
  test('minor units follow ISO 4217, and Telegram Stars are whole', () => {
    assert.equal(minorDigits('KZT'), 2);
    assert.equal(minorDigits('JPY'), 0);
    assert.equal(minorDigits('XTR'), 0);
    assert.equal(toMinor(12.5, 'USD'), 1250);
    assert.equal(toMinor(0.29, 'USD'), 29, 'no floating-point drift');
    assert.equal(toMajor(699000, 'KZT'), 6990);
  });

  test('tenge and roubles show whole units when there is no fraction, and the fraction when there is', () => {
    assert.equal(plain(formatMoney(699000, 'KZT', 'ru')), '6 990 ₸');
    assert.equal(plain(formatMoney(699050, 'KZT', 'ru')), '6 990,50 ₸');
    assert.equal(plain(formatMoney(9900, 'RUB', 'ru')), '99 ₽');
    assert.equal(formatMoney(1250, 'USD', 'en'), '$12.50');
  });

  test('Stars are written with a star, in the reader’s number format', () => {
    assert.equal(plain(formatMoney(1500, 'XTR', 'ru')), '1 500 ⭐');
    assert.equal(formatMoney(1500, 'XTR', 'en'), '1,500 ⭐');
  });

  test('reused formatters still follow each reader’s locale and each currency', () => {
    assert.equal(plain(formatMoney(123456, 'KZT', 'ru')), '1 234,56 ₸');
    assert.equal(formatMoney(123456, 'KZT', 'en'), '₸1,234.56');
    assert.equal(plain(formatMoney(123400, 'KZT', 'ru')), '1 234 ₸');
    assert.equal(plain(formatMoney(123456, 'RUB', 'ru')), '1 234,56 ₽');
  });
});
