// Start-up: time from spawning what `npm start` runs to the first update handled, and RSS at
// idle, against the Telegram simulator over HTTP. Polling mode, as `npm start` runs by
// default; the user's /start is already waiting in the simulator when the process starts.

import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulatorServer } from '../src/sim/index.ts';
import { checkBundle } from '../src/bundle/bundle.freshness.ts';
import { benchCommand, benchScale, envInt } from './lib/config.ts';
import { loadLine, machineLine, trackLoad, type LoadSpan } from './lib/machine.ts';
import { quietMachine } from './lib/quiet.ts';
import { writeResults } from './lib/results.ts';
import { round, summarizeSpread, type SpreadSummary } from './lib/stats.ts';
import { formatNumber, formatSpread, formatTable, print, type Column } from './lib/table.ts';

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

const machine = await quietMachine();
print(`Machine: ${machineLine(machine)}`);
print(`Scale ${scale}: ${runsPerKind} start(s) of each kind; RSS read after ${idleMs / 1000} s idle. SQLite, shop preset, polling, logs at info to a file.`);
// What `npm start` runs (node dist/server/main.js): the start-up bundle while it matches the
// sources; src/main.ts stands in when no bundle was built.
const startScript = path.join(ROOT, (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ')[1] ?? '');
const NPM_START = existsSync(startScript) ? startScript : path.join(ROOT, 'src', 'main.ts');
const bundle = checkBundle(ROOT);
const startedFrom = bundle.fresh ? 'bundle' : `sources (${bundle.reason}; npm run build:server builds the bundle)`;
print(`npm start runs ${path.relative(ROOT, NPM_START)}: the ${startedFrom === 'bundle' ? 'start-up bundle (dist/server)' : startedFrom}.`);

const server = await startSimulatorServer({ simulator: { token: TOKEN, rateLimits: false } });
const workDir = mkdtempSync(path.join(tmpdir(), 'lavka-bench-startup-'));
const runs: StartRun[] = [];
const idleRuns: IdleRun[] = [];
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
  const child = spawn(process.execPath, [NPM_START], {
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

/**
 * Time to the first getUpdates and RSS after it, Lavka beside bare grammY: each process is
 * spawned against the simulator through a small proxy that notes when the first getUpdates
 * arrives (the moment the bot is ready for updates); RSS is read {@link IDLE_AFTER_POLL_MS}
 * later. The sandbox (no token: the bot polls its own simulator inside the process) is timed
 * to its page answering instead. Lavka restarts on a database it migrated before (the usual
 * start, after a deploy), except in the rows that say "new database" (migrations run first).
 */
type IdleSystem = 'Lavka (polling)' | 'Lavka (polling, new database)' | 'Lavka (polling, sources)' | 'Lavka (sandbox, new database)' | 'bare grammY (polling)';
const IDLE_SYSTEMS: IdleSystem[] = ['Lavka (polling)', 'Lavka (polling, new database)', 'Lavka (polling, sources)', 'Lavka (sandbox, new database)', 'bare grammY (polling)'];
/** The restarted systems' databases, migrated by one start before any is measured. */
const warmDatabases = new Map<IdleSystem, string>();
const IDLE_AFTER_POLL_MS = 3000;
const POLL_TARGET_MS = 600;
const IDLE_RSS_TARGET_MB = 120;

interface IdleRun {
  system: IdleSystem;
  readyMs: number;
  rssMb: number;
}

/** A proxy to the simulator's Bot API that resolves the moment of the first getUpdates. */
async function pollWatcher(upstream: string): Promise<{ apiRoot: string; firstPoll: () => number; close: () => Promise<void> }> {
  const target = new URL(upstream);
  let firstPollAt = 0;
  const proxy = http.createServer((request, response) => {
    if (firstPollAt === 0 && request.url?.endsWith('/getUpdates')) firstPollAt = performance.now();
    const forward = http.request({ host: target.hostname, port: target.port, path: `${target.pathname.replace(/\/$/, '')}${request.url ?? ''}`, method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${address.port}`,
    firstPoll: () => firstPollAt,
    close: () => new Promise((resolve) => proxy.close(() => resolve())),
  };
}

/** A free TCP port on 127.0.0.1 (for the sandbox, whose page is what is timed). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function idleOnce(system: IdleSystem): Promise<IdleRun> {
  const watcher = await pollWatcher(server.apiRoot);
  const databaseFile = warmDatabases.get(system) ?? path.join(workDir, `idle-${nextUserId++}.db`);
  const port = await freePort();
  const script =
    system === 'bare grammY (polling)' ? path.join(ROOT, 'bench', 'baselines', 'grammy-start.ts') : system === 'Lavka (polling, sources)' ? path.join(ROOT, 'src', 'main.ts') : NPM_START;
  const log = openSync(path.join(workDir, 'idle.log'), 'a');
  const startedAt = performance.now();
  const child = spawn(process.execPath, [script], {
    cwd: workDir,
    stdio: ['ignore', log, log],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      ...(system === 'Lavka (sandbox, new database)' ? {} : { TELEGRAM_BOT_TOKEN: TOKEN, BOT_MODE: 'polling' }),
      // The same start without the start-up bundle (docs/decisions/0021), for comparison.
      ...(system === 'Lavka (polling, sources)' ? { LAVKA_BUNDLE: 'off' } : {}),
      TELEGRAM_API_ROOT: watcher.apiRoot,
      DATABASE_URL: `sqlite:${databaseFile}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      LAVKA_PRESET: 'shop',
      LOG_LEVEL: 'info',
      DAILY_REPORT_TIME: 'off',
    },
  });
  closeSync(log);
  try {
    const deadline = Date.now() + 60_000;
    let readyAt = 0;
    while (readyAt === 0) {
      if (child.exitCode !== null) throw new Error(`${system} exited with ${child.exitCode}; see ${workDir}`);
      if (Date.now() > deadline) throw new Error(`${system} was not ready within 60 s`);
      if (system === 'Lavka (sandbox, new database)') {
        const answered = await fetch(`http://127.0.0.1:${port}/sandbox`).then((response) => response.ok, () => false);
        if (answered) readyAt = performance.now();
      } else {
        readyAt = watcher.firstPoll();
      }
      if (readyAt === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, IDLE_AFTER_POLL_MS));
    const rssMb = memoryOf(child.pid ?? 0).rssMb;
    return { system, readyMs: readyAt - startedAt, rssMb };
  } finally {
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 20_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
    await watcher.close();
  }
}

let startsLoad: LoadSpan | undefined;
let idleLoad: LoadSpan | undefined;
try {
  const cacheDir = path.join(workDir, 'compile-cache');
  const startsTracker = trackLoad();
  for (let index = 0; index < runsPerKind; index += 1) {
    // Kinds interleaved, so that a burst of load on the machine hits all of them alike.
    const databaseFile = path.join(workDir, `lavka-${index}.db`);
    runs.push(await startOnce('cold', databaseFile));
    runs.push(await startOnce('warm', databaseFile));
    if (index === 0) await startOnce('warm+cache', databaseFile, cacheDir); // fills the cache
    runs.push(await startOnce('warm+cache', databaseFile, cacheDir));
    print(`  start ${index + 1}: ${runs.slice(-3).map((run) => `${run.kind} ${formatNumber(run.firstUpdateMs)} ms`).join(', ')}`);
  }
  startsLoad = startsTracker.end();
  for (const [index, system] of (['Lavka (polling)', 'Lavka (polling, sources)'] as const).entries()) {
    warmDatabases.set(system, path.join(workDir, `restarted-${index}.db`));
    await idleOnce(system); // migrates the database: not counted
  }
  const idleTracker = trackLoad();
  for (let index = 0; index < runsPerKind; index += 1) {
    // Rotated, so that no system always goes first after the previous one's exit.
    for (let offset = 0; offset < IDLE_SYSTEMS.length; offset += 1) {
      idleRuns.push(await idleOnce(IDLE_SYSTEMS[(index + offset) % IDLE_SYSTEMS.length] as IdleSystem));
    }
  }
  idleLoad = idleTracker.end();
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
  { header: 'first update ms (min–max)', numeric: true, value: (row) => formatSpread(row.firstUpdateMs) },
  { header: 'idle RSS MB (min–max)', numeric: true, value: (row) => formatSpread(row.idleRssMb) },
  { header: 'peak RSS MB (min–max)', numeric: true, value: (row) => formatSpread(row.peakRssMb) },
  { header: 'SIGTERM→exit ms (min–max)', numeric: true, value: (row) => formatSpread(row.shutdownMs) },
];
const loadText = (span: LoadSpan | undefined) => (span ? loadLine(span, machine) : 'load average not read');
print('', `Start to the first update answered, median (min–max) of ${runsPerKind} start(s) of each kind; ${loadText(startsLoad)}:`, formatTable(columns, reports), '');
const warm = reports.find((report) => report.kind === 'warm');
const cold = reports.find((report) => report.kind === 'cold');
print('Targets (goals, not assertions):');
print(`  ${warm?.meetsTarget ? 'MET   ' : 'MISSED'}  start-up < ${TARGET_MS / 1000} s (restart on an existing database): ${formatNumber(warm?.firstUpdateMs.median ?? Number.NaN)} ms`);
print(`  ${cold?.meetsTarget ? 'MET   ' : 'MISSED'}  start-up < ${TARGET_MS / 1000} s (first start, migrations on a new database): ${formatNumber(cold?.firstUpdateMs.median ?? Number.NaN)} ms`);

interface IdleReport {
  system: IdleSystem;
  readyMs: SpreadSummary;
  rssMb: SpreadSummary;
}
const idleReports: IdleReport[] = IDLE_SYSTEMS.map((system) => {
  const mine = idleRuns.filter((run) => run.system === system);
  return { system, readyMs: summarizeSpread(mine.map((run) => run.readyMs)), rssMb: summarizeSpread(mine.map((run) => run.rssMb)) };
});
const idleColumns: Column<IdleReport>[] = [
  { header: 'system', value: (row) => row.system },
  { header: 'ready ms (min–max)', numeric: true, value: (row) => formatSpread(row.readyMs) },
  { header: `RSS MB ${IDLE_AFTER_POLL_MS / 1000} s after (min–max)`, numeric: true, value: (row) => formatSpread(row.rssMb) },
];
print(
  `Ready: polling — spawn to the first getUpdates; sandbox — spawn to its page answering. Median (min–max) of ${runsPerKind} start(s) of each; ${loadText(idleLoad)}:`,
  formatTable(idleColumns, idleReports),
  '',
);
const lavkaPolling = idleReports.find((report) => report.system === 'Lavka (polling)');
print(`  ${(lavkaPolling?.readyMs.median ?? Infinity) < POLL_TARGET_MS ? 'MET   ' : 'MISSED'}  first getUpdates < ${POLL_TARGET_MS} ms (median): ${formatNumber(lavkaPolling?.readyMs.median ?? Number.NaN)} ms`);
print(`  ${(lavkaPolling?.rssMb.median ?? Infinity) < IDLE_RSS_TARGET_MB ? 'MET   ' : 'MISSED'}  RSS ${IDLE_AFTER_POLL_MS / 1000} s after it < ${IDLE_RSS_TARGET_MB} MB (median): ${formatNumber(lavkaPolling?.rssMb.median ?? Number.NaN)} MB`);

const command = benchCommand('startup');
const { file } = writeResults(
  'startup',
  {
    settings: { runsPerKind, idleMs, targetMs: TARGET_MS, mode: 'polling', database: 'sqlite', preset: 'shop', startedFrom },
    kinds: reports.map((report) => ({ ...report, firstUpdateMs: { ...report.firstUpdateMs, median: round(report.firstUpdateMs.median, 0) } })),
    idle: idleReports,
    idleRuns: idleRuns.map((run) => ({ ...run, readyMs: round(run.readyMs, 1), rssMb: round(run.rssMb, 1) })),
    runs: runs.map((run) => ({ ...run, firstUpdateMs: round(run.firstUpdateMs, 1), idleRssMb: round(run.idleRssMb, 1), peakRssMb: round(run.peakRssMb, 1), shutdownMs: round(run.shutdownMs, 0) })),
    load: startsLoad ?? null,
    idleLoad: idleLoad ?? null,
  },
  { scale, command, machine },
);
print(`Results: ${path.relative(process.cwd(), file)}, bench/results/latest.json`);
