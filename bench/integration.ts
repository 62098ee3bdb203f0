// The integration API and webhooks: authenticated `GET /api/v1/orders` (API key check, scope,
// rate counter, a page of orders with their lines) against its peer in the same run, the
// panel's `GET /api/orders` (session check, the same page), rounds alternated; then the
// webhook fan-out rate: orders moved, each change delivered to every endpoint, signed.
// Lavka runs in a child process; the load generator and the receivers run here.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnChild } from './lib/child.ts';
import { benchCommand, benchScale, envInt } from './lib/config.ts';
import type { IntegrationServerJob, IntegrationServerReady } from './lib/integration-server-child.ts';
import { loadLine, machineLine, trackLoad } from './lib/machine.ts';
import { quietMachine } from './lib/quiet.ts';
import { writeResults } from './lib/results.ts';
import { round, summarizeLatencies, summarizeSpread } from './lib/stats.ts';
import { startStubBotApi } from './lib/stub-api.ts';
import { formatNumber, formatSpread, formatTable, print, type Column } from './lib/table.ts';

const SERVER_CHILD = path.join(import.meta.dirname, 'lib', 'integration-server-child.ts');
const scale = benchScale();
const settings = {
  orders: scale === 'small' ? 300 : 1000,
  rounds: envInt('BENCH_ROUNDS', scale === 'small' ? 2 : 3),
  phaseMs: envInt('BENCH_API_MS', scale === 'small' ? 2000 : 5000),
  concurrency: 16,
  pageSize: 20,
  endpoints: 3,
  fanoutOrders: scale === 'small' ? 100 : 300,
};

const machine = await quietMachine();
print(`Machine: ${machineLine(machine)}`);
print(
  `Scale ${scale}: Lavka (shop, SQLite, ${settings.orders} orders) in its own process; ${settings.concurrency} keep-alive clients for ${settings.phaseMs / 1000} s per phase, ` +
    `${settings.rounds} rounds alternating the API key route and the panel's session route; then ${settings.fanoutOrders} orders moved with ${settings.endpoints} webhook endpoints.`,
);

// The receivers: every endpoint answers 204 at once and counts what it got.
let received = 0;
let lastReceivedAt = 0;
const receiver = createServer((incoming, answer) => {
  incoming.resume();
  incoming.on('end', () => {
    received += 1;
    lastReceivedAt = performance.now();
    answer.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverPort = (receiver.address() as { port: number }).port;

const stub = await startStubBotApi();
const workDir = mkdtempSync(path.join(tmpdir(), 'lavka-bench-integration-'));
const config = path.join(workDir, 'config.yaml');
writeFileSync(config, "outgoing:\n  allowPrivate: ['127.0.0.1']\nsettings:\n  integrations:\n    requestsPerSecond: 10000\n    webhooks:\n      pollMs: 50\n");
const job: IntegrationServerJob = {
  lavka: { apiRoot: stub.apiRoot, databaseUrl: `sqlite:${path.join(workDir, 'lavka.db')}`, env: { LAVKA_CONFIG: config } },
  orders: settings.orders,
  endpoints: Array.from({ length: settings.endpoints }, (_, index) => `http://127.0.0.1:${receiverPort}/hook/${index}`),
};
const server = spawnChild(SERVER_CHILD, job, { stdoutFile: path.join(workDir, 'lavka.log') });
const ready = await server.waitFor<IntegrationServerReady>('ready');
const base = new URL(ready.url);
const agent = new Agent({ keepAlive: true, maxSockets: settings.concurrency });

/** One GET, timed; resolves with its latency and status. */
function get(pathname: string, headers: Record<string, string>): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const call = request({ host: base.hostname, port: base.port, path: pathname, agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve({ ms: performance.now() - started, status: response.statusCode ?? 0 }));
    });
    call.on('error', reject);
    call.end();
  });
}

interface Phase {
  route: string;
  round: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

/** `concurrency` clients calling one route back to back for the phase's time. */
async function phase(route: string, round: number, pathname: string, headers: Record<string, string>): Promise<Phase> {
  const samples: number[] = [];
  let failures = 0;
  const until = performance.now() + settings.phaseMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: settings.concurrency }, async () => {
      while (performance.now() < until) {
        const result = await get(pathname, headers);
        if (result.status === 200) samples.push(result.ms);
        else failures += 1;
      }
    }),
  );
  const latency = summarizeLatencies(samples);
  const row = { route, round, requestsPerSecond: (samples.length * 1000) / (performance.now() - started), p50Ms: latency.p50Ms, p99Ms: latency.p99Ms, failures };
  print(`  round ${round} ${route.padEnd(28)} ${formatNumber(row.requestsPerSecond).padStart(6)} req/s, p50 ${formatNumber(row.p50Ms, 1)} ms, p99 ${formatNumber(row.p99Ms, 1)} ms${failures ? `, ${failures} not 200` : ''}`);
  return row;
}

