// Child process of the throughput and scale benchmarks: starts one system, warms it up with
// the stub checking every call against the Bot API spec, then measures the saturated rate
// and, optionally, latency at a fixed offered rate. See bench/README.md for the design.

import v8 from 'node:v8';
import { peakRssMb, readJob, reportAndExit, rssMb } from './child.ts';
import { runClosedLoop, runOpenLoop, type LoadOutcome } from './load.ts';
import { createCallRecorder } from './recorder.ts';
import { scriptedUser, updateIds } from './shop-script.ts';
import type { CapturedStatement } from './sql-capture.ts';
import { summarizeLatencies, type LatencySummary } from './stats.ts';
import { stubControl, type StubStats } from './stub-client.ts';
import { startSystem, type SystemName, type SystemOptions } from './systems.ts';

/** What the parent asks a throughput child to do. */
export interface ThroughputJob {
  system: SystemName;
  options: SystemOptions;
  /** Telegram ids of the benchmark's users start here. */
  firstUserId: number;
  /** Users warmed up (each does `warmupSteps`) and fed in the fixed-rate phase. */
  users: number;
  /** Chats in flight in the saturated phase (the first `concurrency` users). */
  concurrency: number;
  warmupSteps: number;
  /** Steps per user in the saturated phase: the same count for every system. */
  measuredSteps: number;
  /**
   * The fixed-rate phase; `settleMs` of the same rate come first, not measured, so that the
   * measured window sees a process already running at that rate (see bench/README.md).
   */
  fixedRate?: { ratePerSecond: number; durationMs: number; settleMs?: number };
  /** Record the distinct SQL statements of the measured phases (scale benchmark). */
  captureSql?: boolean;
}

/** A load phase's figures without the raw samples. */
export interface PhaseReport {
  updates: number;
  elapsedMs: number;
  updatesPerSecond: number;
  latency: LatencySummary;
  /** Raw latencies, so that the parent can pool several rounds. */
  latenciesMs: number[];
  scriptFailures: number;
  handlerErrors: number;
  unansweredCallbacks: number;
  failureSamples: string[];
  /** Latency per script step (which updates are slow). */
  byStep: Record<string, LatencySummary>;
  /** Bot API calls the stub answered during the phase, by method. */
  apiCalls: Record<string, number>;
  apiCallsPerUpdate: number;
  offeredPerSecond?: number;
  shed?: number;
  maxDispatchLagMs?: number;
}

/** What a throughput child reports. */
export interface ThroughputChildResult {
  system: SystemName;
  startMs: number;
  warmup: { updates: number; invalidApiCalls: number; invalidSamples: string[]; scriptFailures: number };
  /** The unmeasured run at the fixed rate before its measured phase. */
  settle?: { ms: number; updates: number; scriptFailures: number; handlerErrors: number; failureSamples: string[] };
  saturated: PhaseReport;
  fixedRate?: PhaseReport;
  /** Errors the bot's error boundary caught over the whole run. */
  botErrors: number;
  peakRssMb: number;
  /** RSS once the system has started, before any update. */
  rssAfterStartMb: number;
  rssAfterMb: number;
  heapUsedMb: number;
  /** Distinct SQL of the measured phases with execution counts (when `captureSql`). */
  sql?: CapturedStatement[];
}

function phaseReport(outcome: LoadOutcome, stub: StubStats): PhaseReport {
  const apiCalls = stub.calls;
  return {
    updates: outcome.updates,
    elapsedMs: outcome.elapsedMs,
    updatesPerSecond: outcome.updatesPerSecond,
    latency: summarizeLatencies(outcome.latenciesMs),
    latenciesMs: Array.from(outcome.latenciesMs),
    byStep: byStep(outcome),
    scriptFailures: outcome.scriptFailures,
    handlerErrors: outcome.handlerErrors,
    unansweredCallbacks: outcome.unansweredCallbacks,
    failureSamples: outcome.failureSamples,
    apiCalls,
    apiCallsPerUpdate: outcome.updates > 0 ? stub.totalCalls / outcome.updates : 0,
  };
}

function byStep(outcome: LoadOutcome): Record<string, LatencySummary> {
  const groups = new Map<string, number[]>();
  outcome.stepLabels.forEach((label, index) => {
    const list = groups.get(label) ?? [];
    list.push(outcome.latenciesMs[index] as number);
    groups.set(label, list);
  });
  return Object.fromEntries([...groups].map(([label, samples]) => [label, summarizeLatencies(samples)]));
}

const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();

/** The settling run before the fixed-rate phase goes in slices of this length. */
const SETTLE_SLICE_MS = 1000;

