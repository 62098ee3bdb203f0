// Update throughput and handling latency: Lavka (shop preset, SQLite and PostgreSQL) against
// bare grammY and bare Telegraf bots doing the same replies, side by side in one run.
// Design and caveats: bench/README.md.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { runChild } from './lib/child.ts';
import { benchCommand, benchScale, envInt } from './lib/config.ts';
import { loadLine, machineLine, trackLoad } from './lib/machine.ts';
import { quietMachine } from './lib/quiet.ts';
import { createBenchSchema, postgresAvailable, type BenchSchema } from './lib/postgres.ts';
import { writeResultFile, writeResults } from './lib/results.ts';
import { SHOP_VISIT } from './lib/shop-script.ts';
import { round, summarizeLatencies, summarizeSpread, type LatencySummary, type SpreadSummary } from './lib/stats.ts';
import { startStubBotApi } from './lib/stub-api.ts';
import { renderSystemsChart } from './lib/svg.ts';
import { SYSTEM_LABELS, type SystemName } from './lib/systems.ts';
import { formatNumber, formatSpread, formatTable, print, type Column } from './lib/table.ts';
import type { PhaseReport, ThroughputChildResult, ThroughputJob } from './lib/throughput-child.ts';

const CHILD = path.join(import.meta.dirname, 'lib', 'throughput-child.ts');
const scale = benchScale();
const visit = SHOP_VISIT.length;

/** Sizes per scale; every system gets exactly the same. Env variables override one knob. */
const settings = {
  rounds: envInt('BENCH_ROUNDS', scale === 'small' ? 1 : 5),
  users: envInt('BENCH_USERS', scale === 'small' ? 48 : 96),
  concurrency: envInt('BENCH_CONCURRENCY', scale === 'small' ? 16 : 32),
  warmupSteps: visit,
  measuredSteps: envInt('BENCH_VISITS', scale === 'small' ? 2 : 5) * visit,
  fixedRatePerSecond: envInt('BENCH_FIXED_RATE', 500),
  fixedRateMs: envInt('BENCH_FIXED_MS', scale === 'small' ? 3000 : 6000),
  fixedRateSettleMs: envInt('BENCH_SETTLE_MS', 3000, process.env, { allowZero: true }),
  /** Lavka's bot-wide send budget for the comparison (msg/s); see the README. */
  comparisonSendBudget: 1000,
};

/** One row of the report: a system with its settings. */
interface RowSpec {
  key: string;
  system: SystemName;
  label: string;
  env?: Record<string, string>;
  /** Runs in every round (false: once, in the first round). */
  everyRound: boolean;
  fixedRate: boolean;
  users?: number;
  measuredSteps?: number;
  note?: string;
}

const postgres = await postgresAvailable();
/** `BENCH_SYSTEMS=lavka-sqlite,grammy` keeps only those rows (development; the README runs them all). */
const onlySystems = process.env.BENCH_SYSTEMS?.split(',').map((name) => name.trim()).filter(Boolean);
const allRows: RowSpec[] = [
  { key: 'lavka-sqlite', system: 'lavka-sqlite', label: SYSTEM_LABELS['lavka-sqlite'], env: { SEND_RATE_PER_SECOND: String(settings.comparisonSendBudget) }, everyRound: true, fixedRate: true },
  ...(postgres
    ? [{ key: 'lavka-postgres', system: 'lavka-postgres' as const, label: SYSTEM_LABELS['lavka-postgres'], env: { SEND_RATE_PER_SECOND: String(settings.comparisonSendBudget) }, everyRound: true, fixedRate: true }]
    : []),
  { key: 'grammy', system: 'grammy', label: SYSTEM_LABELS.grammy, everyRound: true, fixedRate: true },
  { key: 'telegraf', system: 'telegraf', label: SYSTEM_LABELS.telegraf, everyRound: true, fixedRate: true },
  {
    key: 'lavka-sqlite-default-budget',
    system: 'lavka-sqlite',
    label: 'Lavka (SQLite), default 30 msg/s',
    everyRound: false,
    fixedRate: false,
    users: settings.concurrency,
    measuredSteps: visit,
    note: 'as shipped: replies share the bot-wide send budget (SEND_RATE_PER_SECOND=30)',
  },
];
const rows = onlySystems ? allRows.filter((row) => onlySystems.includes(row.key)) : allRows;

