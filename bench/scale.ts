// Scale of data: the throughput mix on an empty database and on one holding 100 000 users,
// 1 000 000 orders (with their lines), 1 000 000 wallet ledger rows, a session per user and a
// week of processed update ids, side by side; then the plan of every statement the hot path
// ran, with full scans of large tables flagged.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrator.ts';
import { discoverModules, migrationGroups } from '../src/modules/registry.ts';
import { runChild } from './lib/child.ts';
import { benchCommand, benchScale, envInt } from './lib/config.ts';
import { explainPostgres, explainSqlite, type StatementPlan } from './lib/explain.ts';
import { loadLine, machineLine, trackLoad, type LoadSpan } from './lib/machine.ts';
import { quietMachine } from './lib/quiet.ts';
import { createBenchSchema, postgresAvailable, type BenchSchema } from './lib/postgres.ts';
import { writeResults } from './lib/results.ts';
import { SEED_FIRST_USER_ID, seedPostgres, seedSqlite, type SeedReport, type SeedSizes } from './lib/seed.ts';
import { SHOP_VISIT } from './lib/shop-script.ts';
import { round, summarizeSpread, type SpreadSummary } from './lib/stats.ts';
import { startStubBotApi } from './lib/stub-api.ts';
import { formatNumber, formatSpread, formatTable, print, type Column } from './lib/table.ts';
import type { CapturedStatement } from './lib/sql-capture.ts';
import type { ThroughputChildResult, ThroughputJob } from './lib/throughput-child.ts';

const CHILD = path.join(import.meta.dirname, 'lib', 'throughput-child.ts');
const scale = benchScale();
const visit = SHOP_VISIT.length;
const sizes: SeedSizes =
  scale === 'small'
    ? { users: 10_000, orders: 100_000, ledgerRows: 100_000, processedUpdates: 100_000 }
    : { users: 100_000, orders: 1_000_000, ledgerRows: 1_000_000, processedUpdates: 1_000_000 };
const settings = {
  rounds: envInt('BENCH_SCALE_ROUNDS', scale === 'small' ? 1 : 2),
  users: scale === 'small' ? 48 : 96,
  concurrency: scale === 'small' ? 16 : 32,
  warmupSteps: visit,
  measuredSteps: (scale === 'small' ? 2 : 3) * visit,
  fixedRatePerSecond: 500,
  fixedRateMs: scale === 'small' ? 3000 : 4000,
  sendBudgetPerSecond: 1000,
};
const withPostgres = (process.env.BENCH_SCALE_POSTGRES ?? 'on') !== 'off' && (await postgresAvailable());

const machine = await quietMachine();
print(`Machine: ${machineLine(machine)}`);
print(
  `Scale ${scale}: seeded database = ${formatNumber(sizes.users)} users (+ a session each), ${formatNumber(sizes.orders)} orders (+ a line each), ` +
    `${formatNumber(sizes.ledgerRows)} ledger rows, ${formatNumber(sizes.processedUpdates)} processed update ids. Same mix as the throughput benchmark; ` +
    `the benchmark's users are seeded users with ~${Math.round(sizes.orders / sizes.users)} orders each.`,
);
if (!withPostgres) print('PostgreSQL: skipped (unreachable, or BENCH_SCALE_POSTGRES=off).');

const stub = await startStubBotApi();
const workDir = mkdtempSync(path.join(tmpdir(), 'lavka-bench-scale-'));
const modules = await discoverModules();

/** A database for one side of the comparison. */
interface Target {
  dialect: 'sqlite' | 'postgres';
  data: 'empty' | 'seeded';
  url: string;
  file?: string;
  schema?: BenchSchema;
  seed?: SeedReport;
}

