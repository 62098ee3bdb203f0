// Start-up: time from spawning `node src/main.ts` to the first update handled, and RSS at
// idle, against the Telegram simulator over HTTP. Polling mode, as `npm start` runs by
// default; the user's /start is already waiting in the simulator when the process starts.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulatorServer } from '../src/sim/index.ts';
import { benchCommand, benchScale, envInt } from './lib/config.ts';
import { describeMachine, machineLine } from './lib/machine.ts';
import { writeResults } from './lib/results.ts';
import { round, summarizeSpread, type SpreadSummary } from './lib/stats.ts';
import { formatNumber, formatTable, print, type Column } from './lib/table.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const TOKEN = '424242:BENCH-STARTUP-TOKEN';
const scale = benchScale();
const runsPerKind = envInt('BENCH_STARTUP_RUNS', scale === 'small' ? 2 : 4);
const idleMs = envInt('BENCH_STARTUP_IDLE_MS', scale === 'small' ? 2000 : 4000);
const TARGET_MS = 1500;

/** One process start. */
interface StartRun {
  kind: Kind;
  firstUpdateMs: number;
  idleRssMb: number;
  peakRssMb: number;
  shutdownMs: number;
}

/**
 * cold: a new database (migrations run); warm: a restart on an existing database, the usual
 * case after a deploy; warm+cache: the same with NODE_COMPILE_CACHE, which Node can keep
 * between starts (not enabled by Lavka today; measured to show what it would give).
 */
type Kind = 'cold' | 'warm' | 'warm+cache';

/** Reads VmRSS and VmHWM (peak) of a process from /proc, in MB; zeros where /proc is missing. */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: 0, peakMb: 0 };
  }
}

/** Resolves true when the process exits within `timeoutMs`, false otherwise. */
const waitForExit = (child: ChildProcess, timeoutMs = 30_000) =>
  new Promise<boolean>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

const machine = describeMachine();
print(`Machine: ${machineLine(machine)}`);
print(`Scale ${scale}: ${runsPerKind} start(s) of each kind; RSS read after ${idleMs / 1000} s idle. SQLite, shop preset, polling, logs at info to a file.`);

const server = await startSimulatorServer({ simulator: { token: TOKEN, rateLimits: false } });
const workDir = mkdtempSync(path.join(tmpdir(), 'lavka-bench-startup-'));
const runs: StartRun[] = [];
let nextUserId = 9_000_001;

