import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { probeModule } from '../support/probe-module.ts';
import { hasPostgres, hasRedis, postgresTestDatabase, REDIS_URL } from '../support/services.ts';

const available = (await hasPostgres()) && (await hasRedis());

describe('the bot on PostgreSQL with Redis', { skip: available ? false : 'PostgreSQL or Redis is not reachable' }, () => {
  let lavka: TestLavka;
  before(async () => {
    lavka = await startTestLavka({ database: await postgresTestDatabase(), env: { REDIS_URL }, extraModules: [probeModule] });
  });
  after(async () => {
    await lavka?.stop();
  });

  test('runs on PostgreSQL and reports Redis in readiness', async () => {
    assert.equal(lavka.app.database.dialect, 'postgres');
    const ready = (await (await fetch(`${lavka.app.url}/health/ready`)).json()) as { checks: { name: string; ok: boolean }[] };
    assert.deepEqual(
      ready.checks.filter((check) => ['database', 'redis'].includes(check.name)).map((check) => [check.name, check.ok]),
      [['database', true], ['redis', true]],
    );
  });

  test('/start registers the user, and a menu sent before a restart still works after it', async () => {
    const user = lavka.sim.user({ id: 4001, first_name: 'Pg', language_code: 'kk' });
    await user.send('/start');
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('Сәлеметсіз бе, Pg!')), { timeoutMs: 5000 });
    await user.send('/language');
    await user.waitForMessage((message) => message.text === 'Тілді таңдаңыз:', { timeoutMs: 5000 });
    await lavka.restart();
    await user.pressButton('Русский');
    await user.waitForMessage((message) => Boolean(message.text?.includes('главное меню')), { timeoutMs: 10_000 });
    assert.equal((await lavka.app.services.users?.get(4001))?.locale, 'ru');
  });

  test('a half-finished flow stored in PostgreSQL continues after a restart', async () => {
    const user = lavka.sim.user({ id: 4003, first_name: 'Flow', language_code: 'en' });
    await user.send('/ask');
    await user.waitForMessage((message) => message.text === 'What is your name?', { timeoutMs: 5000 });
    await user.send('Aigul');
    await user.waitForMessage((message) => message.text === 'Which city?', { timeoutMs: 5000 });
    await lavka.restart();
    await user.send('Shymkent');
    await user.waitForMessage((message) => message.text === 'Aigul from Shymkent', { timeoutMs: 10_000 });
  });

  test('a burst of messages from one chat is answered in order (per-chat lock held in Redis)', async () => {
    const user = lavka.sim.user({ id: 4002, first_name: 'Burst', language_code: 'en' });
    // Queued back to back without waiting for replies: the runner fetches them together and
    // would handle them concurrently were it not for the per-chat ordering.
    for (const text of ['/help', '/faq', '/language']) await user.send(text);
    const answers: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const message = await user.waitForMessage(undefined, { timeoutMs: 5000 });
      answers.push(message.text ?? '');
    }
    assert.ok(answers[0]?.startsWith('Here is what I can do'), answers.join(' | '));
    assert.ok(answers[1]?.startsWith('Frequently asked questions'), answers.join(' | '));
    assert.equal(answers[2], 'Choose your language:');
    const rows = await sql<{ n: number }>`select count(*)::int as n from processed_updates`.execute(lavka.app.database.db);
    assert.ok((rows.rows[0]?.n ?? 0) >= 3);
  });
});
