// Broadcast benchmark: a 100 000-recipient broadcast through the real delivery engine
// (broadcasts service → outbox → sender → grammY over HTTP) against the Telegram simulator
// with its flood limits on. Reports the achieved rate as a share of the limit, 429s,
// duplicates, losses and the sender's peak memory; then the same with paid broadcasts
// (1000 msg/s); then a crash run: the sender process is SIGKILLed at random moments and
// restarted until the broadcast completes, and every recipient's copies are counted.
//
// The sender runs in a child process (its memory is its own, and it can be killed); the
// simulator runs here and counts what every chat received.
//
// At the default 30 msg/s, 100 000 messages take 55 minutes. Unless
// BROADCAST_BENCH_TIME_SCALE=1, that run uses a time-compressed clock shared by the simulator
// and the sender (both limiters, every wait and lease): at ×10 (the default) the engine does
// 300 real msg/s while both sides see 30 msg/s. Its rate figures are in simulated time and
// say so. (At ×20 a 2-core machine running both the simulator and the sender runs out of CPU
// before the engine runs out of budget, which would measure the machine, not the engine.)
//
// Besides the average (first to last message), every scenario reports its busiest second: the
// most messages the simulator accepted in any window [t, t + 1 s) over the real moments they
// arrived (performance.now() in this process; on a ×N clock the window is 1/N s of real time,
// one second of the clock both sides use), overall and for the busiest chat, against
// Telegram's 30 msg/s (1000 paid) and 1 msg/s per chat. An average at the limit can hide a
// burst above it; this cannot.
//
// Run: npx node bench/broadcast.ts        (BENCH_SCALE=small for a quick run)

import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Api } from 'grammy';
import { benchScale, envInt } from './lib/config.ts';
import { JOB_ENV, peakRssMb } from './lib/child.ts';
import { loadLine, machineLine, trackLoad } from './lib/machine.ts';
import { quietMachine } from './lib/quiet.ts';
import { writeResults } from './lib/results.ts';
import { maxPerKeyInAnyWindow, summarizeSendRate } from './lib/stats.ts';
import { formatNumber, formatTable } from './lib/table.ts';
import { businessConfigSchema } from '../src/config/business.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrator.ts';
import { broadcastHasWaiting, countBroadcastOutbox, createOutboxRepository } from '../src/delivery/outbox.repository.ts';
import { createRateLimiter, sleepMs } from '../src/delivery/rate-limiter.ts';
import { createOutboxSender, type ApiCall, type SenderStats, type UncertainResendPolicy } from '../src/delivery/sender.ts';
import { createBroadcastsService } from '../src/modules/broadcasts/broadcasts.service.ts';
import { discoverModules, migrationGroups } from '../src/modules/registry.ts';
import { createUsersService } from '../src/modules/users/users.service.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { createSimulator, startSimulatorServer, type TelegramSimulator } from '../src/sim/index.ts';
import { createTranslator } from '../src/telegram/i18n.ts';

const TOKEN = '424242:BROADCAST-BENCH-TOKEN';
const FIRST_USER_ID = 1_000_000;
const TEXT = 'Spring sale: 20% off everything until Sunday. Tap below to open the shop.';

/** What the parent asks one sender process to do. */
interface WorkerJob {
  databaseUrl: string;
  apiRoot: string;
  /** First run of the scenario (for the kill timing). Every run starts the broadcast if it is still a draft. */
  startBroadcast: boolean;
  paid: boolean;
  /** Clock speed-up shared with the simulator; 1 = real time. */
  timeScale: number;
  /** Epoch ms the scaled clock counts from (same in both processes). */
  clockOriginMs: number;
  leaseMs: number;
  uncertainResend: UncertainResendPolicy;
}

/** What a sender process reports when the broadcast has nothing left to send. */
interface WorkerResult {
  enqueueMs: number | null;
  sender: SenderStats;
  peakRssMb: number;
  peakHeapMb: number;
  outcomes: Record<string, number>;
}

