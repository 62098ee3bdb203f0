import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectRedis } from '../db/redis.ts';
import { hasRedis, REDIS_URL } from '../../test/support/services.ts';
import { createRedisChatLock } from './chat-lock.ts';

const available = await hasRedis();

describe('the Redis per-chat lock', { skip: available ? false : 'Redis is not reachable on 127.0.0.1:6379' }, () => {
  let redis: Redis;
  let other: Redis;
  before(async () => {
    redis = await connectRedis(REDIS_URL);
    other = await connectRedis(REDIS_URL);
  });
  after(() => {
    redis?.disconnect();
    other?.disconnect();
  });

  test('two instances handling the same chat run one after the other', async () => {
    const prefix = `lavka:test:${randomUUID()}:`;
    const first = createRedisChatLock(redis, { prefix });
    const second = createRedisChatLock(other, { prefix });
    const events: string[] = [];
    const work = (name: string) => async () => {
      events.push(`${name}:start`);
      await new Promise((resolve) => setTimeout(resolve, 40));
      events.push(`${name}:end`);
    };
    await Promise.all([first.withLock('42', work('a')), second.withLock('42', work('b'))]);
    assert.equal(events.length, 4);
    // Whoever started first finished before the other started.
    assert.equal(events[1], `${events[0]?.split(':')[0]}:end`);
  });

  test('different chats do not wait for each other', async () => {
    const prefix = `lavka:test:${randomUUID()}:`;
    const lock = createRedisChatLock(redis, { prefix });
    const events: string[] = [];
    const work = (name: string) => async () => {
      events.push(`${name}:start`);
      await new Promise((resolve) => setTimeout(resolve, 40));
      events.push(`${name}:end`);
    };
    await Promise.all([lock.withLock('1', work('a')), lock.withLock('2', work('b'))]);
    assert.deepEqual(events.slice(0, 2).sort(), ['a:start', 'b:start']);
  });

  test('the lock is released when the work throws', async () => {
    const prefix = `lavka:test:${randomUUID()}:`;
    const lock = createRedisChatLock(redis, { prefix });
    await assert.rejects(lock.withLock('7', async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await redis.exists(`${prefix}7`), 0);
    assert.equal(await lock.withLock('7', async () => 'again'), 'again');
  });

  test('a holder whose lock expired does not release the next holder’s lock', async () => {
    const prefix = `lavka:test:${randomUUID()}:`;
    const slow = createRedisChatLock(redis, { prefix, ttlMs: 50 });
    const fast = createRedisChatLock(other, { prefix, ttlMs: 5000 });
    let secondHolds = false;
    const slowWork = slow.withLock('9', async () => {
      await new Promise((resolve) => setTimeout(resolve, 120));
    });
    await new Promise((resolve) => setTimeout(resolve, 70));
    const fastWork = fast.withLock('9', async () => {
      secondHolds = true;
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The slow holder finished meanwhile; our lock must still be there.
      assert.equal(await other.exists(`${prefix}9`), 1);
    });
    await Promise.all([slowWork, fastWork]);
    assert.equal(secondHolds, true);
  });
});

describe('the per-chat lock when Redis cannot be reached', () => {
  test('the work runs at once without the cross-instance lock, and the outage is reported', async () => {
    // Never connected: like a client whose server went away and that is reconnecting.
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false });
    const reported: unknown[] = [];
    const lock = createRedisChatLock(down, { onUnavailable: (error) => reported.push(error) });
    try {
      assert.equal(await lock.withLock('5', async () => 'answered'), 'answered');
      assert.equal(reported.length, 1);
    } finally {
      down.disconnect();
    }
  });
});
