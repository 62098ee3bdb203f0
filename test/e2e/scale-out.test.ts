import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { enqueueOutbox } from '../../src/delivery/outbox.ts';
import { scheduleJob } from '../../src/delivery/scheduler.ts';
import { createSimulator, startSimulatorServer, type TelegramSimulator } from '../../src/sim/index.ts';
import { busiestWindow, SCALE_JOB_KIND, SCALE_JOB_RAN, deliver, nginxUnavailable, startInstance, startNginx, stopInstances, textUpdate, type LavkaInstance, type Proxy } from '../support/scale-out.ts';
import { hasPostgres, hasRedis, postgresTestDatabase, REDIS_URL, type TestDatabase } from '../support/services.ts';

// Three Lavka processes in webhook mode behind nginx, one PostgreSQL (a schema of its own) and
// one Redis; the simulator is Telegram, with Telegram's flood limits on. A load of 45 chats ×
// 10 messages is posted through nginx with each chat's messages in flight at once, and one
// instance is SIGKILLed in the middle of it.
const TOKEN = '770077:SCALE-OUT-TEST-TOKEN';
const SECRET = 'scale-out-webhook-secret';
const CHATS = 45;
const MESSAGES = 10;
const OUTBOX_RECIPIENTS = 90;
const LEASE_SECONDS = 6;

const skip = nginxUnavailable() ?? (!(await hasPostgres()) ? 'PostgreSQL is not reachable' : !(await hasRedis()) ? 'Redis is not reachable' : false);

