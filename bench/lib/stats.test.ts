import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { percentile, percentileOfSorted, round, summarizeLatencies, summarizeSpread } from './stats.ts';

describe('benchmark statistics', () => {
  test('percentiles use the nearest rank, so every reported value is a real sample', () => {
    const samples = Array.from({ length: 100 }, (_, index) => index + 1);
    assert.equal(percentile(samples, 50), 50);
    assert.equal(percentile(samples, 95), 95);
    assert.equal(percentile(samples, 99), 99);
    assert.equal(percentile(samples, 100), 100);
    assert.equal(percentile([7, 1, 3], 50), 3);
    assert.equal(percentile([7, 1, 3], 99), 7);
  });

  test('the extremes and an empty set are handled without throwing', () => {
    assert.equal(percentileOfSorted([1, 2, 3], 0), 1);
    assert.equal(percentileOfSorted([5], 99), 5);
    assert.ok(Number.isNaN(percentile([], 50)));
    const empty = summarizeLatencies([]);
    assert.equal(empty.count, 0);
    assert.ok(Number.isNaN(empty.p99Ms));
  });

  test('a latency summary sorts its input and reports mean, percentiles and maximum', () => {
    const summary = summarizeLatencies([10, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(summary.count, 10);
    assert.equal(summary.meanMs, 5.5);
    assert.equal(summary.p50Ms, 5);
    assert.equal(summary.p95Ms, 10);
    assert.equal(summary.maxMs, 10);
  });

  test('the spread of repeated rounds gives median, range, sample deviation and CV', () => {
    const spread = summarizeSpread([100, 110, 90]);
    assert.equal(spread.runs, 3);
    assert.equal(spread.median, 100);
    assert.equal(spread.min, 90);
    assert.equal(spread.max, 110);
    assert.equal(spread.stddev, 10);
    assert.equal(round(spread.cv, 3), 0.1);
    assert.equal(summarizeSpread([4, 2]).median, 3);
    assert.equal(summarizeSpread([42]).stddev, 0);
  });
});
