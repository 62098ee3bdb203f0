import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Composer } from 'grammy';
import { Redis } from 'ioredis';
import { enqueueOutbox } from '../../src/delivery/outbox.ts';
import { createRedisRateLimiter } from '../../src/delivery/redis-rate-limiter.ts';
import type { LavkaModule } from '../../src/modules/module.ts';
import type { PressResult } from '../../src/sim/index.ts';
import type { BotContext } from '../../src/telegram/context.ts';
import { startSenderFixture } from '../support/delivery.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { REDIS_URL, hasPostgres, hasRedis, postgresTestDatabase } from '../support/services.ts';

const ADMIN = 900;

/**
 * A module that exists only in these tests: `/pay` stands for an order whose status change
 * and customer notification commit together; `probe.vip` is a segment another module offers.
 */
const probeModule: LavkaModule = {
  name: 'probe',
  setup: (deps) => {
    const composer = new Composer<BotContext>();
    composer.command('pay', async (ctx) => {
      await deps.database.db.transaction().execute(async (trx) => {
        await enqueueOutbox(trx, { chatId: ctx.chat.id, method: 'sendMessage', payload: { text: 'Order #7 is paid and on its way' }, priority: 'high' });
      });
      await ctx.reply('Payment received.');
    });
    return {
      composer,
      segments: [{ name: 'probe.vip', label: 'probe-vip', parameter: 'none', userIds: async () => [1001, 1002] }],
    };
  },
};

const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);