describe('three instances behind nginx on one PostgreSQL and one Redis', { skip }, () => {
  let sim: TelegramSimulator;
  let closeSim: () => Promise<void>;
  let target: TestDatabase;
  let database: DatabaseHandle;
  let proxy: Proxy | undefined;
  const instances: LavkaInstance[] = [];
  const sends: { chatId: number; text: string; atMs: number }[] = [];

  before(async () => {
    sim = createSimulator({ token: TOKEN, rateLimits: {} });
    const server = await startSimulatorServer({ sim });
    closeSim = () => server.close();
    sim.events.subscribe((event) => {
      if (event.type === 'message' && event.message.from_bot) sends.push({ chatId: event.chatId, text: event.message.text ?? '', atMs: event.at });
    });
    for (let index = 1; index <= CHATS; index++) sim.user({ id: 10_000 + index, first_name: `Chat ${index}`, hasStartedBot: true });
    for (let index = 1; index <= OUTBOX_RECIPIENTS; index++) sim.user({ id: 20_000 + index, first_name: `Reader ${index}`, hasStartedBot: true });
    // Another test may have left this bot's keys in the shared Redis.
    const redis = new Redis(REDIS_URL);
    const stale = await redis.keys('lavka:{*:770077}:*');
    if (stale.length > 0) await redis.del(...stale);
    redis.disconnect();

    target = await postgresTestDatabase();
    const env = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.apiRoot,
      BOT_MODE: 'webhook',
      WEBHOOK_SECRET: SECRET,
      DATABASE_URL: target.url,
      REDIS_URL,
      LAVKA_PRESET: 'shop',
      LAVKA_DEMO_DATA: 'off',
      LOG_LEVEL: 'info',
      DAILY_REPORT_TIME: 'off',
      DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS),
    };
    // The webhook URL names the proxy, whose port is known only once it runs; Telegram (the
    // simulator) is never asked to push anything here, the load is posted by the test.
    const webhookEnv = { ...env, WEBHOOK_URL: 'http://127.0.0.1:9/telegram/webhook' };
    // The first one migrates the fresh schema; the other two start against it.
    instances.push(await startInstance(webhookEnv));
    instances.push(...(await Promise.all([startInstance(webhookEnv), startInstance(webhookEnv)])));
    proxy = await startNginx(instances.map((instance) => instance.port));
    database = await createDatabase({ url: target.url });
  });

  after(async () => {
    await stopInstances(instances);
    await proxy?.stop();
    await database?.close();
    await target?.drop();
    await closeSim?.();
  });

  test('every chat is answered in update order, once per update, within the shared budget, and a killed instance loses nothing', { timeout: 120_000 }, async () => {
    const webhook = `${proxy?.url}/telegram/webhook`;
    const startedMs = Date.now();
    // Notifications waiting in the outbox, and a job due in the middle of the load.
    await enqueueOutbox(
      database.db,
      Array.from({ length: OUTBOX_RECIPIENTS }, (_, index) => ({ chatId: 20_001 + index, method: 'sendMessage' as const, payload: { text: `notice ${index + 1}` }, priority: 'normal' as const })),
    );
    await scheduleJob(database.db, { kind: SCALE_JOB_KIND, runAt: Date.now() + 3000 });

    // The load: every chat posts its messages about 400 ms apart without waiting for the
    // answers (each takes a second at least: one message a second per chat), so several of a
    // chat's updates are in flight on different instances at once.
    // Update ids are numbered in the order the updates are posted, as Telegram numbers them.
    let nextUpdateId = 5_000_000;
    let failedDeliveries = 0;
    const posted: Promise<void>[] = [];
    const chatLoads = Array.from({ length: CHATS }, async (_, chatIndex) => {
      const chatId = 10_001 + chatIndex;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 500));
      for (let n = 1; n <= MESSAGES; n++) {
        const update = textUpdate((nextUpdateId += 1), chatId, `m-${n}`);
        posted.push(deliver(webhook, SECRET, update).then((failures) => void (failedDeliveries += failures)));
        await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 200));
      }
    });

    const echoes = () => sends.filter((send) => send.text.startsWith('echo ')).length;
    // LAVKA_TEST_LOG=debug shows the progress and, at the end, the instances' warnings.
    const debug = process.env.LAVKA_TEST_LOG === 'debug';
    const progress = debug
      ? setInterval(() => process.stderr.write(`# ${Math.round((Date.now() - startedMs) / 1000)} s: ${sends.length} sends, ${echoes()} echoes, ${failedDeliveries} failed deliveries\n`), 2000)
      : undefined;
    after(() => {
      clearInterval(progress);
      if (debug) for (const instance of instances) process.stderr.write(instance.output().split('\n').filter((line) => /"level":(40|50|60)/.test(line)).slice(-30).join('\n') + '\n');
    });

    // SIGKILL one instance once about a third of the replies are out.
    const victim = instances[1] as LavkaInstance;
    const victimWorker = victim.workerId();
    assert.ok(victimWorker, 'the sender logged its worker id');
    while (echoes() < (CHATS * MESSAGES) / 3) await new Promise((resolve) => setTimeout(resolve, 50));
    victim.child.kill('SIGKILL');
    const killedAtMs = Date.now();
    const heldAtKill = await database.db
      .selectFrom('outbox')
      .select(['id', 'status'])
      .where('claimed_by', '=', victimWorker as string)
      .where('status', 'in', ['pending', 'sending'])
      .execute();
    // Its claims stop holding once their lease runs out (it was renewed until the kill): from
    // then on any living instance with room claims them.
    let releasedMs: number | undefined;
    while (releasedMs === undefined && Date.now() - killedAtMs < 30_000) {
      const left = await database.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('claimed_by', '=', victimWorker as string)
        .where('status', 'in', ['pending', 'sending'])
        .where('claimed_until', '>=', Date.now())
        .executeTakeFirstOrThrow();
      if (Number(left.n) === 0) releasedMs = Date.now() - killedAtMs;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }

    await Promise.all(chatLoads);
    await Promise.all(posted);
    // Every reply and every notice delivered (or settled as unknown, for a call the kill cut).
    const outboxDone = async () => {
      const row = await database.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['pending', 'sending'])
        .executeTakeFirstOrThrow();
      return Number(row.n) === 0;
    };
    const deadline = Date.now() + 40_000;
    while ((echoes() < CHATS * MESSAGES || !(await outboxDone())) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    const loadMs = Date.now() - startedMs;

    // Every update handled once (the database's record of handled updates) …
    const handled = await database.db
      .selectFrom('processed_updates')
      .select(['update_id', 'claimed_until', 'pending_call'])
      .where('update_id', '>', 5_000_000)
      .execute();
    assert.equal(handled.length, CHATS * MESSAGES, 'every update recorded as handled');
    const halfHandled = handled.filter((row) => row.claimed_until !== null);
    assert.deepEqual(halfHandled, [], 'no update left half-handled');

    // … every chat answered for each of its updates, in update order. An update the kill cut
    // after its reply went out but before it was recorded is handled again when Telegram
    // resends it: at most as many repeated replies as deliveries failed.
    let repeated = 0;
    for (let index = 1; index <= CHATS; index++) {
      const chatId = 10_000 + index;
      const numbers = sends.filter((send) => send.chatId === chatId && send.text.startsWith('echo m-')).map((send) => Number(send.text.slice('echo m-'.length)));
      const distinct = [...new Set(numbers)];
      assert.deepEqual(distinct, Array.from({ length: MESSAGES }, (_, n) => n + 1), `chat ${chatId} got its answers in order: ${numbers.join(',')}`);
      for (let n = 1; n < numbers.length; n++) assert.ok((numbers[n] as number) >= (numbers[n - 1] as number), `chat ${chatId} answered out of order: ${numbers.join(',')}`);
      repeated += numbers.length - distinct.length;
    }
    assert.ok(repeated <= failedDeliveries, `${repeated} repeated replies, ${failedDeliveries} failed deliveries`);

    // The notices: each delivered once, or — for a call in flight at the kill — settled and
    // at most once more (notifications are resent rather than lost).
    const notices = await database.db.selectFrom('outbox').select(['chat_id', 'status', 'error_code']).where('chat_id', '>', 20_000).execute();
    assert.equal(notices.length, OUTBOX_RECIPIENTS);
    assert.ok(
      notices.every((row) => row.status === 'sent'),
      `every notice sent: ${JSON.stringify(notices.filter((row) => row.status !== 'sent'))}`,
    );
    const inFlightAtKill = heldAtKill.filter((row) => row.status === 'sending').length;
    for (let index = 1; index <= OUTBOX_RECIPIENTS; index++) {
      const copies = sends.filter((send) => send.chatId === 20_000 + index).length;
      assert.ok(copies >= 1 && copies <= (inFlightAtKill > 0 ? 2 : 1), `reader ${index} got ${copies} copies`);
    }
    assert.ok(releasedMs !== undefined && releasedMs <= (LEASE_SECONDS + 1) * 1000, `the killed instance's ${heldAtKill.length} claimed notices were free again after ${releasedMs} ms`);
    if (heldAtKill.length > 0) {
      const takenOver = await database.db
        .selectFrom('outbox')
        .select(['id', 'status', 'claimed_by'])
        .where(
          'id',
          'in',
          heldAtKill.map((row) => row.id),
        )
        .execute();
      assert.ok(
        takenOver.every((row) => row.status === 'sent' && row.claimed_by !== victimWorker),
        `the living instances sent what the killed one had claimed: ${JSON.stringify(takenOver)}`,
      );
    }

    // Telegram's limits were never exceeded, across the three instances together.
    const times = sends.map((send) => send.atMs);
    const peakChat = Math.max(...[...new Set(sends.map((send) => send.chatId))].map((chatId) => busiestWindow(sends.filter((send) => send.chatId === chatId).map((send) => send.atMs))));
    assert.ok(busiestWindow(times) <= 30, `at most 30 messages in any second (saw ${busiestWindow(times)})`);
    assert.equal(peakChat, 1, 'at most one message to a chat in any second');
    assert.equal(sim.stats().tooManyRequests, 0, 'no 429 from Telegram');

    // The job due during the load ran once, on one instance.
    const jobRuns = instances.flatMap((instance) => instance.output().split('\n').filter((line) => line.includes(SCALE_JOB_RAN)));
    assert.equal(jobRuns.length, 1, jobRuns.join('\n'));

    process.stdout.write(
      `# scale-out: ${CHATS * MESSAGES} updates and ${OUTBOX_RECIPIENTS} notices in ${(loadMs / 1000).toFixed(1)} s; ` +
        `busiest second ${busiestWindow(times)} messages; ${failedDeliveries} deliveries failed at the kill, ${repeated} replies repeated; ` +
        `${heldAtKill.length} claims of the killed instance free again after ${releasedMs} ms\n`,
    );
  });
});
