// Webhook path: requests per second and latency through Lavka's Fastify webhook route (secret
// check, JSON parsing, handling, 200) at fixed offered rates, with the load generator in a
// second process. Lavka runs in a third process; the stub Bot API answers its replies here.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runChild, spawnChild } from './lib/child.ts';
import { benchCommand, benchScale, envInt } from './lib/config.ts';
import { loadLine, machineLine, trackLoad, type LoadSpan } from './lib/machine.ts';
import { quietMachine } from './lib/quiet.ts';
import { writeResults } from './lib/results.ts';
import { round, type LatencySummary } from './lib/stats.ts';
import { startStubBotApi } from './lib/stub-api.ts';
import { formatNumber, formatTable, print, type Column } from './lib/table.ts';
import type { WebhookLoadJob, WebhookLoadResult } from './lib/webhook-load-child.ts';
import type { WebhookServerJob, WebhookServerResult } from './lib/webhook-server-child.ts';
import { WEBHOOK_UPDATE_KINDS } from './lib/webhook-updates.ts';
import { runWrk, wrkAvailable, type WrkResult } from './lib/wrk.ts';

const SERVER_CHILD = path.join(import.meta.dirname, 'lib', 'webhook-server-child.ts');
const LOAD_CHILD = path.join(import.meta.dirname, 'lib', 'webhook-load-child.ts');
const SECRET = 'bench-webhook-secret-0123456789';
const WEBHOOK_PATH = '/telegram/webhook';
const scale = benchScale();
const settings = {
  rates: scale === 'small' ? [100, 300] : [100, 250, 500],
  phaseMs: envInt('BENCH_WEBHOOK_MS', scale === 'small' ? 3000 : 8000),
  // Each rate runs unmeasured first, as in the throughput benchmark: V8 grows the young
  // generation in steps (a 20–40 ms pause each, once in a process's life) while a new load
  // finds its level, and a phase of a few seconds should not measure those.
  settleMs: envInt('BENCH_SETTLE_MS', 3000, process.env, { allowZero: true }),
  forgedRate: 500,
  forgedMs: scale === 'small' ? 2000 : 4000,
  chats: 500,
  maxInFlight: 256,
  sendBudgetPerSecond: 1000,
};

const machine = await quietMachine();
print(`Machine: ${machineLine(machine)}`);
print(
  `Scale ${scale}: Lavka (shop, SQLite) in webhook mode; Node keep-alive generator in its own process at ${settings.rates.join(', ')} requests/s ` +
    `for ${settings.phaseMs / 1000} s each${settings.settleMs > 0 ? ` after ${settings.settleMs / 1000} s of it unmeasured` : ''}, then forged secrets at ${settings.forgedRate}/s. Updates rotate: ${WEBHOOK_UPDATE_KINDS.join(', ')}.`,
);

const stub = await startStubBotApi();
const workDir = mkdtempSync(path.join(tmpdir(), 'lavka-bench-webhook-'));
const serverJob: WebhookServerJob = {
  lavka: {
    apiRoot: stub.apiRoot,
    databaseUrl: `sqlite:${path.join(workDir, 'lavka.db')}`,
    webhookSecret: SECRET,
    env: { SEND_RATE_PER_SECOND: String(settings.sendBudgetPerSecond) },
  },
  path: WEBHOOK_PATH,
};
const server = spawnChild(SERVER_CHILD, serverJob, { stdoutFile: path.join(workDir, 'lavka.log') });

interface PhaseRow {
  name: string;
  secret: 'valid' | 'forged';
  result: WebhookLoadResult;
  /** The unmeasured run at the same rate before it (none for the forged secrets). */
  settle?: WebhookLoadResult;
}
const phases: PhaseRow[] = [];
let serverResult: WebhookServerResult | undefined;
let wrk: WrkResult | undefined;
let nextUpdateId = 1;

const load = async (name: string, ratePerSecond: number, durationMs: number, secret: string): Promise<WebhookLoadResult> => {
  const job: WebhookLoadJob = {
    url,
    secret,
    ratePerSecond,
    durationMs,
    firstUpdateId: nextUpdateId,
    firstChatId: 20_000_000,
    chats: settings.chats,
    maxInFlight: settings.maxInFlight,
  };
  nextUpdateId += Math.ceil((ratePerSecond * durationMs) / 1000) + 1;
  const result = await runChild<WebhookLoadJob, WebhookLoadResult>(LOAD_CHILD, job);
  print(`  ${name.padEnd(22)} ${formatNumber(result.achievedPerSecond).padStart(5)} ok/s, p99 ${formatNumber(result.latency.p99Ms, 1)} ms, statuses ${JSON.stringify(result.statusCounts)}`);
  return result;
};

