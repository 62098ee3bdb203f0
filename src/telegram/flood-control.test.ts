import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { REDIS_URL, hasRedis } from '../../test/support/services.ts';
import { businessConfigSchema } from '../config/business.ts';
import { createMemoryFloodStore, createRedisFloodStore, isPaymentUpdate, type FloodStore } from './flood-control.ts';

const settings = { enabled: true, updates: 3, perSeconds: 10, muteSeconds: 30 };

/** The verdicts for one update of `userId` at each of these clock times. */
async function verdicts(store: FloodStore, clock: { ms: number }, userId: number, atMs: readonly number[]) {
  const out: string[] = [];
  for (const ms of atMs) {
    clock.ms = ms;
    out.push(await store.hit(userId));
  }
  return out;
}

/** The same behaviour, whichever store keeps the counts. */
function behavesLikeFloodControl(makeStore: (clock: { ms: number }) => FloodStore) {
  test('updates within the limit pass; the one over it is the single warning; the rest of the mute is dropped', async () => {
    const clock = { ms: 1_000_000 };
    const store = makeStore(clock);
    const at = [0, 100, 200, 300, 400, 5_000, 29_999].map((ms) => 1_000_000 + ms);
    assert.deepEqual(await verdicts(store, clock, 1, at), ['pass', 'pass', 'pass', 'warn', 'drop', 'drop', 'drop']);
    // The mute ends 30 s after the warning, with an empty window.
    assert.deepEqual(await verdicts(store, clock, 1, [1_030_300, 1_030_301, 1_030_302]), ['pass', 'pass', 'pass']);
  });

  test('the window slides: updates spread out never reach the limit', async () => {
    const clock = { ms: 2_000_000 };
    const store = makeStore(clock);
    const at = Array.from({ length: 20 }, (_, index) => 2_000_000 + index * 3_400);
    assert.deepEqual(new Set(await verdicts(store, clock, 2, at)), new Set(['pass']));
  });

  test('each user has a count of their own', async () => {
    const clock = { ms: 3_000_000 };
    const store = makeStore(clock);
    assert.deepEqual(await verdicts(store, clock, 3, [3_000_000, 3_000_001, 3_000_002, 3_000_003]), ['pass', 'pass', 'pass', 'warn']);
    assert.equal(await store.hit(4), 'pass');
  });
}

describe('flood control in memory', () => {
  behavesLikeFloodControl((clock) => createMemoryFloodStore(settings, { clock: () => clock.ms }));
});

const redisAvailable = await hasRedis();

describe('flood control in Redis', { skip: redisAvailable ? false : 'Redis is not reachable' }, () => {
  let redis: Redis;
  let other: Redis;
  before(async () => {
    redis = new Redis(REDIS_URL);
    other = new Redis(REDIS_URL);
    // Flood control lets updates through while its Redis is not connected; these tests start connected.
    await Promise.all([redis.ping(), other.ping()]);
  });
  after(() => {
    redis.disconnect();
    other.disconnect();
  });
  const prefix = () => `lavka-test:${randomBytes(4).toString('hex')}:flood:`;

  behavesLikeFloodControl((clock) => createRedisFloodStore(redis, settings, { prefix: prefix(), clock: () => clock.ms }));

  test('two instances sharing a prefix count one user together', async () => {
    const clock = { ms: 4_000_000 };
    const shared = prefix();
    const a = createRedisFloodStore(redis, settings, { prefix: shared, clock: () => clock.ms });
    const b = createRedisFloodStore(other, settings, { prefix: shared, clock: () => clock.ms });
    assert.deepEqual([await a.hit(9), await b.hit(9), await a.hit(9), await b.hit(9), await a.hit(9)], ['pass', 'pass', 'pass', 'warn', 'drop']);
  });

  test('while its Redis is not connected, flood control lets every update through rather than hold it up', async () => {
    const offline = new Redis(REDIS_URL, { lazyConnect: true });
    const store = createRedisFloodStore(offline, { enabled: true, updates: 1, perSeconds: 60, muteSeconds: 60 }, { prefix: prefix() });
    assert.deepEqual([await store.hit(11), await store.hit(11), await store.hit(11)], ['pass', 'pass', 'pass']);
    offline.disconnect();
  });

  test('without a clock the window and the mute run on Redis time', async () => {
    const store = createRedisFloodStore(redis, { enabled: true, updates: 1, perSeconds: 1, muteSeconds: 1 }, { prefix: prefix() });
    assert.deepEqual([await store.hit(10), await store.hit(10), await store.hit(10)], ['pass', 'warn', 'drop']);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await store.hit(10), 'pass');
  });
});

describe('what flood control never drops', () => {
  test('pre-checkout queries and messages that carry a payment or a refund are payments; anything else is not', () => {
    const from = { id: 1, is_bot: false, first_name: 'A' };
    const chat = { id: 1, type: 'private', first_name: 'A' };
    assert.equal(isPaymentUpdate({ update_id: 1, pre_checkout_query: { id: 'q', from, currency: 'XTR', total_amount: 5, invoice_payload: 'x' } }), true);
    assert.equal(isPaymentUpdate({ update_id: 2, message: { message_id: 1, date: 1, chat, from, successful_payment: {} } }), true);
    assert.equal(isPaymentUpdate({ update_id: 3, message: { message_id: 1, date: 1, chat, from, refunded_payment: {} } }), true);
    assert.equal(isPaymentUpdate({ update_id: 4, message: { message_id: 1, date: 1, chat, from, text: 'hi' } }), false);
    assert.equal(isPaymentUpdate({ update_id: 5, callback_query: { id: 'c', from, chat_instance: 'i', data: 'pay' } }), false);
  });

  test('a config without a floodControl section gets the defaults, and bad values are refused', () => {
    const parsed = businessConfigSchema.parse({ modules: ['faq'] });
    assert.deepEqual(parsed.floodControl, { enabled: true, updates: 30, perSeconds: 10, muteSeconds: 60 });
    assert.deepEqual(businessConfigSchema.parse({ modules: ['faq'], floodControl: { updates: 5 } }).floodControl, { enabled: true, updates: 5, perSeconds: 10, muteSeconds: 60 });
    assert.equal(businessConfigSchema.safeParse({ modules: ['faq'], floodControl: { updates: 0 } }).success, false);
    assert.equal(businessConfigSchema.safeParse({ modules: ['faq'], floodControl: { muteSeconds: 'long' } }).success, false);
  });
});
