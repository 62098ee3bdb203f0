import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { REDIS_URL, hasRedis } from '../../test/support/services.ts';
import { createRedisRateLimiter } from './redis-rate-limiter.ts';

const available = await hasRedis();

describe('the Redis rate limiter', { skip: available ? false : 'Redis is not reachable' }, () => {
  let first: Redis;
  let second: Redis;
  before(() => {
    first = new Redis(REDIS_URL);
    second = new Redis(REDIS_URL);
  });
  after(() => {
    first.disconnect();
    second.disconnect();
  });
  const prefix = () => `lavka-test:${randomBytes(4).toString('hex')}:{send}:`;

  test('two instances sharing a prefix share one global budget', async () => {
    const clock = { ms: 5_000_000 };
    const shared = prefix();
    const a = createRedisRateLimiter(first, { prefix: shared, clock: () => clock.ms });
    const b = createRedisRateLimiter(second, { prefix: shared, clock: () => clock.ms });
    let taken = 0;
    // One simulated second in 10 ms steps; both instances try for every step.
    for (let step = 0; step < 100; step++) {
      for (const limiter of [a, b]) {
        for (;;) {
          const permit = await limiter.tryAcquire({ chatId: 1000 + taken });
          if (!permit.ok) break;
          taken += 1;
        }
      }
      clock.ms += 10;
    }
    // 30/s together plus the burst of 15, not 60 (or 90 with two bursts).
    assert.ok(taken >= 30 && taken <= 45, `took ${taken}`);
  });

  test('direct replies on one instance borrow from the shared budget, and the other instance’s outbox waits', async () => {
    const clock = { ms: 5_000_000 };
    const shared = prefix();
    const replies = createRedisRateLimiter(first, { prefix: shared, clock: () => clock.ms, limits: { globalPerSecond: 10 } });
    const outbox = createRedisRateLimiter(second, { prefix: shared, clock: () => clock.ms, limits: { globalPerSecond: 10 } });
    // A burst of 5; nine replies go at once, borrowing four.
    for (let index = 0; index < 9; index++) await replies.acquire({});
    assert.deepEqual(await outbox.tryAcquire({ chatId: 1 }), { ok: false, waitMs: 500, scope: 'global' });
    clock.ms += 500;
    assert.deepEqual(await outbox.tryAcquire({ chatId: 1 }), { ok: true });
  });

  test('a private chat is limited across instances to its burst and then one a second', async () => {
    const clock = { ms: 5_000_000 };
    const shared = prefix();
    const a = createRedisRateLimiter(first, { prefix: shared, clock: () => clock.ms });
    const b = createRedisRateLimiter(second, { prefix: shared, clock: () => clock.ms });
    assert.deepEqual(await a.tryAcquire({ chatId: 77 }), { ok: true });
    clock.ms += 100;
    assert.deepEqual(await b.tryAcquire({ chatId: 77 }), { ok: true });
    clock.ms += 100;
    const refused = await a.tryAcquire({ chatId: 77 });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.scope, 'chat');
    assert.deepEqual(await b.tryAcquire({ chatId: 78 }), { ok: true });
  });

  test('a 429 pause set by one instance stops the other', async () => {
    const clock = { ms: 5_000_000 };
    const shared = prefix();
    const a = createRedisRateLimiter(first, { prefix: shared, clock: () => clock.ms });
    const b = createRedisRateLimiter(second, { prefix: shared, clock: () => clock.ms });
    await a.pauseUntil(clock.ms + 3000);
    const permit = await b.tryAcquire({ chatId: 1, paid: true });
    assert.deepEqual(permit, { ok: false, waitMs: 3000, scope: 'global' });
    clock.ms += 3000;
    assert.deepEqual(await b.tryAcquire({ chatId: 1 }), { ok: true });
  });

  test('limiters with different prefixes (different bots) do not share budgets', async () => {
    const clock = { ms: 5_000_000 };
    const a = createRedisRateLimiter(first, { prefix: prefix(), clock: () => clock.ms, limits: { globalPerSecond: 2 } });
    const b = createRedisRateLimiter(second, { prefix: prefix(), clock: () => clock.ms, limits: { globalPerSecond: 2 } });
    assert.deepEqual(await a.tryAcquire({ chatId: 1 }), { ok: true });
    assert.equal((await a.tryAcquire({ chatId: 2 })).ok, false);
    assert.deepEqual(await b.tryAcquire({ chatId: 1 }), { ok: true });
  });

  test('without a clock the buckets run on Redis time and still refill', async () => {
    const limiter = createRedisRateLimiter(first, { prefix: prefix(), limits: { globalPerSecond: 2 } });
    assert.deepEqual(await limiter.tryAcquire({ chatId: 1 }), { ok: true });
    const refused = await limiter.tryAcquire({ chatId: 2 });
    assert.equal(refused.ok, false);
    await new Promise((resolve) => setTimeout(resolve, (refused.ok ? 0 : refused.waitMs) + 20));
    assert.deepEqual(await limiter.tryAcquire({ chatId: 2 }), { ok: true });
  });
});
