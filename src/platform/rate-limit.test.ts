import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { REDIS_URL, hasRedis } from '../../test/support/services.ts';
import { createMemoryRequestLimiter, createRedisRequestLimiter } from './rate-limit.ts';

describe('request rate limits of the integration API', () => {
  test('one instance allows the limit per caller and second, then asks to retry in a second', async () => {
    let nowMs = 1_000_000;
    const limiter = createMemoryRequestLimiter(() => nowMs);
    const decisions = [];
    for (let index = 0; index < 5; index += 1) decisions.push(await limiter.take('a', 3));
    assert.deepEqual(decisions.map((decision) => decision.allowed), [true, true, true, false, false]);
    assert.deepEqual(decisions[3], { allowed: false, retryAfterSeconds: 1 });
    assert.equal((await limiter.take('b', 3)).allowed, true, 'callers are counted apart');
    nowMs += 1000;
    assert.equal((await limiter.take('a', 3)).allowed, true, 'the next second starts afresh');
  });

  test('instances sharing Redis share the limit; without Redis each counts alone', async (t) => {
    if (!(await hasRedis())) return t.skip('Redis is not running');
    const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    after(() => clients.forEach((client) => client.disconnect()));
    const nowMs = Date.now();
    const caller = `test-${process.pid}-${nowMs}`;
    const fallback = createMemoryRequestLimiter(() => nowMs);
    const [first, second] = clients.map((client) => createRedisRequestLimiter(client, { now: () => nowMs, fallback })) as [ReturnType<typeof createRedisRequestLimiter>, ReturnType<typeof createRedisRequestLimiter>];
    const allowed = [];
    for (let index = 0; index < 6; index += 1) allowed.push((await (index % 2 === 0 ? first : second).take(caller, 4)).allowed);
    assert.deepEqual(allowed, [true, true, true, true, false, false], 'four in all across the two instances');

    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    const outages: unknown[] = [];
    const alone = createRedisRequestLimiter(down, { now: () => nowMs, fallback: createMemoryRequestLimiter(() => nowMs), onUnavailable: (error) => outages.push(error) });
    assert.equal((await alone.take(caller, 1)).allowed, true, 'an unreachable Redis does not lock callers out');
    assert.equal((await alone.take(caller, 1)).allowed, false, 'the instance still counts on its own');
    assert.equal(outages.length, 2);
    down.disconnect();
  });
});