/** One scenario's figures. */
interface ScenarioResult {
  scenario: string;
  recipients: number;
  limitPerSecond: number;
  timeScale: number;
  /** Rate from the first to the last delivered message, in (simulated) messages per second. */
  achievedPerSecond: number;
  shareOfLimit: number;
  /** Most messages accepted in any one second of the scenario's clock (sliding window over real arrival times). */
  maxInAnySecond: number;
  /** The same for the busiest single chat (Telegram: 1 per chat per second). */
  maxPerChatInAnySecond: number;
  perChatLimitPerSecond: number;
  /** Real milliseconds the one-second window spans (1000 / timeScale). */
  windowRealMs: number;
  tooManyRequests: number;
  duplicates: number;
  /** Recipients who got no copy. */
  losses: number;
  /** Rows a crash left without a known outcome (policy: not resent for broadcasts). */
  unconfirmed: number;
  kills: number;
  enqueueMs: number | null;
  wallSeconds: number;
  senderPeakRssMb: number;
  senderPeakHeapMb: number;
}

/** Prints a line to stdout (the report, not a log). */
const print = (text: string) => void process.stdout.write(`${text}\n`);

const scaledClock = (originMs: number, scale: number) => (scale === 1 ? Date.now : () => originMs + (Date.now() - originMs) * scale);

// ---------------------------------------------------------------------------------------
// The sender process.

async function runWorker(job: WorkerJob): Promise<WorkerResult> {
  const clock = scaledClock(job.clockOriginMs, job.timeScale);
  const sleep = (ms: number, signal?: AbortSignal) => sleepMs(ms / job.timeScale, signal);
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 250);

  const database = await createDatabase({ url: job.databaseUrl });
  const config = businessConfigSchema.parse({ modules: ['faq'] });
  const users = createUsersService({ db: database.db, now: clock, adminIds: [] });
  const broadcasts = createBroadcastsService({
    db: database.db,
    users,
    i18n: createTranslator({ defaultLocale: 'en' }),
    config,
    logger: silentLogger(),
    now: clock,
    paidBroadcastAllowed: job.paid,
    sendRatePerSecond: 30,
    paidRatePerSecond: 1000,
  });

  // A kill during the start rolls its transaction back: the next process starts it again.
  const broadcastId = 1;
  let enqueueMs: number | null = null;
  const existing = await broadcasts.get(broadcastId);
  if (!existing) {
    await broadcasts.createDraft({
      text: TEXT,
      buttons: [[{ text: 'Open the shop', url: 'https://example.com/shop' }]],
      audience: { kind: 'everyone' },
      paid: job.paid,
    });
  }
  if (!existing || existing.status === 'draft') {
    const started = performance.now();
    await broadcasts.start(broadcastId);
    enqueueMs = Math.round(performance.now() - started);
  }

  const api = new Api(TOKEN, { apiRoot: job.apiRoot, timeoutSeconds: 30 });
  const raw = api.raw as unknown as Record<string, (payload: Record<string, unknown>) => Promise<unknown>>;
  const call: ApiCall = (method, payload) => raw[method]!(payload);
  const sender = createOutboxSender({
    repository: createOutboxRepository(database.db, database.dialect),
    limiter: createRateLimiter({ limits: { globalPerSecond: 30, paidPerSecond: 1000 }, clock, sleep }),
    call,
    logger: silentLogger(),
    // As in production: users known to have blocked the bot are skipped before any call.
    blockedChats: async (chatIds) => {
      const found = await Promise.all(chatIds.map((id) => users.get(id)));
      return new Set(found.filter((user) => user?.is_blocked === 1).map((user) => user?.id as number));
    },
    clock,
    sleep,
    options: { paidBroadcast: job.paid, leaseMs: job.leaseMs, uncertainResend: job.uncertainResend },
  });
  sender.start();
  do await sleepMs(500);
  while (await broadcastHasWaiting(database.db, broadcastId));
  await sender.stop();
  const counts = await countBroadcastOutbox(database.db, broadcastId);
  await database.close();
  clearInterval(sampler);
  return {
    enqueueMs,
    sender: sender.stats(),
    peakRssMb: Math.round(peakRssMb()),
    peakHeapMb: Math.round(peakHeap / 1024 / 1024),
    outcomes: Object.fromEntries(counts.map((item) => [item.code ? `${item.status}/${item.code}` : item.status, item.count])),
  };
}