const machine = await quietMachine();
print(`Machine: ${machineLine(machine)}`);
print(
  `Scale ${scale}: ${settings.rounds} round(s); ${settings.users} users warmed up with ${settings.warmupSteps} updates each; ` +
    `saturated phase ${settings.concurrency} chats in flight × ${settings.measuredSteps} updates; fixed rate ${settings.fixedRatePerSecond}/s for ${settings.fixedRateMs / 1000} s, after at least ${settings.fixedRateSettleMs / 1000} s of it unmeasured (longer while V8 still grows the young generation).`,
);
if (!postgres) print('PostgreSQL is not reachable: the PostgreSQL row is skipped.');
// What Lavka's rows run (bench/lib/lavka.ts): the start-up bundle unless BENCH_LAVKA=sources.
const lavkaFrom = process.env.BENCH_LAVKA === 'sources' ? 'sources' : 'bundle';
print(lavkaFrom === 'bundle' ? 'Lavka runs from the start-up bundle (dist/server), as npm start runs it.' : 'Lavka runs from its sources (BENCH_LAVKA=sources), not as npm start runs it.');

const stub = await startStubBotApi();
const workDir = mkdtempSync(path.join(tmpdir(), 'lavka-bench-throughput-'));

interface RunRecord {
  row: RowSpec;
  round: number;
  result: ThroughputChildResult;
  logBytes: number;
  /** 1-minute load average when the child finished: how busy the machine was. */
  loadAverage: number;
}

