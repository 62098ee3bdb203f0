import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Bot } from 'grammy';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.ts';
import { enqueueOutbox } from '../../src/delivery/outbox.ts';
import { startSimulatorServer } from '../../src/sim/index.ts';
import type { BotContext } from '../../src/telegram/context.ts';
import { holdWhileDatabaseDown } from '../../src/telegram/database-wait.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';

// PostgreSQL restarts (an upgrade, a failover, an OOM kill) while Lavka runs. The cluster is
// this file's own, on its own port: stopping it touches no other test.
const unavailable = privatePostgresUnavailable();

interface Readiness {
  status: string;
  checks: { name: string; ok: boolean; detail?: string }[];
}

async function readiness(lavka: TestLavka): Promise<{ code: number; body: Readiness }> {
  const response = await fetch(`${lavka.app.url}/health/ready`);
  return { code: response.status, body: (await response.json()) as Readiness };
}

async function eventually(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Updates the bot has finished handling (answered or failed), counted by its metrics. */
async function updatesHandled(lavka: TestLavka): Promise<number> {
  const { values } = await lavka.app.metrics.updatesTotal.get();
  return values.reduce((sum, value) => sum + value.value, 0);
}

/** Waits until the bot has finished `count` updates more than `from`: none is left in flight. */
async function untilHandled(lavka: TestLavka, from: number, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const handled = (await updatesHandled(lavka)) - from;
    if (handled >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${handled} of ${count} updates were handled within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function check(body: Readiness, name: string) {
  return body.checks.find((item) => item.name === name);
}

describe('Lavka on PostgreSQL when the server restarts or stops', { skip: unavailable ?? false }, () => {
  let postgres: PrivatePostgres;
  let lavka: TestLavka;
  before(async () => {
    postgres = await startPrivatePostgres();
    // The cluster is deleted in `after`; the harness has nothing more to drop.
    lavka = await startTestLavka({ database: { dialect: 'postgres', url: postgres.url, drop: async () => {} } });
  });
  after(async () => {
    await lavka?.stop();
    await postgres?.destroy();
  });

  test('a restart under load crashes nothing, and the bot answers again without being restarted', async () => {
    const users = [5101, 5102, 5103].map((id) => lavka.sim.user({ id, first_name: `Load ${id}`, language_code: 'en' }));
    const handledBefore = await updatesHandled(lavka);
    for (const user of users) {
      await user.send('/start');
      await user.waitForMessage((message) => Boolean(message.text?.startsWith('Hello')), { timeoutMs: 5000 });
    }
    // The pool now holds idle connections; a fast shutdown terminates each of them, which
    // pg reports as an 'error' event that, unheard, would end the process.
    const load = Promise.all(users.map(async (user) => {
      for (let index = 0; index < 5; index += 1) await user.send('/help');
    }));
    await postgres.stop('fast');
    await load;
    await postgres.start();

    for (const user of users) {
      await user.send('/help');
      await user.waitForMessage((message) => message.text?.startsWith('Here is what I can do') === true, { timeoutMs: 15_000 });
    }
    // Every message sent under load got an answer: the help, or a request to try again (an
    // apology may come after the next message's answer: it is sent once the update is done).
    const answersOf = (user: (typeof users)[number]) =>
      user
        .chat()
        .messages.filter((message) => message.from_bot && !message.text?.startsWith('Hello') && !message.text?.includes('main menu'))
        .map((message) => message.text ?? '');
    // An answer may match an update sent before the restart while later ones still run:
    // every update of this test is finished before the next test stops the server again
    // (one still failing then would hold that test's updates as if the server had just gone).
    await untilHandled(lavka, handledBefore, users.length * 7);
    for (const user of users) {
      await eventually(() => answersOf(user).length >= 6, 10_000, `six answers to user ${user.id}: ${answersOf(user).join(' | ')}`);
      const texts = answersOf(user);
      assert.ok(texts.every((text) => text.startsWith('Here is what I can do') || /try again/i.test(text)), texts.join(' | '));
    }
    const ready = await readiness(lavka);
    assert.equal(ready.code, 200, JSON.stringify(ready.body));
  });

  test('while the server is down after a crash the user gets an answer, readiness names the database, and outbox rows committed before go out after, once', async () => {
    const ann = lavka.sim.user({ id: 5201, first_name: 'Ann', language_code: 'en' });
    const handledBefore = await updatesHandled(lavka);
    await ann.send('/start');
    await ann.waitForMessage((message) => Boolean(message.text?.startsWith('Hello')), { timeoutMs: 5000 });
    // The crash comes after /start is done, not in its last statements.
    await untilHandled(lavka, handledBefore, 1);
    // Committed before the outage, due while the server is down.
    await enqueueOutbox(lavka.app.database.db, [
      { chatId: 5201, method: 'sendMessage', payload: { text: 'Your order is packed' }, notBefore: Date.now() + 500 },
      { chatId: 5201, method: 'sendMessage', payload: { text: 'Your order is on its way' }, notBefore: Date.now() + 500 },
    ]);
    // This time the server dies rather than shutting down (no goodbye to the connections).
    await postgres.stop('immediate');
    try {
      const down = await readiness(lavka);
      assert.equal(down.code, 503);
      assert.equal(check(down.body, 'database')?.ok, false, JSON.stringify(down.body));
      assert.equal(check(down.body, 'telegram')?.ok, true, JSON.stringify(down.body));

      await ann.send('/help');
      const apology = await ann.waitForMessage(undefined, { timeoutMs: 15_000 });
      assert.equal(apology.text, 'The service is briefly unavailable. Please try again in a minute.');
      // Give the sender time to try the due rows against the stopped server.
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      await postgres.start();
    }

    const packed = await ann.waitForMessage((message) => message.text === 'Your order is packed', { timeoutMs: 15_000 });
    const onItsWay = await ann.waitForMessage((message) => message.text === 'Your order is on its way', { timeoutMs: 15_000 });
    assert.ok(packed.message_id < onItsWay.message_id);
    const up = await readiness(lavka);
    assert.equal(up.code, 200, JSON.stringify(up.body));
    await ann.send('/help');
    await ann.waitForMessage((message) => message.text?.startsWith('Here is what I can do') === true, { timeoutMs: 15_000 });
    const texts = ann.chat().messages.filter((message) => message.from_bot).map((message) => message.text);
    assert.equal(texts.filter((text) => text === 'Your order is packed').length, 1);
    assert.equal(texts.filter((text) => text === 'Your order is on its way').length, 1);
  });

  test('with updates held while the database is away, a restart of a few seconds costs only the update it interrupted', async () => {
    const database = await createDatabase({ url: postgres.url });
    const server = await startSimulatorServer({ simulator: { rateLimits: false } });
    try {
      server.sim.user({ id: 5301, first_name: 'Held', hasStartedBot: true });
      const bot = new Bot<BotContext>(server.sim.token, { client: { apiRoot: server.apiRoot }, botInfo: server.sim.botInfo });
      const failures: unknown[] = [];
      const root = bot.errorBoundary((error) => void failures.push(error.error));
      root.use(holdWhileDatabaseDown({ health: database.health, pollMs: 100, maxWaitMs: 20_000 }));
      root.on('message:text', async (ctx) => {
        await sql`select 1`.execute(database.db);
        await ctx.reply(`stored ${ctx.message.text}`);
      });
      let updateId = 0;
      const message = (text: string) =>
        bot.handleUpdate({
          update_id: (updateId += 1),
          message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: 5301, type: 'private', first_name: 'Held' }, from: { id: 5301, is_bot: false, first_name: 'Held' }, text },
        });

      await message('one');
      await postgres.stop('fast');
      await message('two');
      assert.equal(failures.length, 1);
      const restarted = new Promise((resolve) => setTimeout(resolve, 1000)).then(() => postgres.start());
      // Arrives while the server is still down: held until it is back, then handled.
      await message('three');
      await restarted;
      assert.equal(failures.length, 1);
      const texts = server.sim.chat(5301).messages.map((item) => item.text);
      assert.deepEqual(texts, ['stored one', 'stored three']);
    } finally {
      await server.close();
      await database.close();
    }
  });
});
