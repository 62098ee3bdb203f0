import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDurationMinutes } from './duration.ts';

describe('durations for people', () => {
  test('a duration under an hour shows minutes only, with no "0 h" in any language', () => {
    assert.equal(formatDurationMinutes(44, 'ru'), '44 мин');
    assert.equal(formatDurationMinutes(44, 'kk'), '44 мин');
    assert.equal(formatDurationMinutes(44, 'en'), '44 min');
  });

  test('hours and minutes are both shown when both are there, and whole hours without minutes', () => {
    assert.equal(formatDurationMinutes(125, 'ru'), '2 ч 5 мин');
    assert.equal(formatDurationMinutes(125, 'kk'), '2 сағ 5 мин');
    assert.equal(formatDurationMinutes(125, 'en'), '2 hr, 5 min');
    assert.equal(formatDurationMinutes(180, 'ru'), '3 ч');
    assert.equal(formatDurationMinutes(180, 'en'), '3 hr');
  });

  test('zero, fractions and negative input still read as a duration', () => {
    assert.equal(formatDurationMinutes(0, 'ru'), '0 мин');
    assert.equal(formatDurationMinutes(0, 'en'), '0 min');
    assert.equal(formatDurationMinutes(43.6, 'ru'), '44 мин');
    assert.equal(formatDurationMinutes(-5, 'en'), '0 min');
  });
});
