// Aggregate update throughput of 1, 2 and 3 Lavka processes in webhook mode behind nginx, on
// one PostgreSQL (a schema per run) and one Redis, with the simulator as Telegram. The same
// processes, proxy and load shape as test/e2e/scale-out.test.ts; here the send budget is
// lifted (SEND_RATE_PER_SECOND=1000, simulator limits off) so that the figure is what the
// instances can handle, not Telegram's 30 msg/s. `npm run bench -- scale-out`.
//
// Each update comes from one of many chats in turn (the per-chat order and the per-chat send
// window stay on, as shipped), `BENCH_SCALE_OUT_CONCURRENCY` deliveries are kept in flight
// (closed loop), and each configuration runs a warm-up and then `BENCH_SCALE_OUT_MS`.
// On this 2-core machine the instances, nginx, PostgreSQL, Redis, the simulator and this
// generator share the cores: more instances cannot add throughput here, the figures are
// reported as measured. Each configuration is measured once (every row says "1 run"); the
// table gives the load average at the start and end of each row's measured load.
//
// It reports update rates, not send rates: the simulator's limits are off and the send budget
// lifted here; test/e2e/scale-out.test.ts checks the busiest second of sends (≤ 30, ≤ 1 per chat).

import path from 'node:path';
import { Redis } from 'ioredis';
import { createSimulator, startSimulatorServer } from '../src/sim/index.ts';
import { deliver, nginxUnavailable, startInstance, startNginx, textUpdate, type LavkaInstance } from '../test/support/scale-out.ts';
import { hasPostgres, hasRedis, postgresTestDatabase, REDIS_URL } from '../test/support/services.ts';
import { benchCommand, benchScale } from './lib/config.ts';
import { loadAverage1m, loadLine, machineLine, trackLoad, type LoadSpan } from './lib/machine.ts';
import { quietMachine } from './lib/quiet.ts';
import { writeResults } from './lib/results.ts';

const TOKEN = '880088:SCALE-OUT-BENCH-TOKEN';
const SECRET = 'scale-out-bench-secret';
const CHATS = 3000;
const concurrency = Number(process.env.BENCH_SCALE_OUT_CONCURRENCY ?? 48);
const measureMs = Number(process.env.BENCH_SCALE_OUT_MS ?? (process.env.BENCH_SCALE === 'small' ? 6000 : 12_000));
const warmupMs = 3000;

const missing = nginxUnavailable() ?? (!(await hasPostgres()) ? 'PostgreSQL is not reachable' : !(await hasRedis()) ? 'Redis is not reachable' : undefined);
if (missing) {
  console.error(`scale-out benchmark skipped: ${missing}`);
  process.exit(0);
}

const machine = await quietMachine();
process.stdout.write(`Machine: ${machineLine(machine)}\n`);

const sim = createSimulator({ token: TOKEN, rateLimits: false });
const server = await startSimulatorServer({ sim });
for (let index = 1; index <= CHATS; index++) sim.user({ id: 100_000 + index, first_name: `Chat ${index}`, hasStartedBot: true });
let nextUpdateId = 9_000_000;

interface Row {
  instances: number;
  updatesPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  failed: number;
  /** 1-minute load average when the measured load began and ended (warm-up excluded). */
  load: LoadSpan;
}

/** Runs one configuration: `count` instances on a fresh schema, warm-up, then the measured load. */
async function measure(count: number): Promise<Row> {
  const redis = new Redis(REDIS_URL);
  const stale = await redis.keys('lavka:{*:880088}:*');
  if (stale.length > 0) await redis.del(...stale);
  redis.disconnect();
  const target = await postgresTestDatabase();
  const env = {
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: server.apiRoot,
    BOT_MODE: 'webhook',
    WEBHOOK_URL: 'http://127.0.0.1:9/telegram/webhook',
    WEBHOOK_SECRET: SECRET,
    DATABASE_URL: target.url,
    REDIS_URL,
    LAVKA_PRESET: 'shop',
    LAVKA_DEMO_DATA: 'off',
    LOG_LEVEL: 'warn',
    DAILY_REPORT_TIME: 'off',
    SEND_RATE_PER_SECOND: '1000',
  };
  const instances: LavkaInstance[] = [await startInstance(env)];
  while (instances.length < count) instances.push(await startInstance(env));
  const proxy = await startNginx(instances.map((instance) => instance.port));
  const webhook = `${proxy.url}/telegram/webhook`;
  try {
    const run = async (durationMs: number) => {
      const latencies: number[] = [];
      let failed = 0;
      const until = Date.now() + durationMs;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (Date.now() < until) {
            const updateId = (nextUpdateId += 1);
            const started = performance.now();
            failed += await deliver(webhook, SECRET, textUpdate(updateId, 100_001 + (updateId % CHATS), `m-${updateId}`));
            latencies.push(performance.now() - started);
          }
        }),
      );
      return { latencies: latencies.sort((a, b) => a - b), failed };
    };
    await run(warmupMs);
    const startLoad1m = loadAverage1m();
    const { latencies, failed } = await run(measureMs);
    const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0);
    return { instances: count, updatesPerSecond: Math.round((latencies.length / measureMs) * 1000), p50Ms: at(0.5), p95Ms: at(0.95), failed, load: { startLoad1m, endLoad1m: loadAverage1m() } };
  } finally {
    for (const instance of instances) instance.child.kill('SIGTERM');
    await Promise.all(instances.map((instance) => instance.exited));
    await proxy.stop();
    await target.drop();
  }
}

const rows: Row[] = [];
const load = trackLoad();
for (const count of [1, 2, 3]) rows.push(await measure(count));
const loadSpan = load.end();
await server.close();

process.stdout.write(
  `\nscale-out: webhook updates through nginx, ${concurrency} in flight, ${measureMs / 1000} s each, ${CHATS} chats, PostgreSQL + Redis; ` +
    `every row 1 run; ${loadLine(loadSpan, machine)}\n\n`,
);
process.stdout.write('| instances | runs | updates/s | p50 ms | p95 ms | failed deliveries | load (1 min) start → end |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n');
for (const row of rows) {
  process.stdout.write(`| ${row.instances} | 1 run | ${row.updatesPerSecond} | ${row.p50Ms} | ${row.p95Ms} | ${row.failed} | ${row.load.startLoad1m} → ${row.load.endLoad1m} |\n`);
}
const { file } = writeResults(
  'scale-out',
  { settings: { concurrency, measureMs, warmupMs, chats: CHATS }, rows: rows.map((row) => ({ ...row, runs: 1 })), load: loadSpan },
  { scale: benchScale(), command: benchCommand('scale-out'), machine },
);
process.stdout.write(`Results: ${path.relative(process.cwd(), file)}, bench/results/latest.json\n`);