async function runRow(row: RowSpec, roundIndex: number): Promise<RunRecord> {
  let schema: BenchSchema | undefined;
  const dir = mkdtempSync(path.join(workDir, `${row.key}-${roundIndex}-`));
  const logFile = path.join(dir, 'lavka.log');
  try {
    let databaseUrl: string | undefined;
    if (row.system === 'lavka-sqlite') databaseUrl = `sqlite:${path.join(dir, 'lavka.db')}`;
    if (row.system === 'lavka-postgres') {
      schema = await createBenchSchema();
      databaseUrl = schema.url;
    }
    const users = row.users ?? settings.users;
    const job: ThroughputJob = {
      system: row.system,
      options: { apiRoot: stub.apiRoot, ...(databaseUrl ? { databaseUrl } : {}), ...(row.env ? { env: row.env } : {}) },
      firstUserId: 10_000_000,
      users,
      concurrency: Math.min(settings.concurrency, users),
      warmupSteps: settings.warmupSteps,
      measuredSteps: row.measuredSteps ?? settings.measuredSteps,
      ...(row.fixedRate ? { fixedRate: { ratePerSecond: settings.fixedRatePerSecond, durationMs: settings.fixedRateMs, settleMs: settings.fixedRateSettleMs } } : {}),
      // Lavka's statements are counted below its driver (queries per update, a target).
      captureSql: row.system.startsWith('lavka'),
    };
    const result = await runChild<ThroughputJob, ThroughputChildResult>(CHILD, job, { stdoutFile: logFile });
    let logBytes = 0;
    try {
      logBytes = statSync(logFile).size;
    } catch {
      // No log: a baseline.
    }
    const saturated = result.saturated;
    const loadAverage = round(loadavg()[0] ?? 0, 2);
    print(
      `  round ${roundIndex + 1} ${row.label.padEnd(34)} ${formatNumber(saturated.updatesPerSecond).padStart(6)} updates/s saturated` +
        (result.fixedRate ? `, p99 ${formatNumber(result.fixedRate.latency.p99Ms, 1)} ms at ${settings.fixedRatePerSecond}/s` : '') +
        (result.settle ? ` after ${formatNumber(result.settle.ms / 1000)} s unmeasured` : '') +
        ` (load ${loadAverage})`,
    );
    return { row, round: roundIndex, result, logBytes, loadAverage };
  } finally {
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const records: RunRecord[] = [];
const load = trackLoad();
try {
  for (let roundIndex = 0; roundIndex < settings.rounds; roundIndex += 1) {
    // Interleaved and rotated: drift in the machine's load spreads over every system.
    const inRound = rows.filter((row) => row.everyRound || roundIndex === 0);
    const shift = roundIndex % inRound.length;
    for (const row of [...inRound.slice(shift), ...inRound.slice(0, shift)]) records.push(await runRow(row, roundIndex));
  }
} finally {
  await stub.close();
  rmSync(workDir, { recursive: true, force: true });
}
const loadSpan = load.end();

/** Everything the report says about one row, pooled over its rounds. */
interface RowReport {
  key: string;
  label: string;
  system: SystemName;
  note?: string;
  rounds: { round: number; updatesPerSecond: number; elapsedMs: number; updates: number; peakRssMb: number; startMs: number; fixedRateP99Ms: number | null; loadAverage: number }[];
  throughput: SpreadSummary;
  saturatedLatency: LatencySummary;
  /** Each round's own saturated p99: median, min and max. */
  saturatedP99: SpreadSummary;
  fixedRate?: {
    offeredPerSecond: number;
    achievedPerSecond: number;
    /** Pooled over rounds: one noisy round dominates its tail. */
    latency: LatencySummary;
    /** Each round's own p99, and their median: robust to one round disturbed by the machine. */
    p99PerRoundMs: number[];
    p99MedianMs: number;
    /** The rounds' p99: median, min and max. */
    p99: SpreadSummary;
    /** Each round's achieved rate: median, min and max. */
    achieved: SpreadSummary;
    shed: number;
    /** Median of the rounds' shed arrivals: what the target is judged on. */
    shedMedian: number;
    maxDispatchLagMs: number;
    byStep: Record<string, LatencySummary>;
  };
  peakRssMb: number;
  /** RSS once started and peak RSS of each round: median, min and max. */
  startRss: SpreadSummary;
  peakRss: SpreadSummary;
  /**
   * SQL statements per update of the measured phases (Lavka only), counted below the driver:
   * `queries` without transaction control, `transactions` the COMMITs.
   */
  sqlPerUpdate?: { queries: number; transactions: number; top: { sql: string; perUpdate: number }[] };
  /** RSS once started, before the first update (median of rounds). */
  startRssMb: number;
  apiCallsPerUpdate: number;
  apiCalls: Record<string, number>;
  updatesPerRound: number;
  errors: { handler: number; script: number; unansweredCallbacks: number; invalidApiCalls: number; samples: string[] };
  logBytesPerUpdate: number;
  shareOfGrammy?: number;
}

const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;
const pooled = (phases: PhaseReport[]) => summarizeLatencies(phases.flatMap((phase) => phase.latenciesMs));

const reports: RowReport[] = rows
  .map((row) => {
    const mine = records.filter((record) => record.row.key === row.key);
    if (mine.length === 0) return undefined;
    const saturated = mine.map((record) => record.result.saturated);
    const fixed = mine.flatMap((record) => (record.result.fixedRate ? [record.result.fixedRate] : []));
    const apiCalls: Record<string, number> = {};
    for (const phase of saturated) for (const [method, count] of Object.entries(phase.apiCalls)) apiCalls[method] = (apiCalls[method] ?? 0) + count;
    const updates = saturated.reduce((sum, phase) => sum + phase.updates, 0);
    const allUpdates =
      updates + fixed.reduce((sum, phase) => sum + phase.updates, 0) + mine.reduce((sum, record) => sum + record.result.warmup.updates + (record.result.settle?.updates ?? 0), 0);
    const sqlPerUpdate = statementsPerUpdate(mine.map((record) => record.result));
    const report: RowReport = {
      ...(sqlPerUpdate ? { sqlPerUpdate } : {}),
      key: row.key,
      label: row.label,
      system: row.system,
      ...(row.note ? { note: row.note } : {}),
      rounds: mine.map((record) => ({
        round: record.round + 1,
        updatesPerSecond: round(record.result.saturated.updatesPerSecond, 1),
        elapsedMs: round(record.result.saturated.elapsedMs, 0),
        updates: record.result.saturated.updates,
        peakRssMb: round(record.result.peakRssMb, 1),
        startMs: round(record.result.startMs, 0),
        fixedRateP99Ms: record.result.fixedRate ? round(record.result.fixedRate.latency.p99Ms, 2) : null,
        loadAverage: record.loadAverage,
      })),
      throughput: summarizeSpread(saturated.map((phase) => phase.updatesPerSecond)),
      saturatedLatency: pooled(saturated),
      saturatedP99: summarizeSpread(saturated.map((phase) => phase.latency.p99Ms)),
      startRss: summarizeSpread(mine.map((record) => record.result.rssAfterStartMb)),
      peakRss: summarizeSpread(mine.map((record) => record.result.peakRssMb)),
      peakRssMb: Math.max(...mine.map((record) => record.result.peakRssMb)),
      startRssMb: summarizeSpread(mine.map((record) => record.result.rssAfterStartMb)).median,
      apiCallsPerUpdate: updates > 0 ? Object.values(apiCalls).reduce((sum, count) => sum + count, 0) / updates : 0,
      apiCalls,
      updatesPerRound: saturated[0]?.updates ?? 0,
      errors: {
        handler: mine.reduce(
          (sum, record) => sum + record.result.botErrors + record.result.saturated.handlerErrors + (record.result.settle?.handlerErrors ?? 0) + (record.result.fixedRate?.handlerErrors ?? 0),
          0,
        ),
        script: mine.reduce(
          (sum, record) =>
            sum +
            record.result.warmup.scriptFailures +
            record.result.saturated.scriptFailures +
            (record.result.settle?.scriptFailures ?? 0) +
            (record.result.fixedRate?.scriptFailures ?? 0),
          0,
        ),
        unansweredCallbacks: mine.reduce((sum, record) => sum + record.result.saturated.unansweredCallbacks + (record.result.fixedRate?.unansweredCallbacks ?? 0), 0),
        invalidApiCalls: mine.reduce((sum, record) => sum + record.result.warmup.invalidApiCalls, 0),
        samples: mine
          .flatMap((record) => [
            ...record.result.warmup.invalidSamples,
            ...record.result.saturated.failureSamples,
            ...(record.result.settle?.failureSamples ?? []),
            ...(record.result.fixedRate?.failureSamples ?? []),
          ])
          .slice(0, 5),
      },
      logBytesPerUpdate: allUpdates > 0 ? mine.reduce((sum, record) => sum + record.logBytes, 0) / allUpdates : 0,
    };
    if (fixed.length > 0) {
      const labels = [...new Set(fixed.flatMap((phase) => Object.keys(phase.byStep)))];
      report.fixedRate = {
        offeredPerSecond: settings.fixedRatePerSecond,
        achievedPerSecond: fixed.reduce((sum, phase) => sum + phase.updates, 0) / (fixed.reduce((sum, phase) => sum + phase.elapsedMs, 0) / 1000),
        latency: pooled(fixed),
        p99PerRoundMs: fixed.map((phase) => round(phase.latency.p99Ms, 2)),
        p99MedianMs: summarizeSpread(fixed.map((phase) => phase.latency.p99Ms)).median,
        p99: summarizeSpread(fixed.map((phase) => phase.latency.p99Ms)),
        achieved: summarizeSpread(fixed.map((phase) => phase.updatesPerSecond)),
        shed: fixed.reduce((sum, phase) => sum + (phase.shed ?? 0), 0),
        shedMedian: summarizeSpread(fixed.map((phase) => phase.shed ?? 0)).median,
        maxDispatchLagMs: Math.max(...fixed.map((phase) => phase.maxDispatchLagMs ?? 0)),
        byStep: Object.fromEntries(labels.map((label) => [label, summarizeStep(fixed, label)])),
      };
    }
    return report;
  })
  .filter((report): report is RowReport => report !== undefined);

/** Statements the measured phases ran, per update handled in them (children that captured SQL). */
function statementsPerUpdate(results: ThroughputChildResult[]): RowReport['sqlPerUpdate'] {
  const captured = results.filter((result) => result.sql);
  if (captured.length === 0) return undefined;
  const updates = captured.reduce((sum, result) => sum + result.saturated.updates + (result.settle?.updates ?? 0) + (result.fixedRate?.updates ?? 0), 0);
  if (updates === 0) return undefined;
  const counts = new Map<string, number>();
  for (const result of captured) for (const statement of result.sql ?? []) counts.set(statement.sql, (counts.get(statement.sql) ?? 0) + statement.count);
  let queries = 0;
  let transactions = 0;
  for (const [text, count] of counts) {
    if (/^\s*commit\b/i.test(text)) transactions += count;
    if (!TRANSACTION_CONTROL.test(text)) queries += count;
  }
  const top = [...counts]
    .filter(([text]) => !TRANSACTION_CONTROL.test(text))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 14)
    .map(([text, count]) => ({ sql: text.replace(/\s+/g, ' ').slice(0, 120), perUpdate: round(count / updates, 3) }));
  return { queries: round(queries / updates, 2), transactions: round(transactions / updates, 2), top };
}
function summarizeStep(phases: PhaseReport[], label: string): LatencySummary {
  // Per-step samples are not kept raw: the rounds' summaries are merged, taking the worst
  // round's percentiles (exact when there is one round).
  const summaries = phases.map((phase) => phase.byStep[label]).filter((summary): summary is LatencySummary => summary !== undefined);
  const count = summaries.reduce((sum, summary) => sum + summary.count, 0);
  return {
    count,
    meanMs: summaries.reduce((sum, summary) => sum + summary.meanMs * summary.count, 0) / Math.max(1, count),
    p50Ms: Math.max(...summaries.map((summary) => summary.p50Ms)),
    p95Ms: Math.max(...summaries.map((summary) => summary.p95Ms)),
    p99Ms: Math.max(...summaries.map((summary) => summary.p99Ms)),
    maxMs: Math.max(...summaries.map((summary) => summary.maxMs)),
  };
}

const grammy = reports.find((report) => report.key === 'grammy');
for (const report of reports) {
  if (grammy && grammy.throughput.median > 0) report.shareOfGrammy = report.throughput.median / grammy.throughput.median;
}

const ms = (value: number) => formatNumber(value, value < 10 ? 2 : 1);
const saturatedColumns: Column<RowReport>[] = [
  { header: 'system', value: (row) => row.label },
  { header: 'updates/s (min–max)', numeric: true, value: (row) => formatSpread(row.throughput) },
  { header: 'CV', numeric: true, value: (row) => (row.throughput.runs > 1 ? `${formatNumber(row.throughput.cv * 100)}%` : '—') },
  { header: 'vs grammY', numeric: true, value: (row) => (row.shareOfGrammy === undefined ? '—' : `${formatNumber(row.shareOfGrammy * 100)}%`) },
  { header: 'p50 ms pooled', numeric: true, value: (row) => ms(row.saturatedLatency.p50Ms) },
  { header: 'p95 ms pooled', numeric: true, value: (row) => ms(row.saturatedLatency.p95Ms) },
  { header: 'p99 ms (min–max)', numeric: true, value: (row) => formatSpread(row.saturatedP99, ms) },
  { header: 'RSS start MB', numeric: true, value: (row) => formatSpread(row.startRss) },
  { header: 'peak RSS MB', numeric: true, value: (row) => formatSpread(row.peakRss) },
  { header: 'API calls/upd', numeric: true, value: (row) => formatNumber(row.apiCallsPerUpdate, 2) },
  { header: 'SQL/upd (commits)', numeric: true, value: (row) => (row.sqlPerUpdate ? `${formatNumber(row.sqlPerUpdate.queries, 2)} (${formatNumber(row.sqlPerUpdate.transactions, 2)})` : '—') },
  { header: 'errors', numeric: true, value: (row) => String(row.errors.handler + row.errors.script + row.errors.unansweredCallbacks + row.errors.invalidApiCalls) },
];
const fixedColumns: Column<RowReport>[] = [
  { header: 'system', value: (row) => row.label },
  { header: 'offered/s', numeric: true, value: (row) => formatNumber(row.fixedRate?.offeredPerSecond ?? 0) },
  { header: 'achieved/s (min–max)', numeric: true, value: (row) => (row.fixedRate ? formatSpread(row.fixedRate.achieved) : '—') },
  { header: 'p50 ms pooled', numeric: true, value: (row) => ms(row.fixedRate?.latency.p50Ms ?? Number.NaN) },
  { header: 'p95 ms pooled', numeric: true, value: (row) => ms(row.fixedRate?.latency.p95Ms ?? Number.NaN) },
  { header: 'p99 ms (min–max)', numeric: true, value: (row) => (row.fixedRate ? formatSpread(row.fixedRate.p99, ms) : '—') },
  { header: 'p99 per round', numeric: true, value: (row) => (row.fixedRate?.p99PerRoundMs ?? []).map((value) => ms(value)).join(', ') },
  { header: 'max ms pooled', numeric: true, value: (row) => ms(row.fixedRate?.latency.maxMs ?? Number.NaN) },
  { header: 'shed', numeric: true, value: (row) => String(row.fixedRate?.shed ?? 0) },
];

print(
  `\nSaturated: ${settings.concurrency} chats in flight, ${reports[0]?.updatesPerRound ?? 0} updates per run; median (min–max) of rounds, p50/p95 pooled over rounds; ${loadLine(loadSpan, machine)}`,
);
print(formatTable(saturatedColumns, reports));
const withFixed = reports.filter((report) => report.fixedRate);
print(
  `\nFixed offered rate: ${settings.fixedRatePerSecond} updates/s over ${settings.users} chats for ${settings.fixedRateMs / 1000} s (latency from scheduled arrival; ` +
    `p50/p95/max pooled, p99 and achieved/s the median (min–max) of the rounds'; shed: total); ${loadLine(loadSpan, machine)}`,
);
print(formatTable(fixedColumns, withFixed));
for (const report of reports) if (report.note) print(`Note — ${report.label}: ${report.note}.`);
for (const report of reports) {
  if (report.errors.samples.length > 0) print(`Problems — ${report.label}: ${report.errors.samples.join(' | ')}`);
}

for (const report of reports) {
  if (report.sqlPerUpdate) print(`SQL per update — ${report.label}: ${report.sqlPerUpdate.top.map((item) => `${item.perUpdate} × ${item.sql}`).join(' | ')}`);
}

const lavkaSqlite = reports.find((report) => report.key === 'lavka-sqlite');
const slowest = Object.entries(lavkaSqlite?.fixedRate?.byStep ?? {})
  .sort((a, b) => b[1].p99Ms - a[1].p99Ms)
  .slice(0, 4);
if (slowest.length > 0) {
  print(`Lavka (SQLite) at ${settings.fixedRatePerSecond}/s, slowest steps by p99: ${slowest.map(([label, summary]) => `${label} ${ms(summary.p99Ms)} ms`).join(', ')}`);
}

/** A goal from the issue, with whether this run met it. */
interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}
const lavkaPostgres = reports.find((report) => report.key === 'lavka-postgres');
/** The share of bare grammY's saturated rate, against the issue's floor for that database. */
const shareTarget = (report: RowReport | undefined, database: string, floor: number): TargetCheck => ({
  target: `Lavka keeps ≥ ${floor}× bare grammY's saturated throughput with everything on (${database})`,
  measured: report?.shareOfGrammy === undefined ? 'not measured' : `${formatNumber(report.shareOfGrammy, 2)}×`,
  met: report?.shareOfGrammy === undefined ? null : report.shareOfGrammy >= floor,
});
/** p99 at the fixed rate, judged on the median of the rounds' own p99 (one disturbed round does not decide). */
const p99Target = (report: RowReport | undefined, database: string): TargetCheck => ({
  target: `p99 handling latency < 30 ms at ${settings.fixedRatePerSecond} updates/s (${database})`,
  measured: report?.fixedRate
    ? `${ms(report.fixedRate.p99MedianMs)} ms (median of rounds: ${report.fixedRate.p99PerRoundMs.map((value) => ms(value)).join(', ')}; achieved ${formatNumber(report.fixedRate.achievedPerSecond)}/s)`
    : 'not measured',
  met: report?.fixedRate ? report.fixedRate.p99MedianMs < 30 && report.fixedRate.shedMedian === 0 : null,
});
const statementsTarget = (report: RowReport | undefined, database: string): TargetCheck => ({
  target: `≤ 3 SQL statements per update on average, one transaction per update that writes (${database})`,
  measured: report?.sqlPerUpdate ? `${formatNumber(report.sqlPerUpdate.queries, 2)} statements, ${formatNumber(report.sqlPerUpdate.transactions, 2)} commits per update` : 'not measured',
  met: report?.sqlPerUpdate ? report.sqlPerUpdate.queries <= 3 && report.sqlPerUpdate.transactions <= 1 : null,
});
const targets: TargetCheck[] = [
  shareTarget(lavkaSqlite, 'SQLite', 0.8),
  shareTarget(lavkaPostgres, 'PostgreSQL', 0.7),
  p99Target(lavkaSqlite, 'SQLite'),
  p99Target(lavkaPostgres, 'PostgreSQL'),
  statementsTarget(lavkaSqlite, 'SQLite'),
  statementsTarget(lavkaPostgres, 'PostgreSQL'),
];
print('\nTargets (goals, not assertions):');
for (const check of targets) print(`  ${check.met === null ? '?' : check.met ? 'MET   ' : 'MISSED'}  ${check.target}: ${check.measured}`);

