// Two Lavka processes in webhook mode behind a real Caddy running compose.yaml's site block
// (deploy/compose/Caddyfile: HTTPS, round robin over the instances), on one PostgreSQL (a
// schema of its own) and one Redis, as `docker compose --profile scale` runs them. The load
// generator trusts Caddy's internal CA, as Telegram trusts a public one, and posts over HTTPS:
// one chat fires a burst of messages without waiting for any answer, a few others send some.
// Skipped where caddy is missing (.ci/run installs it).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createSimulator, startSimulatorServer, type TelegramSimulator } from '../../src/sim/index.ts';
import { deliver, proxyUnavailable, startCaddy, startInstance, stopInstances, textUpdate, type LavkaInstance, type Proxy } from '../support/scale-out.ts';
import { hasPostgres, hasRedis, postgresTestDatabase, REDIS_URL, type TestDatabase } from '../support/services.ts';

const TOKEN = '660066:CADDY-REPLICAS-TEST-TOKEN';
const SECRET = 'caddy-replicas-webhook-secret';
const BURST_CHAT = 30_001;
const BURST = 20;
const OTHER_CHATS = [30_002, 30_003, 30_004];
const OTHER_MESSAGES = 4;
const FIRST_UPDATE_ID = 7_000_000;

const skip = proxyUnavailable('caddy') ?? (!(await hasPostgres()) ? 'PostgreSQL is not reachable' : !(await hasRedis()) ? 'Redis is not reachable' : false);

describe('two instances behind Caddy with TLS on one PostgreSQL and one Redis', { skip }, () => {
  let sim: TelegramSimulator;
  let closeSim: () => Promise<void>;
  let target: TestDatabase;
  let database: DatabaseHandle;
  let proxy: Proxy | undefined;
  const instances: LavkaInstance[] = [];
  const sends: { chatId: number; text: string }[] = [];

  before(async () => {
    sim = createSimulator({ token: TOKEN, rateLimits: {} });
    const server = await startSimulatorServer({ sim });
    closeSim = () => server.close();
    sim.events.subscribe((event) => {
      if (event.type === 'message' && event.message.from_bot) sends.push({ chatId: event.chatId, text: event.message.text ?? '' });
    });
    for (const chatId of [BURST_CHAT, ...OTHER_CHATS]) sim.user({ id: chatId, first_name: `Chat ${chatId}`, hasStartedBot: true });
    // Another run may have left this bot's keys in the shared Redis.
    const redis = new Redis(REDIS_URL);
    const stale = await redis.keys('lavka:{*:660066}:*');
    if (stale.length > 0) await redis.del(...stale);
    redis.disconnect();

    target = await postgresTestDatabase();
    const env = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.apiRoot,
      BOT_MODE: 'webhook',
      // Telegram (the simulator) is never asked to push here: the test posts the load itself.
      WEBHOOK_URL: 'https://127.0.0.1:9/telegram/webhook',
      WEBHOOK_SECRET: SECRET,
      TRUST_PROXY: 'loopback',
      DATABASE_URL: target.url,
      REDIS_URL,
      LAVKA_PRESET: 'shop',
      LAVKA_DEMO_DATA: 'off',
      LOG_LEVEL: 'info',
      DAILY_REPORT_TIME: 'off',
    };
    // The first one migrates the fresh schema; the second starts against it.
    instances.push(await startInstance(env));
    instances.push(await startInstance(env));
    proxy = await startCaddy(instances.map((instance) => instance.port));
    database = await createDatabase({ url: target.url });
  });

  after(async () => {
    await stopInstances(instances);
    await proxy?.stop();
    await database?.close();
    await target?.drop();
    await closeSim?.();
  });

  test("a burst from one chat is handled once per update, each chat's replies in update order", { timeout: 60_000 }, async () => {
    const webhook = `${proxy?.url}/telegram/webhook`;
    assert.ok(webhook.startsWith('https://'));
    const expected = new Map<number, number>([[BURST_CHAT, BURST], ...OTHER_CHATS.map((chatId) => [chatId, OTHER_MESSAGES] as [number, number])]);
    // Update ids in posting order, as Telegram numbers them; every delivery starts before the
    // previous one is answered, so a chat's updates are in flight on both instances at once.
    let nextUpdateId = FIRST_UPDATE_ID;
    let failedDeliveries = 0;
    const posted: Promise<void>[] = [];
    const post = (chatId: number, n: number) =>
      posted.push(deliver(webhook, SECRET, textUpdate((nextUpdateId += 1), chatId, `m-${n}`)).then((failures) => void (failedDeliveries += failures)));
    for (let n = 1; n <= BURST; n++) {
      post(BURST_CHAT, n);
      if (n <= OTHER_MESSAGES) for (const chatId of OTHER_CHATS) post(chatId, n);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(posted);
    const total = [...expected.values()].reduce((sum, count) => sum + count, 0);
    const echoes = () => sends.filter((send) => send.text.startsWith('echo m-')).length;
    const deadline = Date.now() + 30_000;
    while (echoes() < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(failedDeliveries, 0, 'Caddy passed every delivery on at the first attempt');

    // Both instances took part: Caddy balanced the deliveries over them (each instance's own
    // count, read on its private port, where a scraper reads it).
    const handledBy = await Promise.all(
      instances.map(async (instance) => {
        const metrics = await (await fetch(`http://127.0.0.1:${instance.port}/metrics`)).text();
        return metrics
          .split('\n')
          .filter((line) => line.startsWith('lavka_updates_total{'))
          .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
      }),
    );
    assert.equal(handledBy.reduce((sum, count) => sum + count, 0), total, `updates handled per instance: ${handledBy.join(', ')}`);
    assert.ok(
      handledBy.every((count) => count > 0),
      `each instance handled some updates: ${handledBy.join(', ')}`,
    );

    const handled = await database.db.selectFrom('processed_updates').select(['update_id', 'claimed_until']).where('update_id', '>', FIRST_UPDATE_ID).execute();
    assert.equal(handled.length, total, 'every update recorded as handled');
    assert.ok(
      handled.every((row) => row.claimed_until === null),
      'no update left half-handled',
    );
    for (const [chatId, count] of expected) {
      const numbers = sends.filter((send) => send.chatId === chatId && send.text.startsWith('echo m-')).map((send) => Number(send.text.slice('echo m-'.length)));
      assert.deepEqual(
        numbers,
        Array.from({ length: count }, (_, n) => n + 1),
        `chat ${chatId}: one answer per update, in update order`,
      );
    }
    assert.equal(sim.stats().tooManyRequests, 0, 'no 429 from Telegram');
  });
});
