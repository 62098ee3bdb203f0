import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectRedis } from '../db/redis.ts';
import { hasRedis, REDIS_URL } from '../../test/support/services.ts';
import { createLocalChatOrder, createRedisChatLock } from './chat-lock.ts';

const available = await hasRedis();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the per-chat order in Redis', { skip: available ? false : 'Redis is not reachable on 127.0.0.1:6379' }, () => {
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
  const freshPrefix = () => `lavka:test:{${randomUUID()}}:`;

  test('two instances handling the same chat run one after the other, in update id order', async () => {
    const prefix = freshPrefix();
    const first = createRedisChatLock(redis, { prefix });
    const second = createRedisChatLock(other, { prefix });
    const events: string[] = [];
    const work = (name: string) => async () => {
      events.push(`${name}:start`);
      await sleep(40);
      events.push(`${name}:end`);
    };
    await first.withLock('42', 100, work('100'));
    await Promise.all([second.withLock('42', 101, work('101')), first.withLock('42', 102, work('102'))]);
    assert.deepEqual(events, ['100:start', '100:end', '101:start', '101:end', '102:start', '102:end']);
  });

  test('a later update that arrives first waits for the earlier one still on its way', async () => {
    const prefix = freshPrefix();
    const first = createRedisChatLock(redis, { prefix });
    const second = createRedisChatLock(other, { prefix });
    const order: number[] = [];
    await first.withLock('7', 10, async () => void order.push(10));
    // 12 reaches the second instance while 11 (same chat) is still on the wire to the first.
    const later = second.withLock('7', 12, async () => void order.push(12));
    await sleep(60);
    const earlier = first.withLock('7', 11, async () => void order.push(11));
    await Promise.all([later, earlier]);
    assert.deepEqual(order, [10, 11, 12]);
  });

  test('an update id that never arrives holds the next ones only for the gap wait, and is reported', async () => {
    const prefix = freshPrefix();
    const gaps: number[] = [];
    const lock = createRedisChatLock(redis, { prefix, gapWaitMs: 150, onGapSkipped: (info) => gaps.push(info.updateId) });
    await lock.withLock('1', 50, async () => {});
    const started = Date.now();
    await lock.withLock('2', 52, async () => {});
    const waited = Date.now() - started;
    assert.ok(waited >= 140 && waited < 2000, `waited ${waited} ms`);
    assert.deepEqual(gaps, [52]);
    // Once skipped, the gap holds nothing more.
    const next = Date.now();
    await lock.withLock('3', 53, async () => {});
    assert.ok(Date.now() - next < 140);
  });

  test('different chats do not wait for each other', async () => {
    const prefix = freshPrefix();
    const lock = createRedisChatLock(redis, { prefix });
    await lock.withLock('0', 1, async () => {});
    const events: string[] = [];
    const work = (name: string) => async () => {
      events.push(`${name}:start`);
      await sleep(40);
      events.push(`${name}:end`);
    };
    await Promise.all([lock.withLock('1', 2, work('a')), lock.withLock('2', 3, work('b'))]);
    assert.deepEqual(events.slice(0, 2).sort(), ['a:start', 'b:start']);
  });

  test('the chat is free again when the work throws', async () => {
    const prefix = freshPrefix();
    const lock = createRedisChatLock(redis, { prefix });
    await assert.rejects(lock.withLock('7', 1, async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await redis.zcard(`${prefix}q:7`), 0);
    assert.equal(await lock.withLock('7', 2, async () => 'again'), 'again');
  });

  test('a long handler keeps its place by renewing its lease', async () => {
    const prefix = freshPrefix();
    const first = createRedisChatLock(redis, { prefix, leaseMs: 150 });
    const second = createRedisChatLock(other, { prefix, leaseMs: 150 });
    const events: string[] = [];
    const slow = first.withLock('5', 1, async () => {
      events.push('1:start');
      await sleep(500);
      events.push('1:end');
    });
    await sleep(30);
    await Promise.all([slow, second.withLock('5', 2, async () => void events.push('2:start'))]);
    assert.deepEqual(events, ['1:start', '1:end', '2:start']);
  });

  test('the entry of a killed instance blocks its chat only until its lease runs out', async () => {
    const prefix = freshPrefix();
    const doomed = await connectRedis(REDIS_URL);
    const killed = createRedisChatLock(doomed, { prefix, leaseMs: 300 });
    const survivor = createRedisChatLock(redis, { prefix, leaseMs: 300 });
    void killed.withLock('9', 1, () => new Promise<never>(() => {})).catch(() => {});
    await sleep(50);
    doomed.disconnect();
    const started = Date.now();
    await survivor.withLock('9', 2, async () => {});
    const waited = Date.now() - started;
    assert.ok(waited >= 150 && waited < 3000, `waited ${waited} ms`);
  });

  test('an update waits for its turn at most the bounded wait, then runs and is reported', async () => {
    const prefix = freshPrefix();
    const reports: { updateId: number }[] = [];
    const holder = createRedisChatLock(redis, { prefix });
    const waiter = createRedisChatLock(other, { prefix, waitMs: 200, onWaitedTooLong: (info) => reports.push(info) });
    let release!: () => void;
    const held = holder.withLock('3', 1, () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(30);
    const started = Date.now();
    await waiter.withLock('3', 2, async () => {});
    assert.ok(Date.now() - started >= 190);
    assert.deepEqual(
      reports.map((report) => report.updateId),
      [2],
    );
    release();
    await held;
  });

  test('a second delivery of the same update queues behind the first instead of sharing its place', async () => {
    const prefix = freshPrefix();
    const first = createRedisChatLock(redis, { prefix });
    const second = createRedisChatLock(other, { prefix });
    await first.withLock('4', 1, async () => {});
    const events: string[] = [];
    const run = (name: string, ms: number) => async () => {
      events.push(`${name}:start`);
      await sleep(ms);
      events.push(`${name}:end`);
    };
    const original = first.withLock('4', 2, run('2a', 60));
    await sleep(10);
    const duplicate = second.withLock('4', 2, run('2b', 5));
    await sleep(10);
    const next = first.withLock('4', 3, run('3', 5));
    await Promise.all([original, duplicate, next]);
    assert.equal(events.at(-2), '3:start', events.join(' '));
  });
});

describe('the per-chat order when Redis cannot be reached', () => {
  test('the work runs at once in this instance’s own order, and the outage is reported', async () => {
    // Never connected: like a client whose server went away and that is reconnecting.
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false });
    const reported: unknown[] = [];
    const lock = createRedisChatLock(down, { onUnavailable: (error) => reported.push(error) });
    try {
      assert.equal(await lock.withLock('5', 1, async () => 'answered'), 'answered');
      assert.equal(reported.length, 1);
    } finally {
      down.disconnect();
    }
  });

  test('the local order runs a chat’s updates one after another, in arrival order', async () => {
    const lock = createLocalChatOrder();
    const events: string[] = [];
    const work = (name: string, ms: number) => async () => {
      events.push(`${name}:start`);
      await sleep(ms);
      events.push(`${name}:end`);
    };
    await Promise.all([lock.withLock('1', 1, work('a', 30)), lock.withLock('1', 2, work('b', 1)), lock.withLock('2', 3, work('c', 1))]);
    assert.deepEqual(
      events.filter((event) => !event.startsWith('c')),
      ['a:start', 'a:end', 'b:start', 'b:end'],
    );
    assert.ok(events.indexOf('c:end') < events.indexOf('a:end'));
  });
});