const command = benchCommand('throughput');
const data = {
  settings: { ...settings, lavkaFrom, scriptStepsPerVisit: visit, script: SHOP_VISIT.map((step) => step.label) },
  rows: reports,
  targets,
  load: loadSpan,
};
const { file } = writeResults('throughput', data, { scale, command, machine });
const chart = renderSystemsChart({
  title: 'Lavka update handling vs bare grammY and Telegraf (shop mix)',
  subtitle: `${machineLine(machine)} · ${command} · ${new Date().toISOString().slice(0, 16)}Z`,
  throughputTitle: `Saturated throughput, ${settings.concurrency} chats in flight (${settings.rounds > 1 ? `median of ${settings.rounds} rounds, whiskers show their range` : 'one round'})`,
  throughput: reports.map((report) => ({ label: report.label, updatesPerSecond: report.throughput.median, min: report.throughput.min, max: report.throughput.max })),
  latencyTitle: `Handling latency at ${settings.fixedRatePerSecond} updates/s offered`,
  latency: withFixed.map((report) => ({ label: report.label, p50Ms: report.fixedRate?.latency.p50Ms ?? 0, p95Ms: report.fixedRate?.latency.p95Ms ?? 0, p99Ms: report.fixedRate?.p99MedianMs ?? 0 })),
  latencyTargetMs: 30,
});
const svg = writeResultFile('throughput.svg', chart);
print(`\nResults: ${path.relative(process.cwd(), file)}, bench/results/latest.json; chart: ${path.relative(process.cwd(), svg)}`);
