import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maxInAnyWindow, maxPerKeyInAnyWindow, percentile, percentileOfSorted, round, summarizeLatencies, summarizeSendRate, summarizeSpread } from './stats.ts';

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

describe('the busiest second of a run of sends', () => {
  test('no sends is 0 and one send is 1', () => {
    assert.equal(maxInAnyWindow([]), 0);
    assert.equal(maxInAnyWindow([123_456]), 1);
    assert.equal(maxPerKeyInAnyWindow([], []), 0);
    const none = summarizeSendRate([]);
    assert.deepEqual([none.sends, none.averagePerSecond, none.maxInAnyWindow], [0, 0, 0]);
    const one = summarizeSendRate([5]);
    assert.deepEqual([one.sends, one.averagePerSecond, one.maxInAnyWindow], [1, 0, 1]);
  });

  test('exactly at the limit: 30 evenly spaced sends a second stay at 30, because [t, t + 1000) leaves t + 1000 out', () => {
    // Whole milliseconds, as clocks give them: send k and send k + 30 are exactly 1000 ms apart.
    const times = Array.from({ length: 91 }, (_, index) => Math.round((index * 1000) / 30));
    assert.equal(maxInAnyWindow(times), 30);
    assert.equal(maxInAnyWindow([0, 1000]), 1);
    assert.equal(maxInAnyWindow([0, 999.9]), 2);
    const rate = summarizeSendRate(times);
    assert.equal(round(rate.averagePerSecond, 6), 30);
    assert.equal(maxInAnyWindow([...times, 2999]), 31);
    assert.equal(rate.maxInAnyWindow, 30);
  });

  test('a burst across the edge of two calendar seconds shows, though each calendar second holds only 30', () => {
    // 30 sends in the last 10 ms of second 0 and 30 in the first 10 ms of second 1.
    const times = [...Array.from({ length: 30 }, (_, index) => 990 + index / 3), ...Array.from({ length: 30 }, (_, index) => 1000 + index / 3)];
    assert.equal(maxInAnyWindow(times), 60);
    // Spread over a long run, the average hides the burst entirely.
    const withTail = [...times, 60_000];
    assert.ok(summarizeSendRate(withTail).averagePerSecond < 2);
    assert.equal(summarizeSendRate(withTail).maxInAnyWindow, 60);
  });

  test('a burst at the end of the run and unsorted input are found', () => {
    const steady = Array.from({ length: 100 }, (_, index) => index * 100);
    const burst = Array.from({ length: 25 }, (_, index) => 20_000 + index);
    assert.equal(maxInAnyWindow([...burst, ...steady].reverse()), 25);
    assert.equal(maxInAnyWindow(steady), 10);
  });

  test('a shorter window counts per second of a compressed clock', () => {
    // ×10 clock: 300 sends a real second are 30 per simulated second, i.e. per 100 real ms.
    const times = Array.from({ length: 601 }, (_, index) => Math.round((index * 1000) / 300));
    assert.equal(maxInAnyWindow(times, 100), 30);
    assert.equal(round(summarizeSendRate(times, 100).averagePerSecond, 6), 30);
  });

  test('per chat: the busiest chat decides, other chats do not add to it', () => {
    const chats = [1, 2, 3, 1, 2, 1];
    const times = [0, 10, 20, 500, 1500, 1499];
    // Chat 1 has three sends in [0, 1000) ... [0, 500, 1499]: 0 and 500 within one second, 500 and 1499 too.
    assert.equal(maxPerKeyInAnyWindow(chats, times), 2);
    assert.equal(maxPerKeyInAnyWindow([1, 2, 3], [0, 0, 0]), 1);
    assert.equal(maxPerKeyInAnyWindow([7, 7], [0, 1000]), 1);
    assert.throws(() => maxPerKeyInAnyWindow([1], []));
  });
});