async function prepare(dialect: Target['dialect'], data: Target['data']): Promise<Target> {
  let target: Target;
  if (dialect === 'sqlite') {
    const file = path.join(workDir, `${data}.db`);
    target = { dialect, data, url: `sqlite:${file}`, file };
  } else {
    const schema = await createBenchSchema();
    target = { dialect, data, url: schema.url, schema };
  }
  const handle = await createDatabase({ url: target.url });
  await migrate(handle, migrationGroups(modules));
  await handle.close();
  if (data === 'seeded') {
    target.seed = dialect === 'sqlite' ? seedSqlite(target.file as string, sizes) : await seedPostgres(target.url, sizes);
    print(`  ${dialect}: seeded ${Object.entries(target.seed.rows).map(([table, rows]) => `${table} ${formatNumber(rows)}`).join(', ')} in ${formatNumber(target.seed.seconds, 1)} s`);
    if (target.seed.missingTables.length > 0) print(`  ${dialect}: tables not there yet, not seeded: ${target.seed.missingTables.join(', ')}`);
    for (const [table, error] of Object.entries(target.seed.failedTables)) print(`  ${dialect}: could not seed ${table}: ${error}`);
  }
  return target;
}

async function measure(target: Target, captureSql: boolean): Promise<ThroughputChildResult> {
  const job: ThroughputJob = {
    system: target.dialect === 'sqlite' ? 'lavka-sqlite' : 'lavka-postgres',
    options: { apiRoot: stub.apiRoot, databaseUrl: target.url, env: { SEND_RATE_PER_SECOND: String(settings.sendBudgetPerSecond) } },
    firstUserId: SEED_FIRST_USER_ID,
    users: settings.users,
    concurrency: settings.concurrency,
    warmupSteps: settings.warmupSteps,
    measuredSteps: settings.measuredSteps,
    fixedRate: { ratePerSecond: settings.fixedRatePerSecond, durationMs: settings.fixedRateMs },
    captureSql,
  };
  const result = await runChild<ThroughputJob, ThroughputChildResult>(CHILD, job, { stdoutFile: path.join(workDir, `${target.dialect}-${target.data}.log`) });
  print(
    `  ${target.dialect} ${target.data.padEnd(6)} ${formatNumber(result.saturated.updatesPerSecond).padStart(5)} updates/s saturated, ` +
      `p99 ${formatNumber(result.fixedRate?.latency.p99Ms ?? Number.NaN, 1)} ms at ${settings.fixedRatePerSecond}/s`,
  );
  return result;
}

/**
 * The wallet is not on the shop's hot path, so its per-user reads (balance, a history page)
 * are run once by hand on the seeded ledger and planned too. The wallet module is still
 * moving: if its service changed shape, this says so instead of failing the benchmark.
 */
async function walletReads(url: string): Promise<{ statements: CapturedStatement[]; error?: string }> {
  const { captureSql } = await import('./lib/sql-capture.ts');
  const capture = captureSql(url);
  const handle = await createDatabase({ url });
  try {
    const { createWalletService } = await import('../src/modules/wallet/wallet.service.ts');
    const { createUsersService } = await import('../src/modules/users/users.service.ts');
    const { createEvents } = await import('../src/platform/events.ts');
    const wallet = createWalletService({ db: handle.db, now: Date.now, users: createUsersService({ db: handle.db, now: Date.now, adminIds: [] }), events: createEvents() });
    capture.start();
    await wallet.balance(SEED_FIRST_USER_ID + 1);
    await wallet.history(SEED_FIRST_USER_ID + 1, 1, 10);
    capture.stop();
    return { statements: capture.statements() };
  } catch (error) {
    return { statements: [], error: (error as Error).message };
  } finally {
    capture.stop();
    await handle.close();
  }
}

/** One dialect's comparison. */
interface DialectReport {
  dialect: 'sqlite' | 'postgres';
  seed: SeedReport | undefined;
  empty: ThroughputChildResult[];
  seeded: ThroughputChildResult[];
  plans: StatementPlan[];
  walletPlans: StatementPlan[];
  walletError?: string;
  rowCounts: Record<string, number>;
  updatesCaptured: number;
  /** Load average when this dialect's throughput rounds began and ended (seeding excluded). */
  load?: LoadSpan;
}

