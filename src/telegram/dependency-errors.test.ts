import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import { freePort } from '../../test/support/harness.ts';
import { sqliteTestDatabase } from '../../test/support/services.ts';
import { createDatabase } from '../db/database.ts';
import { apologyKey, apologyText, dependencyOutage } from './dependency-errors.ts';
import { createTranslator } from './i18n.ts';

// Every error here is produced by the real client against a server that is not there (a
// closed port) or a disk that is full, not written by hand.

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('telling a dependency outage from other failures', () => {
  test('PostgreSQL that refuses connections is a database outage', async () => {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/none`, connectionTimeoutMillis: 2000 });
    const error = await caught(() => client.connect());
    assert.notEqual(dependencyOutage(error), undefined);
    assert.equal(apologyKey(error), 'error-unavailable');
  });

  test('a write on a full SQLite disk is a database outage', async () => {
    const target = sqliteTestDatabase();
    const handle = await createDatabase({ url: target.url });
    try {
      await sql`create table notes (body text)`.execute(handle.db);
      await sql`pragma max_page_count = 1`.execute(handle.db);
      const error = await caught(() => sql`insert into notes values (${'x'.repeat(20_000)})`.execute(handle.db));
      assert.equal(dependencyOutage(error), 'database');
    } finally {
      await handle.close();
      await target.drop();
    }
  });

  test('a command to a Redis that is down is a redis outage', async () => {
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    redis.on('error', () => {});
    try {
      const error = await caught(() => redis.set('k', 'v'));
      assert.equal(dependencyOutage(error), 'redis');
    } finally {
      redis.disconnect();
    }
  });

  test('an ordinary bug, and an outage wrapped as the cause of another error, are told apart', () => {
    assert.equal(dependencyOutage(new TypeError("Cannot read properties of undefined (reading 'id')")), undefined);
    assert.equal(apologyKey(new Error('orders.not_found')), 'error-generic');
    const wrapped = new Error('could not save the order', { cause: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }) });
    assert.equal(dependencyOutage(wrapped), 'database');
  });

  test('the apology is in the language Telegram reports when the stored one could not be read', () => {
    const i18n = createTranslator({ defaultLocale: 'ru' });
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    assert.equal(apologyText({ from: { language_code: 'kk' } }, outage, i18n), i18n.t('kk', 'error-unavailable'));
    assert.equal(apologyText({ locale: 'en', from: { language_code: 'kk' } }, outage, i18n), i18n.t('en', 'error-unavailable'));
    assert.equal(apologyText({ from: { language_code: 'de' } }, new Error('bug'), i18n), i18n.t('ru', 'error-generic'));
    assert.notEqual(i18n.t('kk', 'error-unavailable'), i18n.t('en', 'error-unavailable'));
  });
});