/** The size V8 has given the young generation (its new space) so far. */
const youngGenerationBytes = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;

await reportAndExit<ThroughputChildResult>(async () => {
  const job = readJob<ThroughputJob>();
  // Loaded only when asked for: the hook imports both database drivers.
  const capture = job.captureSql ? (await import('./sql-capture.ts')).captureSql(job.options.databaseUrl ?? '') : undefined;
  const recorder = createCallRecorder();
  const started = performance.now();
  const bot = await startSystem(job.system, job.options, recorder);
  const startMs = performance.now() - started;
  const rssAfterStartMb = rssMb();
  const ids = updateIds(1);
  const users = Array.from({ length: job.users }, (_, index) => scriptedUser({ id: job.firstUserId + index, recorder, ids }));
  const handle = (update: Parameters<typeof bot.handleUpdate>[0]) => bot.handleUpdate(update);

  // Warm-up: JIT, caches, photo uploads and user rows; every call checked against the spec.
  await stubControl(job.options.apiRoot, 'reset');
  await stubControl(job.options.apiRoot, 'validation/on');
  const warm = await runClosedLoop({ users, handle, recorder, stepsPerUser: job.warmupSteps });
  await stubControl(job.options.apiRoot, 'validation/off');
  const warmStats = await stubControl<StubStats>(job.options.apiRoot, 'stats');
  collectGarbage();

  capture?.start();
  await stubControl(job.options.apiRoot, 'reset');
  const saturatedOutcome = await runClosedLoop({ users: users.slice(0, job.concurrency), handle, recorder, stepsPerUser: job.measuredSteps });
  const saturated = phaseReport(saturatedOutcome, await stubControl<StubStats>(job.options.apiRoot, 'stats'));

  let fixedRate: PhaseReport | undefined;
  let settle: ThroughputChildResult['settle'];
  if (job.fixedRate) {
    // V8 sizes the young generation to the load in doubling steps, each a pause of its own
    // (10–36 ms measured for the last ones), once in a process's life: a bot that has run at
    // this rate for a while has taken them. So the same rate runs first, unmeasured, for
    // `settleMs` and then on while the young generation still grew in the last second (at most
    // four times `settleMs`); the measured window starts after that, for every system alike.
    const settleMs = job.fixedRate.settleMs ?? 0;
    if (settleMs > 0) {
      const ratePerSecond = job.fixedRate.ratePerSecond;
      const slices: LoadOutcome[] = [];
      let grew = true;
      while (slices.length * SETTLE_SLICE_MS < settleMs || (grew && slices.length * SETTLE_SLICE_MS < 4 * settleMs)) {
        const before = youngGenerationBytes();
        slices.push(await runOpenLoop({ users, handle, recorder, ratePerSecond, durationMs: SETTLE_SLICE_MS }));
        grew = youngGenerationBytes() > before;
      }
      settle = {
        ms: slices.length * SETTLE_SLICE_MS,
        updates: slices.reduce((sum, slice) => sum + slice.updates, 0),
        scriptFailures: slices.reduce((sum, slice) => sum + slice.scriptFailures, 0),
        handlerErrors: slices.reduce((sum, slice) => sum + slice.handlerErrors, 0),
        failureSamples: slices.flatMap((slice) => slice.failureSamples).slice(0, 5),
      };
    }
    collectGarbage();
    await stubControl(job.options.apiRoot, 'reset');
    const open = await runOpenLoop({ users, handle, recorder, ratePerSecond: job.fixedRate.ratePerSecond, durationMs: job.fixedRate.durationMs });
    fixedRate = {
      ...phaseReport(open, await stubControl<StubStats>(job.options.apiRoot, 'stats')),
      offeredPerSecond: open.offeredPerSecond,
      shed: open.shed,
      maxDispatchLagMs: open.maxDispatchLagMs,
    };
  }
  capture?.stop();

  const result: ThroughputChildResult = {
    system: job.system,
    startMs,
    warmup: { updates: warm.updates, invalidApiCalls: warmStats.invalidCalls, invalidSamples: warmStats.invalidSamples, scriptFailures: warm.scriptFailures },
    saturated,
    ...(settle ? { settle } : {}),
    ...(fixedRate ? { fixedRate } : {}),
    botErrors: await bot.errors(),
    peakRssMb: peakRssMb(),
    rssAfterStartMb,
    rssAfterMb: rssMb(),
    heapUsedMb: process.memoryUsage().heapUsed / 1024 / 1024,
    ...(capture ? { sql: capture.statements() } : {}),
  };
  await bot.stop();
  return result;
});