const reports: DialectReport[] = [];
try {
  for (const dialect of ['sqlite', ...(withPostgres ? ['postgres' as const] : [])] as const) {
    const empty = await prepare(dialect, 'empty');
    const seeded = await prepare(dialect, 'seeded');
    const report: DialectReport = { dialect, seed: seeded.seed, empty: [], seeded: [], plans: [], walletPlans: [], rowCounts: {}, updatesCaptured: 0 };
    try {
      const load = trackLoad();
      for (let index = 0; index < settings.rounds; index += 1) {
        report.empty.push(await measure(empty, false));
        report.seeded.push(await measure(seeded, index === 0));
      }
      report.load = load.end();
      const captured = report.seeded[0]?.sql ?? [];
      report.updatesCaptured = (report.seeded[0]?.saturated.updates ?? 0) + (report.seeded[0]?.fixedRate?.updates ?? 0);
      const explained = dialect === 'sqlite' ? explainSqlite(seeded.file as string, captured) : await explainPostgres(seeded.url, captured);
      report.plans = explained.plans;
      report.rowCounts = Object.fromEntries(explained.rowCounts);
      const wallet = await walletReads(seeded.url);
      if (wallet.error) report.walletError = wallet.error;
      report.walletPlans = (dialect === 'sqlite' ? explainSqlite(seeded.file as string, wallet.statements) : await explainPostgres(seeded.url, wallet.statements)).plans;
    } finally {
      await empty.schema?.drop();
      await seeded.schema?.drop();
    }
    reports.push(report);
  }
} finally {
  await stub.close();
  rmSync(workDir, { recursive: true, force: true });
}

interface ComparisonRow {
  dialect: string;
  data: string;
  /** Median of the rounds' saturated rates. */
  updatesPerSecond: number;
  /** Each round's saturated rate, to show the noise next to the difference. */
  rounds: number[];
  throughput: SpreadSummary;
  /** Medians of the rounds' fixed-rate p50 and p99; the spreads beside them. */
  p50Ms: number;
  p99Ms: number;
  p50: SpreadSummary;
  p99: SpreadSummary;
  achievedPerSecond: number;
  achieved: SpreadSummary;
  ratio?: number;
  load?: LoadSpan;
}
const rows: ComparisonRow[] = [];
for (const report of reports) {
  for (const data of ['empty', 'seeded'] as const) {
    const results = report[data];
    const throughput = summarizeSpread(results.map((result) => result.saturated.updatesPerSecond));
    const fixed = results.map((result) => result.fixedRate).filter((phase) => phase !== undefined);
    const p50 = summarizeSpread(fixed.map((phase) => phase.latency.p50Ms));
    const p99 = summarizeSpread(fixed.map((phase) => phase.latency.p99Ms));
    const achieved = summarizeSpread(fixed.map((phase) => phase.updatesPerSecond));
    rows.push({
      dialect: report.dialect,
      data,
      updatesPerSecond: throughput.median,
      rounds: results.map((result) => result.saturated.updatesPerSecond),
      throughput,
      p50Ms: p50.median,
      p99Ms: p99.median,
      p50,
      p99,
      achievedPerSecond: achieved.median,
      achieved,
      ...(report.load ? { load: report.load } : {}),
    });
  }
  const [emptyRow, seededRow] = rows.slice(-2);
  if (emptyRow && seededRow && emptyRow.updatesPerSecond > 0) seededRow.ratio = seededRow.updatesPerSecond / emptyRow.updatesPerSecond;
}

const ms = (value: number) => formatNumber(value, value < 10 ? 2 : 1);
const comparisonColumns: Column<ComparisonRow>[] = [
  { header: 'database', value: (row) => `${row.dialect}, ${row.data}` },
  { header: 'updates/s (min–max)', numeric: true, value: (row) => formatSpread(row.throughput) },
  { header: 'seeded/empty', numeric: true, value: (row) => (row.ratio === undefined ? '' : `${formatNumber(row.ratio * 100)}%`) },
  { header: `p50 ms @${settings.fixedRatePerSecond}/s (min–max)`, numeric: true, value: (row) => formatSpread(row.p50, ms) },
  { header: `p99 ms @${settings.fixedRatePerSecond}/s (min–max)`, numeric: true, value: (row) => formatSpread(row.p99, ms) },
  { header: 'achieved/s (min–max)', numeric: true, value: (row) => formatSpread(row.achieved) },
  { header: 'load at start → end', numeric: true, value: (row) => (row.load ? `${row.load.startLoad1m} → ${row.load.endLoad1m}` : '—') },
];
const firstLoad = reports[0]?.load;
const lastLoad = reports.at(-1)?.load;
const overallLoad: LoadSpan | undefined = firstLoad && lastLoad ? { startLoad1m: firstLoad.startLoad1m, endLoad1m: lastLoad.endLoad1m } : undefined;
print(
  '',
  `Throughput, empty vs seeded database (same mix, same settings as the throughput benchmark; median (min–max) of ${settings.rounds} round(s)` +
    `${overallLoad ? `; ${loadLine(overallLoad, machine)}` : ''}):`,
  formatTable(comparisonColumns, rows),
);