let url = '';
let loadSpan: LoadSpan | undefined;
try {
  url = (await server.waitFor<{ url: string }>('ready', 120_000)).url;
  // Warm-up: JIT, the user rows of every chat, the photo-free screens' caches.
  await load('warm-up', 100, scale === 'small' ? 2000 : 5000, SECRET);
  const machineLoad = trackLoad();
  for (const rate of settings.rates) {
    const settle = settings.settleMs > 0 ? await load(`${rate}/s unmeasured`, rate, settings.settleMs, SECRET) : undefined;
    phases.push({ name: `${rate}/s`, secret: 'valid', result: await load(`${rate}/s`, rate, settings.phaseMs, SECRET), ...(settle ? { settle } : {}) });
  }
  phases.push({ name: `${settings.forgedRate}/s forged`, secret: 'forged', result: await load(`${settings.forgedRate}/s forged secret`, settings.forgedRate, settings.forgedMs, 'not-the-secret-000000000000') });
  if (wrkAvailable()) {
    wrk = await runWrk({ url, secret: SECRET, connections: 16, durationS: scale === 'small' ? 3 : 8, firstUpdateId: nextUpdateId, firstChatId: 20_000_000, chats: settings.chats });
    print(`  wrk closed loop (16 connections, /help): ${formatNumber(wrk.requestsPerSecond)} req/s, p99 ${formatNumber(wrk.p99Ms, 1)} ms`);
  } else {
    print('  wrk is not installed: the closed-loop measurement is skipped (apt-get install -y wrk).');
  }
  loadSpan = machineLoad.end();
  server.send({ type: 'stop' });
  serverResult = (await server.waitFor<{ result: WebhookServerResult }>('result', 60_000)).result;
} finally {
  server.kill();
  await stub.close();
  rmSync(workDir, { recursive: true, force: true });
}

const ms = (value: number) => formatNumber(value, value < 10 ? 2 : 1);
const columns: Column<PhaseRow>[] = [
  { header: 'offered', value: (row) => row.name },
  { header: 'answered/s', numeric: true, value: (row) => formatNumber((row.result.completed * 1000) / row.result.elapsedMs) },
  { header: '2xx/s', numeric: true, value: (row) => formatNumber(row.result.achievedPerSecond) },
  { header: 'p50 ms', numeric: true, value: (row) => ms(row.result.latency.p50Ms) },
  { header: 'p95 ms', numeric: true, value: (row) => ms(row.result.latency.p95Ms) },
  { header: 'p99 ms', numeric: true, value: (row) => ms(row.result.latency.p99Ms) },
  { header: 'max ms', numeric: true, value: (row) => ms(row.result.latency.maxMs) },
  { header: 'statuses', value: (row) => Object.entries(row.result.statusCounts).map(([status, count]) => `${status}×${count}`).join(' ') },
  { header: 'shed', numeric: true, value: (row) => String(row.result.shed) },
  // Failures while settling count like any others: a rate Lavka only holds after a bad start shows.
  { header: 'unmeasured first', value: (row) => (row.settle ? `${formatNumber(row.settle.completed)} answered, ${Object.entries(row.settle.statusCounts).map(([status, count]) => `${status}×${count}`).join(' ')}` : '—') },
];
print(
  '',
  `Webhook route (latency from scheduled send time, keep-alive, generator in its own process; every row 1 run${loadSpan ? `; ${loadLine(loadSpan, machine)}` : ''}):`,
  formatTable(columns, phases),
);
if (serverResult) {
  print(`Lavka handled ${formatNumber(serverResult.updatesHandled)} updates, ${serverResult.handlerErrors} handler errors, peak RSS ${formatNumber(serverResult.peakRssMb)} MB.`);
}
const forged = phases.find((phase) => phase.secret === 'forged');
const forgedAccepted = forged ? Object.entries(forged.result.statusCounts).reduce((sum, [status, count]) => sum + (status === '401' ? 0 : count), 0) : 0;
print(`Forged secrets: ${forgedAccepted === 0 ? 'every request refused with 401' : `${forgedAccepted} requests NOT refused with 401`}.`);

const summary = (latency: LatencySummary) => ({ p50Ms: round(latency.p50Ms, 2), p95Ms: round(latency.p95Ms, 2), p99Ms: round(latency.p99Ms, 2), maxMs: round(latency.maxMs, 2) });
const command = benchCommand('webhook');
const { file } = writeResults(
  'webhook',
  {
    settings: { ...settings, updateKinds: WEBHOOK_UPDATE_KINDS, database: 'sqlite', preset: 'shop' },
    phases: phases.map((phase) => ({
      name: phase.name,
      secret: phase.secret,
      offeredPerSecond: round((phase.result.offered * 1000) / (phase.name.includes('forged') ? settings.forgedMs : settings.phaseMs), 0),
      answeredPerSecond: round((phase.result.completed * 1000) / phase.result.elapsedMs, 1),
      okPerSecond: round(phase.result.achievedPerSecond, 1),
      latency: summary(phase.result.latency),
      statusCounts: phase.result.statusCounts,
      networkErrors: phase.result.networkErrors,
      shed: phase.result.shed,
      ...(phase.settle ? { settle: { durationMs: settings.settleMs, completed: phase.settle.completed, statusCounts: phase.settle.statusCounts, networkErrors: phase.settle.networkErrors, shed: phase.settle.shed } } : {}),
    })),
    wrk: wrk ?? null,
    server: serverResult ?? null,
    runsPerPhase: 1,
    load: loadSpan ?? null,
  },
  { scale, command, machine },
);
print(`Results: ${path.relative(process.cwd(), file)}, bench/results/latest.json`);