/** Starts a sender process; `result` settles when it reports or dies. */
function startWorker(job: WorkerJob): { child: ChildProcess; result: Promise<WorkerResult | 'killed'> } {
  // BROADCAST_BENCH_PROFILE=<dir> writes a CPU profile of each sender process there.
  const profileDir = process.env.BROADCAST_BENCH_PROFILE;
  const child = fork(import.meta.filename, [], {
    execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    env: { ...process.env, [JOB_ENV]: JSON.stringify(job) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = new Promise<WorkerResult | 'killed'>((resolve, reject) => {
    let settled = false;
    child.on('message', (message: { type: 'result'; result: WorkerResult } | { type: 'error'; message: string }) => {
      settled = true;
      if (message.type === 'result') resolve(message.result);
      else reject(new Error(message.message));
    });
    child.on('exit', (code, signal) => {
      if (settled) return;
      if (signal === 'SIGKILL') resolve('killed');
      else reject(new Error(`sender process exited with ${signal ?? code} before reporting`));
    });
  });
  return { child, result };
}

// ---------------------------------------------------------------------------------------
// The parent: simulator, database, scenarios.

interface Scenario {
  name: string;
  recipients: number;
  paid: boolean;
  timeScale: number;
  /** SIGKILL the sender this many times, at random moments, before letting it finish. */
  kills: number;
  leaseMs: number;
  uncertainResend: UncertainResendPolicy;
}

/** Creates many simulated users at once (see the note inside). */
function addSimUsers(sim: TelegramSimulator, ids: readonly number[]): void {
  // Each SimUser handle subscribes to every chat event so that tests can waitForMessage;
  // with 100 000 handles every message would run 100 000 listeners. Recipients here are
  // only counted (stats), so their handles are created without that subscription.
  const hub = sim.events as { subscribe: TelegramSimulator['events']['subscribe'] };
  const subscribe = hub.subscribe;
  hub.subscribe = () => () => true;
  try {
    for (const id of ids) sim.user({ id, first_name: `Customer ${id}`, language_code: 'en', hasStartedBot: true });
  } finally {
    hub.subscribe = subscribe;
  }
}

async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const clockOriginMs = Date.now();
  const clock = scaledClock(clockOriginMs, scenario.timeScale);
  const sim = createSimulator({ token: TOKEN, rateLimits: {}, clock });
  const server = await startSimulatorServer({ sim });
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-bench-broadcast-'));
  const databaseUrl = `sqlite:${path.join(dir, 'lavka.db')}`;
  try {
    const ids = Array.from({ length: scenario.recipients }, (_, index) => FIRST_USER_ID + index);
    addSimUsers(sim, ids);
    let delivered = 0;
    let firstAtMs = 0;
    let lastAtMs = 0;
    // Every accepted message's chat and real arrival time, for the busiest-second figures.
    const sentChats: number[] = [];
    const sentAtMs: number[] = [];
    sim.events.subscribe((event) => {
      if (event.type !== 'message' || !event.message.from_bot) return;
      sentChats.push(event.chatId);
      sentAtMs.push(performance.now());
      delivered += 1;
      if (delivered === 1) firstAtMs = event.at;
      lastAtMs = event.at;
    });

    const database = await createDatabase({ url: databaseUrl });
    await migrate(database, migrationGroups(await discoverModules()));
    const nowMs = Date.now();
    for (let index = 0; index < ids.length; index += 500) {
      await database.db
        .insertInto('users')
        .values(
          ids.slice(index, index + 500).map((id) => ({
            id,
            username: null,
            first_name: `Customer ${id}`,
            last_name: null,
            language_code: 'en',
            locale: null,
            phone: null,
            first_seen_at: nowMs,
            last_seen_at: nowMs,
          })),
        )
        .execute();
    }
    // The sender process opens the file itself (SQLite: one process at a time).
    await database.close();

    const job: WorkerJob = {
      databaseUrl,
      apiRoot: server.apiRoot,
      startBroadcast: true,
      paid: scenario.paid,
      timeScale: scenario.timeScale,
      clockOriginMs,
      leaseMs: scenario.leaseMs,
      uncertainResend: scenario.uncertainResend,
    };
    const started = performance.now();
    let kills = 0;
    let enqueueMs: number | null = null;
    let finished: WorkerResult | undefined;
    let peakRss = 0;
    let peakHeap = 0;
    while (!finished) {
      const worker = startWorker(job);
      const first = job.startBroadcast;
      job.startBroadcast = false;
      if (kills < scenario.kills) {
        // A random moment while it sends: 0.7–2.5 s after the process starts (the first run
        // enqueues for a few hundred ms; later runs first wait out the dead one's lease).
        const delayMs = (first ? 1000 : 700) + Math.random() * 1800;
        const timer = setTimeout(() => {
          kills += 1;
          worker.child.kill('SIGKILL');
        }, delayMs);
        const outcome = await worker.result;
        clearTimeout(timer);
        if (outcome !== 'killed') finished = outcome;
      } else {
        const outcome = await worker.result;
        if (outcome === 'killed') throw new Error('the sender died on its own');
        finished = outcome;
      }
      if (finished) {
        enqueueMs = enqueueMs ?? finished.enqueueMs;
        peakRss = Math.max(peakRss, finished.peakRssMb);
        peakHeap = Math.max(peakHeap, finished.peakHeapMb);
      }
    }
    if (kills === 0) enqueueMs = finished.enqueueMs;
    const wallSeconds = (performance.now() - started) / 1000;

    const stats = sim.stats();
    let duplicates = 0;
    let losses = 0;
    for (const id of ids) {
      const copies = stats.messagesSentByChat[String(id)] ?? 0;
      if (copies === 0) losses += 1;
      else duplicates += copies - 1;
    }
    const limitPerSecond = scenario.paid ? 1000 : 30;
    const achievedPerSecond = delivered > 1 ? ((delivered - 1) * 1000) / Math.max(1, lastAtMs - firstAtMs) : 0;
    // One second of the clock the limiter and the simulator's limits run on.
    const windowRealMs = 1000 / scenario.timeScale;
    const sendRate = summarizeSendRate(sentAtMs, windowRealMs);
    return {
      scenario: scenario.name,
      recipients: scenario.recipients,
      limitPerSecond,
      timeScale: scenario.timeScale,
      achievedPerSecond,
      shareOfLimit: achievedPerSecond / limitPerSecond,
      maxInAnySecond: sendRate.maxInAnyWindow,
      maxPerChatInAnySecond: maxPerKeyInAnyWindow(sentChats, sentAtMs, windowRealMs),
      perChatLimitPerSecond: 1,
      windowRealMs,
      tooManyRequests: stats.tooManyRequests,
      duplicates,
      losses,
      unconfirmed: finished.outcomes['failed/outcome_unknown'] ?? 0,
      kills,
      enqueueMs,
      wallSeconds,
      senderPeakRssMb: peakRss,
      senderPeakHeapMb: peakHeap,
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const scale = benchScale();
  const small = scale === 'small';
  const recipients = envInt('BROADCAST_BENCH_RECIPIENTS', small ? 10_000 : 100_000);
  const timeScale = envInt('BROADCAST_BENCH_TIME_SCALE', 10);
  const crashRecipients = envInt('BROADCAST_BENCH_CRASH_RECIPIENTS', small ? 10_000 : 20_000);
  const only = process.argv.slice(2);
  const scenarios: Scenario[] = [
    { name: 'default limit (30/s)', recipients, paid: false, timeScale, kills: 0, leaseMs: 60_000, uncertainResend: 'transactional' },
    { name: 'paid broadcast (1000/s)', recipients, paid: true, timeScale: 1, kills: 0, leaseMs: 60_000, uncertainResend: 'transactional' },
    { name: 'crash ×5, at-most-once (default)', recipients: crashRecipients, paid: true, timeScale: 1, kills: 5, leaseMs: 2000, uncertainResend: 'transactional' },
    { name: 'crash ×5, resend all', recipients: crashRecipients, paid: true, timeScale: 1, kills: 5, leaseMs: 2000, uncertainResend: 'all' },
  ].filter((scenario) => only.length === 0 || only.some((word) => scenario.name.includes(word))) as Scenario[];

  const machine = await quietMachine();
  print(`Broadcast benchmark on ${machineLine(machine)}`);
  const results: ScenarioResult[] = [];
  const load = trackLoad();
  for (const scenario of scenarios) {
    print(`\n${scenario.name}: ${formatNumber(scenario.recipients)} recipients${scenario.timeScale === 1 ? '' : `, clock ×${scenario.timeScale}`}…`);
    const result = await runScenario(scenario);
    results.push(result);
    print(
      `  ${formatNumber(result.achievedPerSecond, 1)} msg/s (${formatNumber(result.shareOfLimit * 100, 1)} % of ${result.limitPerSecond}), ` +
        `busiest second ${result.maxInAnySecond} (limit ${result.limitPerSecond}), busiest chat ${result.maxPerChatInAnySecond}/s (limit ${result.perChatLimitPerSecond}), ` +
        `429s ${result.tooManyRequests}, duplicates ${result.duplicates}, losses ${result.losses}, unconfirmed ${result.unconfirmed}, ` +
        `sender peak RSS ${result.senderPeakRssMb} MB, ${formatNumber(result.wallSeconds, 1)} s`,
    );
  }

  const loadSpan = load.end();
  print(`\nBroadcast scenarios (each 1 run; ${loadLine(loadSpan, machine)}):`);
  print(
    `${formatTable(
      [
        { header: 'scenario', value: (row: ScenarioResult) => row.scenario },
        { header: 'recipients', numeric: true, value: (row) => formatNumber(row.recipients) },
        { header: 'clock', numeric: true, value: (row) => (row.timeScale === 1 ? 'real' : `×${row.timeScale}`) },
        { header: 'msg/s avg', numeric: true, value: (row) => formatNumber(row.achievedPerSecond, 1) },
        { header: '% of limit', numeric: true, value: (row) => formatNumber(row.shareOfLimit * 100, 1) },
        { header: 'max in any 1 s (limit)', numeric: true, value: (row) => `${formatNumber(row.maxInAnySecond)} (${formatNumber(row.limitPerSecond)})${row.maxInAnySecond > row.limitPerSecond ? ' OVER' : ''}` },
        { header: 'max/chat in any 1 s (limit)', numeric: true, value: (row) => `${row.maxPerChatInAnySecond} (${row.perChatLimitPerSecond})${row.maxPerChatInAnySecond > row.perChatLimitPerSecond ? ' OVER' : ''}` },
        { header: '429s', numeric: true, value: (row) => row.tooManyRequests },
        { header: 'kills', numeric: true, value: (row) => row.kills },
        { header: 'duplicates', numeric: true, value: (row) => row.duplicates },
        { header: 'losses', numeric: true, value: (row) => row.losses },
        { header: 'unconfirmed', numeric: true, value: (row) => row.unconfirmed },
        { header: 'enqueue ms', numeric: true, value: (row) => (row.enqueueMs === null ? '—' : formatNumber(row.enqueueMs)) },
        { header: 'peak RSS MB', numeric: true, value: (row) => row.senderPeakRssMb },
        { header: 'peak heap MB', numeric: true, value: (row) => row.senderPeakHeapMb },
        { header: 'wall s', numeric: true, value: (row) => formatNumber(row.wallSeconds, 1) },
      ],
      results,
    )}`,
  );
  print(
    '\nmsg/s avg: first to last delivered message, in the simulator\'s clock (×N: time-compressed, see the file header).' +
      '\nmax in any 1 s: most messages accepted in any window [t, t + 1 s) over their real arrival times (×N clock: a window of' +
      '\n1/N real second); max/chat: the same for the busiest chat. Telegram allows 30/s (1000/s paid) and 1/s per chat.' +
      '\nduplicates/losses: copies per recipient counted by the simulator. unconfirmed: rows a kill left mid-call, settled' +
      '\nper DELIVERY_UNCERTAIN_RESEND (broadcasts are not resent by default). Peak RSS/heap: the sender process.',
  );
  const written = writeResults('broadcast', { results, load: loadSpan }, { scale, command: `npx node bench/broadcast.ts${only.length ? ` ${only.join(' ')}` : ''}`, machine });
  print(`\nResults: ${written.file}`);
}

if (process.env[JOB_ENV]) {
  const job = JSON.parse(process.env[JOB_ENV] as string) as WorkerJob;
  try {
    const result = await runWorker(job);
    await new Promise<void>((resolve) => process.send?.({ type: 'result', result }, () => resolve()) ?? resolve());
    process.exit(0);
  } catch (error) {
    await new Promise<void>((resolve) => process.send?.({ type: 'error', message: (error as Error).stack ?? String(error) }, () => resolve()) ?? resolve());
    process.exit(1);
  }
} else {
  await main();
}