async function startOnce(kind: Kind, databaseFile: string, compileCacheDir?: string): Promise<StartRun> {
  const userId = nextUserId++;
  const user = server.sim.user({ id: userId, first_name: 'Start', language_code: 'en' });
  let answeredAt = 0;
  const unsubscribe = server.sim.events.subscribe((event) => {
    // The chat also shows the user's own /start: only the bot's answer counts.
    if (answeredAt === 0 && event.type === 'message' && event.chatId === userId && event.message.from_bot) answeredAt = performance.now();
  });
  const log = openSync(path.join(workDir, `lavka-${kind}.log`), 'a');
  const startedAt = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'src', 'main.ts')], {
    cwd: workDir,
    stdio: ['ignore', log, log],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.apiRoot,
      BOT_MODE: 'polling',
      DATABASE_URL: `sqlite:${databaseFile}`,
      PORT: '0',
      HOST: '127.0.0.1',
      LAVKA_PRESET: 'shop',
      LOG_LEVEL: 'info',
      DAILY_REPORT_TIME: 'off',
      ...(compileCacheDir ? { NODE_COMPILE_CACHE: compileCacheDir } : {}),
    },
  });
  closeSync(log);
  await user.send('/start');
  try {
    const deadline = Date.now() + 60_000;
    while (answeredAt === 0) {
      if (child.exitCode !== null) throw new Error(`Lavka exited with ${child.exitCode} before answering; see ${workDir}`);
      if (Date.now() > deadline) throw new Error('Lavka did not answer /start within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const firstUpdateMs = answeredAt - startedAt;
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const memory = memoryOf(child.pid ?? 0);
    const stopAt = performance.now();
    child.kill('SIGTERM');
    // Lavka gives itself 15 s to drain; past that, a hung shutdown is a finding, not a wait.
    const exited = await waitForExit(child, 20_000);
    if (!exited) print(`  ${kind} start: the process did not exit within 20 s of SIGTERM (killed)`);
    return { kind, firstUpdateMs, idleRssMb: memory.rssMb, peakRssMb: memory.peakMb, shutdownMs: exited ? performance.now() - stopAt : Number.NaN };
  } finally {
    unsubscribe();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  }
}

try {
  const cacheDir = path.join(workDir, 'compile-cache');
  for (let index = 0; index < runsPerKind; index += 1) {
    // Kinds interleaved, so that a burst of load on the machine hits all of them alike.
    const databaseFile = path.join(workDir, `lavka-${index}.db`);
    runs.push(await startOnce('cold', databaseFile));
    runs.push(await startOnce('warm', databaseFile));
    if (index === 0) await startOnce('warm+cache', databaseFile, cacheDir); // fills the cache
    runs.push(await startOnce('warm+cache', databaseFile, cacheDir));
    print(`  start ${index + 1}: ${runs.slice(-3).map((run) => `${run.kind} ${formatNumber(run.firstUpdateMs)} ms`).join(', ')}`);
  }
} finally {
  await server.close();
  rmSync(workDir, { recursive: true, force: true });
}

interface KindReport {
  kind: Kind;
  firstUpdateMs: SpreadSummary;
  idleRssMb: SpreadSummary;
  peakRssMb: SpreadSummary;
  shutdownMs: SpreadSummary;
  meetsTarget: boolean;
}
const kinds: Kind[] = ['cold', 'warm', 'warm+cache'];
const reports: KindReport[] = kinds.map((kind) => {
  const mine = runs.filter((run) => run.kind === kind);
  const firstUpdateMs = summarizeSpread(mine.map((run) => run.firstUpdateMs));
  return {
    kind,
    firstUpdateMs,
    idleRssMb: summarizeSpread(mine.map((run) => run.idleRssMb)),
    peakRssMb: summarizeSpread(mine.map((run) => run.peakRssMb)),
    shutdownMs: summarizeSpread(mine.map((run) => run.shutdownMs).filter(Number.isFinite)),
    meetsTarget: firstUpdateMs.median < TARGET_MS,
  };
});

const columns: Column<KindReport>[] = [
  { header: 'start', value: (row) => row.kind },
  { header: 'first update ms (median)', numeric: true, value: (row) => formatNumber(row.firstUpdateMs.median) },
  { header: 'min–max ms', numeric: true, value: (row) => `${formatNumber(row.firstUpdateMs.min)}–${formatNumber(row.firstUpdateMs.max)}` },
  { header: 'idle RSS MB', numeric: true, value: (row) => formatNumber(row.idleRssMb.median) },
  { header: 'peak RSS MB', numeric: true, value: (row) => formatNumber(row.peakRssMb.median) },
  { header: 'SIGTERM→exit ms', numeric: true, value: (row) => formatNumber(row.shutdownMs.median) },
];
print('', formatTable(columns, reports), '');
const warm = reports.find((report) => report.kind === 'warm');
const cold = reports.find((report) => report.kind === 'cold');
print('Targets (goals, not assertions):');
print(`  ${warm?.meetsTarget ? 'MET   ' : 'MISSED'}  start-up < ${TARGET_MS / 1000} s (restart on an existing database): ${formatNumber(warm?.firstUpdateMs.median ?? Number.NaN)} ms`);
print(`  ${cold?.meetsTarget ? 'MET   ' : 'MISSED'}  start-up < ${TARGET_MS / 1000} s (first start, migrations on a new database): ${formatNumber(cold?.firstUpdateMs.median ?? Number.NaN)} ms`);

const command = benchCommand('startup');
const { file } = writeResults(
  'startup',
  {
    settings: { runsPerKind, idleMs, targetMs: TARGET_MS, mode: 'polling', database: 'sqlite', preset: 'shop' },
    kinds: reports.map((report) => ({ ...report, firstUpdateMs: { ...report.firstUpdateMs, median: round(report.firstUpdateMs.median, 0) } })),
    runs: runs.map((run) => ({ ...run, firstUpdateMs: round(run.firstUpdateMs, 1), idleRssMb: round(run.idleRssMb, 1), peakRssMb: round(run.peakRssMb, 1), shutdownMs: round(run.shutdownMs, 0) })),
  },
  { scale, command, machine },
);
print(`Results: ${path.relative(process.cwd(), file)}, bench/results/latest.json`);