/** Users who started the bot, known to both the simulator and Lavka (as after their /start). */
async function addCustomers(lavka: TestLavka, ids: readonly number[], language = 'ru') {
  const users = lavka.app.services.users;
  assert.ok(users);
  for (const id of ids) {
    lavka.sim.user({ id, first_name: `Customer ${id}`, language_code: language, hasStartedBot: true });
    await users.register({ id, first_name: `Customer ${id}`, language_code: language });
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const broadcastDone = (lavka: TestLavka, id: number, timeoutMs: number) =>
  waitFor(`broadcast ${id} to finish`, timeoutMs, async () => {
    const row = await lavka.app.services.broadcasts?.get(id);
    return row?.status === 'done' ? row : undefined;
  });

/** Calls the broadcasts admin API as the owner (a staff session with its CSRF token). */
const api = (lavka: TestLavka) => {
  let session: Promise<{ cookie: string; csrf: string }> | undefined;
  const login = async () => {
    const admin = lavka.app.services.admin;
    assert.ok(admin, 'the admin module is enabled');
    const owner = await admin.staffForTelegram({ id: ADMIN, first_name: 'Owner' });
    assert.ok(owner, 'the first ADMIN_IDS entry is the owner');
    const started = await admin.startSession(owner.id, { ip: '127.0.0.1' });
    return { cookie: `lavka_admin=${started.token}`, csrf: started.csrfToken };
  };
  return async (method: string, path: string, body?: unknown) => {
    session ??= login();
    const { cookie, csrf } = await session;
    const payload = method === 'GET' ? undefined : (body ?? {});
    const response = await fetch(`${lavka.app.url}/api/broadcasts${path}`, {
      method,
      headers: { cookie, ...(payload === undefined ? {} : { 'content-type': 'application/json', 'x-csrf-token': csrf }) },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
};

describe('broadcasts end to end', () => {
  test('an admin walks /broadcast through compose, buttons, audience, preview and send; presses and unsubscribes are counted', async () => {
    const lavka = await startTestLavka({ adminIds: [ADMIN], extraModules: [probeModule] });
    try {
      const customers = range(1001, 12);
      await addCustomers(lavka, customers);
      const admin = lavka.sim.user({ id: ADMIN, first_name: 'Owner', language_code: 'en' });

      await admin.send('/broadcast');
      await admin.waitForMessage((message) => /New broadcast/.test(message.text ?? ''));
      await admin.send('Spring sale: 20% off everything');
      await admin.waitForMessage((message) => /Add buttons/.test(message.text ?? ''));
      await admin.send('Open the shop | https://example.com/shop\nI want it');
      await admin.waitForMessage((message) => message.text === 'Who should receive it?');

      // A module segment, negated: everyone except the two VIPs.
      await admin.pressButton('Not: probe-vip');
      const preview = await admin.waitForMessage((message) => message.text === 'Spring sale: 20% off everything');
      assert.deepEqual(
        preview.reply_markup?.inline_keyboard.map((row) => row.map((button) => button.text)),
        [['Open the shop'], ['I want it']],
      );
      const confirm = await admin.waitForMessage((message) => /is ready/.test(message.text ?? ''));
      // 12 customers + the admin, minus the two VIPs.
      assert.match(confirm.text ?? '', /11 recipients/);
      await admin.pressButton('🔕 "Unsubscribe" button: off');
      await admin.waitForMessage((message) => message.edited === true && /is ready/.test(message.text ?? ''));
      await admin.pressButton('🚀 Send now');
      await admin.waitForMessage((message) => /is being sent to 11 recipients/.test(message.text ?? ''));
      const progress = await admin.waitForMessage((message) => /Broadcast #1: sending/.test(message.text ?? ''), { timeoutMs: 5000 });

      const row = await broadcastDone(lavka, 1, 10_000);
      assert.equal(row.audience_size, 11);
      for (const id of customers) {
        const received = lavka.sim.chat(id).messages.filter((message) => message.text === 'Spring sale: 20% off everything');
        assert.equal(received.length, id === 1001 || id === 1002 ? 0 : 1, `customer ${id}`);
      }
      // The unsubscribe button speaks the recipient's language.
      const russian = lavka.sim.chat(1003).messages.at(-1);
      assert.equal(russian?.reply_markup?.inline_keyboard.at(-1)?.[0]?.text, '🔕 Отписаться');

      const fan = lavka.sim.getUser(1003);
      const leaver = lavka.sim.getUser(1004);
      assert.ok(fan && leaver);
      for (let press = 0; press < 2; press++) {
        const pressed: PressResult = await fan.pressButton('I want it');
        assert.equal(pressed.type, 'callback');
        if (pressed.type === 'callback') assert.equal((await fan.waitForCallbackAnswer(pressed.callbackQueryId)).text, 'Спасибо!');
      }
      const left = await leaver.pressButton('🔕 Отписаться');
      if (left.type === 'callback') assert.match((await leaver.waitForCallbackAnswer(left.callbackQueryId)).text ?? '', /больше не будете/);

      // The progress message was edited in place to the final numbers.
      await waitFor('the final progress edit', 10_000, async () =>
        /finished/.test(lavka.sim.chat(ADMIN).messages.find((message) => message.message_id === progress.message_id)?.text ?? ''),
      );
      const finalProgress = lavka.sim.chat(ADMIN).messages.find((message) => message.message_id === progress.message_id);
      assert.match(finalProgress?.text ?? '', /Sent: 11 · blocked the bot: 0 · failed: 0 · remaining: 0 of 11/);

      const call = api(lavka);
      const details = await call('GET', '/1');
      assert.equal(details.status, 200);
      const analytics = details.body.analytics as { sent: number; unsubscribes: number; buttons: { text: string; presses: number }[] };
      assert.equal(analytics.sent, 11);
      assert.equal(analytics.unsubscribes, 1);
      assert.deepEqual(analytics.buttons, [{ index: 1, text: 'I want it', presses: 1 }]);

      // The next broadcast leaves out whoever unsubscribed.
      const created = await call('POST', '/', { text: 'Second <b>news</b>', parseMode: 'HTML', audience: { kind: 'everyone' } });
      assert.equal(created.status, 201);
      assert.equal(created.body.audienceSize, 12);
      const second = (created.body.broadcast as { id: number }).id;
      assert.equal((await call('POST', `/${second}/send`, {})).status, 200);
      await broadcastDone(lavka, second, 10_000);
      assert.equal(lavka.sim.chat(1004).messages.filter((message) => message.text === 'Second news').length, 0);
      assert.equal(lavka.sim.chat(1005).messages.filter((message) => message.text === 'Second news').length, 1);
    } finally {
      await lavka.stop();
    }
  });

  test('a 2 000-recipient broadcast with the limits on finishes without a 429, one copy each, and blocked users are marked', async () => {
    // Simulator and sender both at 300 msg/s keep the suite fast; the limits stay enforced.
    const lavka = await startTestLavka({ adminIds: [ADMIN], rateLimits: { globalPerSecond: 300 }, env: { SEND_RATE_PER_SECOND: '300' } });
    try {
      const recipients = range(100_001, 2000);
      await addCustomers(lavka, recipients);
      const broadcasts = lavka.app.services.broadcasts;
      assert.ok(broadcasts);
      const draft = await broadcasts.createDraft({ text: 'Big sale', audience: { kind: 'everyone' } });
      await broadcasts.start(draft.id);
      // Fifty users block the bot after the audience was chosen.
      const blockers = recipients.filter((id) => id % 40 === 0);
      for (const id of blockers) await lavka.sim.getUser(id)?.blockBot();
      const started = Date.now();
      await broadcastDone(lavka, draft.id, 60_000);
      const seconds = (Date.now() - started) / 1000;

      const stats = lavka.sim.stats();
      assert.equal(stats.tooManyRequests, 0);
      const blocked = new Set(blockers);
      for (const id of recipients) {
        assert.equal(stats.messagesSentByChat[String(id)] ?? 0, blocked.has(id) ? 0 : 1, `recipient ${id}`);
      }
      for (const id of blockers) assert.equal((await lavka.app.services.users?.get(id))?.is_blocked, 1, `user ${id} is marked blocked`);
      const progress = await broadcasts.progress(draft.id);
      assert.deepEqual(
        { sent: progress.sent, blocked: progress.blocked, failed: progress.failed, remaining: progress.remaining },
        { sent: 1950, blocked: 50, failed: 0, remaining: 0 },
      );
      assert.ok(seconds < 40, `took ${seconds} s`);
    } finally {
      await lavka.stop();
    }
  });

  test("at Telegram's real limits an order notification sent during a broadcast arrives within seconds, with no 429", async () => {
    const lavka = await startTestLavka({ adminIds: [ADMIN], rateLimits: {}, extraModules: [probeModule] });
    try {
      await addCustomers(lavka, range(200_001, 240));
      const buyer = lavka.sim.user({ id: 777, first_name: 'Buyer', language_code: 'en' });
      await buyer.send('/start');
      await buyer.waitForMessage();
      const broadcasts = lavka.app.services.broadcasts;
      assert.ok(broadcasts);
      const draft = await broadcasts.createDraft({ text: 'Weekly digest', audience: { kind: 'language', locales: ['ru'] } });
      await broadcasts.start(draft.id);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.ok((await broadcasts.progress(draft.id)).remaining > 100, 'the broadcast is still running');

      const paidAt = Date.now();
      await buyer.send('/pay');
      await buyer.waitForMessage((message) => message.text === 'Order #7 is paid and on its way', { timeoutMs: 5000 });
      const waitedMs = Date.now() - paidAt;
      assert.ok(waitedMs < 3000, `the notification took ${waitedMs} ms`);

      await broadcastDone(lavka, draft.id, 20_000);
      assert.equal(lavka.sim.stats().tooManyRequests, 0);
    } finally {
      await lavka.stop();
    }
  });

  test('a broadcast cut by an abrupt stop of the sender completes after a restart with no duplicates and no gaps', async () => {
    const lavka = await startTestLavka({
      adminIds: [ADMIN],
      rateLimits: { globalPerSecond: 300 },
      env: { SEND_RATE_PER_SECOND: '300', DELIVERY_LEASE_SECONDS: '1' },
    });
    try {
      const recipients = range(300_001, 900);
      await addCustomers(lavka, recipients);
      const draft = await lavka.app.services.broadcasts!.createDraft({ text: 'Flash sale', audience: { kind: 'everyone' } });
      await lavka.app.services.broadcasts!.start(draft.id);
      await waitFor('part of the broadcast to go out', 10_000, async () => lavka.sim.stats().messagesSent > 200);
      // Calls in flight at the moment of the stop: their outcome is never recorded.
      lavka.sim.injectFault({ method: 'sendMessage', kind: 'slow', delayMs: 300, count: 4 });
      await new Promise((resolve) => setTimeout(resolve, 30));
      await lavka.app.delivery.stopAbruptly();
      const sentBeforeStop = lavka.sim.stats().messagesSent;
      await lavka.restart();
      await broadcastDone(lavka, draft.id, 30_000);

      const stats = lavka.sim.stats();
      const wrong = recipients.filter((id) => (stats.messagesSentByChat[String(id)] ?? 0) !== 1);
      assert.deepEqual(wrong, [], 'every recipient has exactly one copy');
      assert.ok(sentBeforeStop < 900, 'the stop happened mid-broadcast');
      assert.equal(stats.tooManyRequests, 0);
    } finally {
      await lavka.stop();
    }
  });

  test('a broadcast scheduled through the HTTP API starts at its time, and bad requests change nothing', async () => {
    const lavka = await startTestLavka({ adminIds: [ADMIN] });
    try {
      await addCustomers(lavka, range(400_001, 5), 'en');
      const call = api(lavka);
      assert.equal((await call('POST', '/', { text: '', audience: { kind: 'everyone' } })).status, 400);
      assert.equal((await call('POST', '/', { text: 'x', audience: { kind: 'segment', name: 'nobody.offers_this' } })).body.error, 'broadcasts.unknown_segment');
      assert.equal((await call('POST', '/999/send', {})).status, 404);
      const created = await call('POST', '/', { text: 'Tomorrow only', audience: { kind: 'tag', tags: ['vip'] } });
      assert.equal(created.body.audienceSize, 0);
      const id = (created.body.broadcast as { id: number }).id;
      await lavka.app.services.users!.addTag(400_001, 'VIP');
      await lavka.app.services.users!.addTag(400_002, 'vip');
      assert.equal((await call('POST', '/audience-size', { audience: { kind: 'tag', tags: ['vip'] } })).body.size, 2);
      assert.equal((await call('POST', `/${id}/schedule`, { at: new Date(Date.now() - 60_000).toISOString() })).body.error, 'broadcasts.past_time');
      const at = new Date(Date.now() + 1500).toISOString();
      const scheduled = await call('POST', `/${id}/schedule`, { at });
      assert.equal(scheduled.status, 200);
      assert.equal((scheduled.body.broadcast as { status: string }).status, 'scheduled');
      assert.equal(lavka.sim.chat(400_001).messages.length, 0, 'nothing before the time');
      await broadcastDone(lavka, id, 10_000);
      assert.equal(lavka.sim.chat(400_001).messages.at(-1)?.text, 'Tomorrow only');
      assert.equal(lavka.sim.chat(400_003).messages.length, 0);
      const progress = await call('GET', `/${id}/progress`);
      assert.deepEqual(progress.body.progress, {
        id,
        status: 'done',
        total: 2,
        sent: 2,
        blocked: 0,
        failed: 0,
        unconfirmed: 0,
        cancelled: 0,
        remaining: 0,
        etaSeconds: null,
      });
      assert.equal((await call('POST', `/${id}/pause`)).body.error, 'broadcasts.wrong_status');
    } finally {
      await lavka.stop();
    }
  });

  test('the daily report reaches the admins once, even when its job runs twice', async () => {
    const lavka = await startTestLavka({ adminIds: [ADMIN] });
    try {
      const admin = lavka.sim.user({ id: ADMIN, first_name: 'Owner', language_code: 'en', hasStartedBot: true });
      await lavka.app.services.users!.register({ id: ADMIN, first_name: 'Owner', language_code: 'en' });
      await addCustomers(lavka, range(500_001, 3));
      // Make the job due now, then let the scheduler run it twice (a re-run after a crash).
      const { db } = lavka.app.database;
      for (let run = 0; run < 2; run++) {
        await db.updateTable('scheduled_jobs').set({ run_at: Date.now() - 1000 }).where('kind', '=', 'core.daily_report').execute();
        await lavka.app.delivery.scheduler.runDue();
      }
      const report = await admin.waitForMessage((message) => /daily report/.test(message.text ?? ''), { timeoutMs: 5000 });
      assert.match(report.text ?? '', /New users: 4 \(total 4\)/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(lavka.sim.chat(ADMIN).messages.filter((message) => /daily report/.test(message.text ?? '')).length, 1);
    } finally {
      await lavka.stop();
    }
  });

  test('alerts to a staff group that became a supergroup follow it, in order, and still do after a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lavka-config-'));
    const configFile = path.join(dir, 'business.yaml');
    writeFileSync(configFile, 'adminChatIds: [-500]\n');
    const lavka = await startTestLavka({ adminIds: [ADMIN], env: { LAVKA_CONFIG: configFile } });
    const supergroup = -1_000_000_000_500;
    const alert = (text: string) => ({ chatId: -500, method: 'sendMessage' as const, payload: { text }, priority: 'high' as const });
    try {
      lavka.sim.group({ id: -500, title: 'Staff', members: [ADMIN] });
      lavka.sim.upgradeGroup(-500, supergroup);
      await enqueueOutbox(lavka.app.database.db, [alert('Order A-1001 is new'), alert('Order A-1002 is new'), alert('Order A-1003 is new')]);
      const texts = () => lavka.sim.chat(supergroup).messages.map((message) => message.text);
      await waitFor('the alerts in the supergroup', 5000, async () => texts().length === 3);
      assert.deepEqual(texts(), ['Order A-1001 is new', 'Order A-1002 is new', 'Order A-1003 is new']);
      assert.equal(lavka.sim.chat(-500).messages.length, 0);
      // Modules read the live list on every alert: new alerts go straight to the supergroup.
      assert.deepEqual(lavka.app.config.adminChatIds, [supergroup]);
      const rows = await waitFor('the outcomes recorded', 5000, async () => {
        const all = await lavka.app.database.db.selectFrom('outbox').select(['chat_id', 'status', 'attempts']).execute();
        return all.every((row) => row.status !== 'pending' && row.status !== 'sending') && all;
      });
      assert.deepEqual(
        rows.map((row) => ({ ...row })),
        rows.map(() => ({ chat_id: supergroup, status: 'sent', attempts: 1 })),
      );

      // The config file still names the old group; the recorded upgrade wins at start-up.
      await lavka.restart();
      assert.deepEqual(lavka.app.config.adminChatIds, [supergroup]);
    } finally {
      await lavka.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const services = (await hasPostgres()) && (await hasRedis());

describe('several instances', { skip: services ? false : 'needs PostgreSQL and Redis' }, () => {
  test('two senders on PostgreSQL with a Redis limiter share the rate and the work', async () => {
    const fixture = await startSenderFixture({ rateLimits: { globalPerSecond: 50 }, database: await postgresTestDatabase() });
    const redis = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    try {
      const chats = range(600_001, 300);
      fixture.addUsers(chats);
      await enqueueOutbox(
        fixture.database.db,
        chats.map((chatId) => ({ chatId, method: 'sendMessage' as const, payload: { text: 'hello' }, priority: 'bulk' as const })),
      );
      const prefix = `lavka-test:${Date.now()}:{send}:`;
      const senders = redis.map((client) =>
        fixture.sender({ limiter: createRedisRateLimiter(client, { prefix, limits: { globalPerSecond: 50 } }), options: { batchSize: 20 } }),
      );
      const started = Date.now();
      for (const sender of senders) sender.start();
      await fixture.drained(30_000);
      const seconds = (Date.now() - started) / 1000;

      const stats = fixture.server.sim.stats();
      assert.equal(stats.tooManyRequests, 0);
      for (const chatId of chats) assert.equal(stats.messagesSentByChat[String(chatId)], 1, `chat ${chatId}`);
      const [first, second] = senders.map((sender) => sender.stats().sent);
      assert.ok(first! > 50 && second! > 50, `work split ${first}/${second}`);
      // Together they keep to 50/s: 300 messages need about 6 s, not the 3 s of 2 × 50/s.
      assert.ok(seconds >= 5.5, `finished in ${seconds} s`);
    } finally {
      for (const client of redis) client.disconnect();
      await fixture.close();
    }
  });
});