const routes: { name: string; path: string; headers: Record<string, string> }[] = [
  { name: 'GET /api/v1/orders (API key)', path: `/api/v1/orders?limit=${settings.pageSize}`, headers: { authorization: `Bearer ${ready.key}` } },
  { name: 'GET /api/orders (panel session)', path: `/api/orders?pageSize=${settings.pageSize}`, headers: { cookie: ready.cookie } },
];
const phases: Phase[] = [];
try {
  // Warm-up, then rounds in alternating order so that neither route always runs first.
  for (const route of routes) await phase(`${route.name} (warm-up)`, 0, route.path, route.headers);
  const apiLoad = trackLoad();
  for (let round = 1; round <= settings.rounds; round += 1) {
    const order = round % 2 === 1 ? routes : [...routes].reverse();
    for (const route of order) phases.push(await phase(route.name, round, route.path, route.headers));
  }

  const apiLoadSpan = apiLoad.end();

  // Fan-out: every change to every endpoint, from the first move to the last delivery.
  const fanoutLoad = trackLoad();
  const expected = settings.fanoutOrders * settings.endpoints;
  const fanoutStarted = performance.now();
  server.send({ type: 'fanout', count: settings.fanoutOrders });
  const moved = await server.waitFor<{ type: 'moved'; ms: number }>('moved');
  const deadline = performance.now() + 120_000;
  while (received < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const fanoutMs = lastReceivedAt - fanoutStarted;
  const fanout = { orders: settings.fanoutOrders, endpoints: settings.endpoints, deliveries: received, expected, movedInMs: round(moved.ms, 0), lastDeliveryAfterMs: round(fanoutMs, 0), deliveriesPerSecond: round((received * 1000) / fanoutMs, 1) };

  const fanoutLoadSpan = fanoutLoad.end();
  server.send({ type: 'stop' });
  const serverResult = (await server.waitFor<{ type: 'result'; result: { peakRssMb: number; rssMb: number } }>('result')).result;

  const byRoute = routes.map((route) => {
    const rows = phases.filter((row) => row.route === route.name);
    const rate = summarizeSpread(rows.map((row) => row.requestsPerSecond));
    const p50 = summarizeSpread(rows.map((row) => row.p50Ms));
    const p99 = summarizeSpread(rows.map((row) => row.p99Ms));
    const rounded = (spread: typeof rate, decimals: number) => ({ ...spread, median: round(spread.median, decimals), min: round(spread.min, decimals), max: round(spread.max, decimals), mean: round(spread.mean, decimals), stddev: round(spread.stddev, decimals), cv: round(spread.cv, 3) });
    return {
      route: route.name,
      medianRequestsPerSecond: round(rate.median, 0),
      medianP50Ms: round(p50.median, 2),
      medianP99Ms: round(p99.median, 2),
      requestsPerSecond: rounded(rate, 0),
      p50Ms: rounded(p50, 2),
      p99Ms: rounded(p99, 2),
      failures: rows.reduce((sum, row) => sum + row.failures, 0),
    };
  });
  const ms1 = (value: number) => formatNumber(value, 1);
  const columns: Column<(typeof byRoute)[number]>[] = [
    { header: 'route', value: (row) => row.route },
    { header: 'req/s (min–max)', numeric: true, value: (row) => formatSpread(row.requestsPerSecond) },
    { header: 'p50 ms (min–max)', numeric: true, value: (row) => formatSpread(row.p50Ms, ms1) },
    { header: 'p99 ms (min–max)', numeric: true, value: (row) => formatSpread(row.p99Ms, ms1) },
    { header: 'not 200', numeric: true, value: (row) => row.failures },
  ];
  print('', `A page of ${settings.pageSize} orders, ${settings.concurrency} clients, median (min–max) of ${settings.rounds} rounds; ${loadLine(apiLoadSpan, machine)}:`, formatTable(columns, byRoute));
  print(
    '',
    `Webhook fan-out (1 run; ${loadLine(fanoutLoadSpan, machine)}): ${fanout.orders} orders moved in ${formatNumber(fanout.movedInMs)} ms; ${fanout.deliveries}/${fanout.expected} deliveries to ${fanout.endpoints} endpoints, the last after ${formatNumber(fanout.lastDeliveryAfterMs)} ms: ${formatNumber(fanout.deliveriesPerSecond)} deliveries/s.`,
    `Lavka's peak RSS ${formatNumber(serverResult.peakRssMb)} MB.`,
  );
  const { file } = writeResults('integration', { settings, phases, routes: byRoute, fanout: { ...fanout, runs: 1 }, server: serverResult, load: apiLoadSpan, fanoutLoad: fanoutLoadSpan }, { scale, command: benchCommand('integration'), machine });
  print(`Results: ${path.relative(process.cwd(), file)}, bench/results/latest.json`);
} finally {
  agent.destroy();
  receiver.close();
  await stub.close();
  server.kill();
  rmSync(workDir, { recursive: true, force: true });
}
