import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { connectRedis } from '../db/redis.ts';
import type { JobSpec } from '../modules/module.ts';
import { hasRedis, REDIS_URL } from '../../test/support/services.ts';
import { jobLeaseMs, startJobs, type JobRunner } from './jobs.ts';

const available = await hasRedis();
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PERIOD_MS = 200;
const WATCH_MS = 1500;
// Periods that end within the watch: a job starts at the end of each.
const PERIODS = Math.floor(WATCH_MS / PERIOD_MS);

/** A job that counts its runs per instance. */
function countingJob(name: string, runs: JobSpec['runs'], counts: Map<string, number>, instance: string): JobSpec {
  return {
    name,
    everyMs: PERIOD_MS,
    runs,
    run: async () => void counts.set(instance, (counts.get(instance) ?? 0) + 1),
  };
}

/** Starts the same job list on two "instances", lets them run for the watch and stops them. */
async function runTwoInstances(make: (instance: string) => JobSpec[], leases: (instance: string) => Parameters<typeof startJobs>[2]): Promise<void> {
  const runners: JobRunner[] = ['a', 'b'].map((instance) => startJobs(make(instance), logger, leases(instance)));
  await sleep(WATCH_MS);
  await Promise.all(runners.map((runner) => runner.stop()));
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, value) => sum + value, 0);

test('a lease lasts a little under its period', () => {
  assert.equal(jobLeaseMs(200), 180);
  assert.equal(jobLeaseMs(3000), 2700);
  assert.equal(jobLeaseMs(3600_000), 3599_000);
});

test('without leases every job runs each period, one-instance ones too', async () => {
  const counts = new Map<string, number>();
  const runner = startJobs([countingJob('solo', 'one-instance', counts, 'a')], logger);
  await sleep(WATCH_MS);
  await runner.stop();
  assert.ok((counts.get('a') ?? 0) >= PERIODS - 2, `ran ${counts.get('a')} times`);
});

test('stop waits for the run in progress', async () => {
  let finished = false;
  const runner = startJobs([{ name: 'slow', everyMs: 20, run: async () => void (await sleep(100), (finished = true)) }], logger);
  await sleep(40);
  await runner.stop();
  assert.equal(finished, true);
});

describe('jobs across instances sharing Redis', { skip: available ? false : 'Redis is not reachable on 127.0.0.1:6379' }, () => {
  const clients = new Map<string, Redis>();
  before(async () => {
    for (const instance of ['a', 'b']) clients.set(instance, await connectRedis(REDIS_URL));
  });
  after(() => {
    for (const client of clients.values()) client.disconnect();
  });
  const sharedLeases = () => {
    const prefix = `lavka:test:${randomUUID()}:job:`;
    return (instance: string) => ({ redis: clients.get(instance) as Redis, prefix, instanceId: instance });
  };

  test('a one-instance job runs about once a period in all, not once a period on each', async () => {
    const counts = new Map<string, number>();
    await runTwoInstances((instance) => [countingJob('shared', 'one-instance', counts, instance)], sharedLeases());
    const runs = total(counts);
    // Both instances tick together each period and race for the lease; one wins.
    assert.ok(runs >= PERIODS - 2 && runs <= PERIODS + 1, `ran ${runs} times in ${PERIODS} periods (${JSON.stringify([...counts])})`);
  });

  test('an every-instance job runs on both instances each period', async () => {
    const counts = new Map<string, number>();
    await runTwoInstances((instance) => [countingJob('everywhere', undefined, counts, instance), countingJob('also-everywhere', 'every-instance', counts, `${instance}2`)], sharedLeases());
    for (const instance of ['a', 'b', 'a2', 'b2']) assert.ok((counts.get(instance) ?? 0) >= PERIODS - 2, `${instance} ran ${counts.get(instance)} times`);
  });

  test('instances of different bots (prefixes) do not share a lease', async () => {
    const counts = new Map<string, number>();
    const first = sharedLeases();
    const second = sharedLeases();
    await runTwoInstances((instance) => [countingJob('shared', 'one-instance', counts, instance)], (instance) => (instance === 'a' ? first : second)(instance));
    for (const instance of ['a', 'b']) assert.ok((counts.get(instance) ?? 0) >= PERIODS - 2, `${instance} ran ${counts.get(instance)} times`);
  });

  test('the lease names the instance that holds it and expires a little before the next period', async () => {
    const leases = sharedLeases()('a');
    const runner = startJobs([{ name: 'named', everyMs: PERIOD_MS, runs: 'one-instance', run: async () => undefined }], logger, leases);
    await sleep(PERIOD_MS + 50);
    const key = `${leases.prefix}named`;
    const [holder, ttl] = await Promise.all([leases.redis.get(key), leases.redis.pttl(key)]);
    await runner.stop();
    assert.equal(holder, 'a');
    assert.ok(ttl > 0 && ttl <= jobLeaseMs(PERIOD_MS), `ttl ${ttl}`);
  });

  test('with Redis unreachable a one-instance job still runs on every instance', async () => {
    // One instance's Redis was never reachable, the other's connection was lost.
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    const closed = await connectRedis(REDIS_URL);
    closed.disconnect();
    try {
      const counts = new Map<string, number>();
      const prefix = `lavka:test:${randomUUID()}:job:`;
      const clientOf = (instance: string) => (instance === 'a' ? down : closed);
      await runTwoInstances((instance) => [countingJob('shared', 'one-instance', counts, instance)], (instance) => ({ redis: clientOf(instance), prefix }));
      for (const instance of ['a', 'b']) assert.ok((counts.get(instance) ?? 0) >= PERIODS - 2, `${instance} ran ${counts.get(instance)} times`);
    } finally {
      down.disconnect();
    }
  });

  test('a command that fails (Redis went away mid-way) lets the job run', async () => {
    const counts = new Map<string, number>();
    const client = clients.get('a') as Redis;
    // A client that says it is ready but whose every command fails, as after a silent drop.
    const failing = Object.assign(Object.create(client) as Redis, { set: () => Promise.reject(new Error('Connection is closed.')) });
    const runner = startJobs([countingJob('shared', 'one-instance', counts, 'a')], logger, { redis: failing, prefix: `lavka:test:${randomUUID()}:job:` });
    await sleep(WATCH_MS);
    await runner.stop();
    assert.ok((counts.get('a') ?? 0) >= PERIODS - 2, `ran ${counts.get('a')} times`);
  });
});
