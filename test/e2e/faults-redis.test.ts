import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { enqueueOutbox } from '../../src/delivery/outbox.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { privateRedisUnavailable, startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';

// Redis stops for a while (a restart, a failover). The server is this file's own, on its own
// port: stopping it touches no other test.
const unavailable = privateRedisUnavailable();

interface Readiness {
  checks: { name: string; ok: boolean; detail?: string }[];
}

async function readiness(lavka: TestLavka): Promise<{ code: number; redis?: { ok: boolean; detail?: string }; database?: { ok: boolean } }> {
  const response = await fetch(`${lavka.app.url}/health/ready`);
  const body = (await response.json()) as Readiness;
  return {
    code: response.status,
    redis: body.checks.find((item) => item.name === 'redis'),
    database: body.checks.find((item) => item.name === 'database'),
  };
}

async function eventually(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Lavka with Redis when Redis stops and comes back', { skip: unavailable ?? false }, () => {
  let redis: PrivateRedis;
  let lavka: TestLavka;
  before(async () => {
    redis = await startPrivateRedis();
    lavka = await startTestLavka({ env: { REDIS_URL: redis.url } });
  });
  after(async () => {
    await lavka?.stop();
    await redis?.destroy();
  });

  test('while Redis is down the bot answers and the outbox sends, readiness names redis, and Redis is used again once it is back', async () => {
    const user = lavka.sim.user({ id: 7101, first_name: 'Rita', language_code: 'en' });
    await user.send('/start');
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('Hello')), { timeoutMs: 5000 });

    await redis.stop();
    try {
      // The client notices the closed connection a moment after the server is gone.
      await eventually(async () => (await readiness(lavka)).code === 503, 10_000, 'readiness turning not ready');
      const down = await readiness(lavka);
      assert.equal(down.redis?.ok, false);
      assert.match(down.redis?.detail ?? '', /not connected/);
      assert.equal(down.database?.ok, true);

      // Replies (chat lock, send limiter, flood control) and outbox sends fall back to local.
      for (const text of ['/help', '/language']) await user.send(text);
      await user.waitForMessage((message) => message.text?.startsWith('Here is what I can do') === true, { timeoutMs: 5000 });
      await user.waitForMessage((message) => message.text === 'Choose your language:', { timeoutMs: 5000 });
      await enqueueOutbox(lavka.app.database.db, { chatId: 7101, method: 'sendMessage', payload: { text: 'Sent without Redis' } });
      lavka.app.delivery.sender.wake();
      await user.waitForMessage((message) => message.text === 'Sent without Redis', { timeoutMs: 5000 });
    } finally {
      await redis.start();
    }

    await eventually(async () => (await readiness(lavka)).code === 200, 10_000, 'readiness turning ready again');
    // Back on Redis: the shared limiter and the chat lock write their keys there again.
    const probe = new Redis(redis.url);
    try {
      // Emptied first (this Redis is the test's own): on a slow run another send to this chat
      // may already have been counted there since Redis came back; the reply below must be.
      await probe.flushall();
      assert.deepEqual(await probe.keys('lavka:*'), []);
      await user.send('/help');
      await user.waitForMessage((message) => message.text?.startsWith('Here is what I can do') === true, { timeoutMs: 5000 });
      assert.ok((await probe.keys('lavka:*')).some((key) => key.includes('{send:')), 'the send limiter counts in Redis again');
    } finally {
      probe.disconnect();
    }
    // Nothing was sent twice across the outage and the recovery.
    const sent = user
      .chat()
      .messages.filter((message) => message.from_bot)
      .map((message) => message.text ?? '');
    const count = (test: (text: string) => boolean) => sent.filter(test).length;
    assert.equal(count((text) => text.startsWith('Hello')), 1, sent.join(' | '));
    assert.equal(count((text) => text.startsWith('Here is what I can do')), 2, sent.join(' | '));
    assert.equal(count((text) => text === 'Choose your language:'), 1, sent.join(' | '));
    assert.equal(count((text) => text === 'Sent without Redis'), 1, sent.join(' | '));
  });
});
