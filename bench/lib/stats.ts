// Summary statistics for benchmark samples. Percentiles use the nearest-rank method: the
// reported p99 is a latency some update really had, never an interpolated one.

/** Latency percentiles and spread of one set of samples, in milliseconds. */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Spread of repeated measurements of one figure (e.g. throughput per round). */
export interface SpreadSummary {
  runs: number;
  median: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single run. */
  stddev: number;
  /** Coefficient of variation: stddev / mean, 0 when the mean is 0. */
  cv: number;
}

/**
 * The `p`-th percentile (0–100) of already sorted samples by nearest rank; NaN when empty.
 * Sorting once and asking for several percentiles is much cheaper than sorting per call.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0] as number;
  if (p >= 100) return sorted[sorted.length - 1] as number;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** The `p`-th percentile (0–100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  return percentileOfSorted(Float64Array.from(samples).sort(), p);
}

/** Mean, p50/p95/p99 and maximum of latency samples in milliseconds. */
export function summarizeLatencies(samplesMs: readonly number[] | Float64Array): LatencySummary {
  const sorted = Float64Array.from(samplesMs).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    meanMs: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    p50Ms: percentileOfSorted(sorted, 50),
    p95Ms: percentileOfSorted(sorted, 95),
    p99Ms: percentileOfSorted(sorted, 99),
    maxMs: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
  };
}

/** Median, range, standard deviation and coefficient of variation of repeated runs. */
export function summarizeSpread(values: readonly number[]): SpreadSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const runs = sorted.length;
  if (runs === 0) return { runs: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN, mean: Number.NaN, stddev: Number.NaN, cv: Number.NaN };
  const mean = sorted.reduce((sum, value) => sum + value, 0) / runs;
  const variance = runs < 2 ? 0 : sorted.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (runs - 1);
  const stddev = Math.sqrt(variance);
  const middle = Math.floor(runs / 2);
  const median = runs % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { runs, median, min: sorted[0] as number, max: sorted[runs - 1] as number, mean, stddev, cv: mean === 0 ? 0 : stddev / mean };
}

/** Rounds for display and JSON: keeps three significant decimals without float noise. */
export function round(value: number, decimals = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * The most timestamps in any half-open window [t, t + windowMs), over every t: the busiest
 * second of a run. Telegram's limits are "per second" without saying which second, so a
 * burst that straddles two calendar seconds counts — an average or per-second buckets would
 * hide it. Two sends exactly `windowMs` apart are in different windows. 0 for no timestamps.
 */
export function maxInAnyWindow(timesMs: ArrayLike<number>, windowMs = 1000): number {
  const sorted = Float64Array.from(timesMs).sort();
  let best = 0;
  let left = 0;
  for (let right = 0; right < sorted.length; right += 1) {
    while ((sorted[left] as number) <= (sorted[right] as number) - windowMs) left += 1;
    best = Math.max(best, right - left + 1);
  }
  return best;
}

/** The busiest window of any one key (a chat): the per-chat counterpart of {@link maxInAnyWindow}. */
export function maxPerKeyInAnyWindow(keys: ArrayLike<number | string>, timesMs: ArrayLike<number>, windowMs = 1000): number {
  if (keys.length !== timesMs.length) throw new Error(`maxPerKeyInAnyWindow: ${keys.length} keys for ${timesMs.length} timestamps`);
  const byKey = new Map<number | string, number[]>();
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as number | string;
    const times = byKey.get(key);
    if (times) times.push(timesMs[index] as number);
    else byKey.set(key, [timesMs[index] as number]);
  }
  let best = 0;
  for (const times of byKey.values()) best = Math.max(best, times.length === 1 ? 1 : maxInAnyWindow(times, windowMs));
  return best;
}

/** Sends of a run: how many, the average rate first to last, and the busiest window. */
export interface SendRate {
  sends: number;
  /** (sends − 1) per second between the first and the last send; 0 for fewer than two. */
  averagePerSecond: number;
  /** Most sends in any window [t, t + windowMs). */
  maxInAnyWindow: number;
  windowMs: number;
}

/** The average rate and the busiest window of send timestamps (ms). */
export function summarizeSendRate(timesMs: ArrayLike<number>, windowMs = 1000): SendRate {
  const sends = timesMs.length;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < sends; index += 1) {
    const at = timesMs[index] as number;
    if (at < first) first = at;
    if (at > last) last = at;
  }
  // Per second of the same clock as the window: a compressed clock passes a shorter window.
  const averagePerSecond = sends > 1 && last > first ? ((sends - 1) * windowMs) / (last - first) : 0;
  return { sends, averagePerSecond, maxInAnyWindow: maxInAnyWindow(timesMs, windowMs), windowMs };
}