const shortSql = (sql: string) => (sql.length > 110 ? `${sql.slice(0, 107)}...` : sql);
for (const report of reports) {
  const planColumns: Column<StatementPlan>[] = [
    { header: 'per upd', numeric: true, value: (plan) => formatNumber(plan.count / Math.max(1, report.updatesCaptured), 2) },
    { header: 'statement', value: (plan) => shortSql(plan.sql.replace(/\s+/g, ' ')) },
    {
      header: 'plan',
      value: (plan) =>
        plan.error
          ? `error: ${plan.error}`
          : plan.fullScans.length > 0
            ? `FULL SCAN ${plan.fullScans.map((scan) => `${scan.table} (${formatNumber(scan.rows)} rows)`).join(', ')}`
            : (report.dialect === 'sqlite' ? plan.plan.map((line) => line.trim()) : plan.plan.filter((line) => /Scan|Insert|Update|Delete/.test(line)).map((line) => line.trim().replace(/\s+\(cost=.*$/, ''))).join('; ').slice(0, 110),
    },
  ];
  const totalPerUpdate = report.plans.reduce((sum, plan) => sum + plan.count, 0) / Math.max(1, report.updatesCaptured);
  print('', `${report.dialect}: statements the hot path ran (${formatNumber(totalPerUpdate, 2)} per update, background jobs included), with their plans on the seeded database:`);
  print(formatTable(planColumns, report.plans));
  if (report.walletError) print(`${report.dialect}: wallet reads not measured: ${report.walletError}`);
  else if (report.walletPlans.length > 0) {
    print(`${report.dialect}: wallet reads (billing and stars presets) on ${formatNumber(report.rowCounts.wallet_ledger ?? 0)} ledger rows:`);
    print(formatTable(planColumns.slice(1), report.walletPlans));
  }
  const scans = [...report.plans, ...report.walletPlans].filter((plan) => plan.fullScans.length > 0);
  print(scans.length === 0 ? `${report.dialect}: no full scan of a table over 10 000 rows on the hot path.` : `${report.dialect}: ${scans.length} statement(s) scan a large table in full (see above).`);
}

const sqliteRow = rows.find((row) => row.dialect === 'sqlite' && row.data === 'seeded');
const noScans = reports.every((report) => [...report.plans, ...report.walletPlans].every((plan) => plan.fullScans.length === 0));
print('', 'Targets (goals, not assertions):');
print(`  ${noScans ? 'MET   ' : 'MISSED'}  no query on the hot path grows with the size of the data (no full scans of large tables)`);
if (sqliteRow?.ratio !== undefined) {
  print(`  info    SQLite throughput with the seeded data: ${formatNumber(sqliteRow.ratio * 100)} % of the empty database (compare with the spread between rounds: one run on a shared machine varies a lot)`);
}

const command = benchCommand('scale');
const { file } = writeResults(
  'scale',
  {
    sizes,
    settings,
    comparison: rows.map((row) => ({ ...row, rounds: row.rounds.map((value) => round(value, 1)), updatesPerSecond: round(row.updatesPerSecond, 1), p50Ms: round(row.p50Ms, 2), p99Ms: round(row.p99Ms, 2), ratio: row.ratio === undefined ? null : round(row.ratio, 3) })),
    load: overallLoad ?? null,
    dialects: reports.map((report) => ({
      dialect: report.dialect,
      seed: report.seed ?? null,
      rowCounts: report.rowCounts,
      statementsPerUpdate: round(report.plans.reduce((sum, plan) => sum + plan.count, 0) / Math.max(1, report.updatesCaptured), 2),
      plans: report.plans.map((plan) => ({ ...plan, perUpdate: round(plan.count / Math.max(1, report.updatesCaptured), 3) })),
      walletPlans: report.walletPlans,
      walletError: report.walletError ?? null,
    })),
    noFullScans: noScans,
  },
  { scale, command, machine },
);
print(`Results: ${path.relative(process.cwd(), file)}, bench/results/latest.json`);
