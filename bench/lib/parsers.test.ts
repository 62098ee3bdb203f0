import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { benchScale, envInt } from './config.ts';
import { plannable, postgresFullScans, sqliteFullScans } from './explain.ts';
import { parseWrkDuration, parseWrkOutput } from './wrk.ts';

describe('plan reading', () => {
  const rows = new Map([
    ['orders', 1_000_000],
    ['catalog_products', 20],
  ]);

  test('a SQLite SCAN of a large table is a full scan; SEARCH and small tables are not', () => {
    assert.deepEqual(sqliteFullScans(['SCAN orders'], rows), [{ table: 'orders', rows: 1_000_000 }]);
    assert.deepEqual(sqliteFullScans(['  SCAN orders USING COVERING INDEX orders_user_idx'], rows), [{ table: 'orders', rows: 1_000_000 }]);
    assert.deepEqual(sqliteFullScans(['SEARCH orders USING INDEX orders_user_idx (user_id=?)', 'SCAN catalog_products'], rows), []);
  });

  test('a PostgreSQL Seq Scan of a large table is a full scan; index scans are not', () => {
    assert.deepEqual(postgresFullScans(['  ->  Seq Scan on orders  (cost=0.00..1.00 rows=1 width=8)'], rows), [{ table: 'orders', rows: 1_000_000 }]);
    assert.deepEqual(postgresFullScans(['Index Scan Backward using orders_user_idx on orders', 'Seq Scan on catalog_products'], rows), []);
  });

  test('transaction control and settings are not planned', () => {
    const kept = plannable([
      { sql: 'begin', count: 1 },
      { sql: 'select * from users where id = ?', count: 2 },
      { sql: 'PRAGMA foreign_keys = ON', count: 1 },
      { sql: 'commit', count: 1 },
    ]);
    assert.deepEqual(kept.map((statement) => statement.sql), ['select * from users where id = ?']);
  });
});

describe('wrk output', () => {
  test('durations in us, ms and s become milliseconds', () => {
    assert.equal(parseWrkDuration('850.00us'), 0.85);
    assert.equal(parseWrkDuration('1.50ms'), 1.5);
    assert.equal(parseWrkDuration('1.02s'), 1020);
    assert.ok(Number.isNaN(parseWrkDuration('fast')));
  });

  test('requests per second and the latency distribution are read from --latency output', () => {
    const output = [
      'Running 5s test @ http://127.0.0.1:8080/telegram/webhook',
      '  Latency Distribution',
      '     50%    2.10ms',
      '     75%    3.00ms',
      '     90%    4.50ms',
      '     99%   12.34ms',
      '  2000 requests in 5.00s, 300.00KB read',
      '  Non-2xx or 3xx responses: 3',
      'Requests/sec:    400.12',
    ].join('\n');
    assert.deepEqual(parseWrkOutput(output), { requestsPerSecond: 400.12, p50Ms: 2.1, p90Ms: 4.5, p99Ms: 12.34, non2xx: 3 });
  });
});

describe('size knobs', () => {
  test('BENCH_SCALE is small or full, full by default', () => {
    assert.equal(benchScale({}), 'full');
    assert.equal(benchScale({ BENCH_SCALE: 'SMALL' }), 'small');
    assert.throws(() => benchScale({ BENCH_SCALE: 'huge' }), /small.*full/);
  });

  test('a knob from the environment must be a positive integer', () => {
    assert.equal(envInt('BENCH_ROUNDS', 3, {}), 3);
    assert.equal(envInt('BENCH_ROUNDS', 3, { BENCH_ROUNDS: '5' }), 5);
    assert.throws(() => envInt('BENCH_ROUNDS', 3, { BENCH_ROUNDS: '0' }), /positive integer/);
  });

  test('a knob that may be 0 (settling off) still refuses negatives and fractions', () => {
    assert.equal(envInt('BENCH_SETTLE_MS', 3000, { BENCH_SETTLE_MS: '0' }, { allowZero: true }), 0);
    assert.throws(() => envInt('BENCH_SETTLE_MS', 3000, { BENCH_SETTLE_MS: '-1' }, { allowZero: true }), /whole number/);
    assert.throws(() => envInt('BENCH_SETTLE_MS', 3000, { BENCH_SETTLE_MS: '1.5' }, { allowZero: true }), /whole number/);
  });
});

describe('the reproducing command', () => {
  test('it lists every BENCH_ knob that was set, sorted, before the npm command', async () => {
    const { benchCommand } = await import('./config.ts');
    assert.equal(benchCommand('throughput', { BENCH_SCALE: 'small', BENCH_ROUNDS: '3', PATH: '/bin' }), 'BENCH_ROUNDS=3 BENCH_SCALE=small npm run bench -- throughput');
    assert.equal(benchCommand('startup', {}), 'npm run bench -- startup');
  });
});
