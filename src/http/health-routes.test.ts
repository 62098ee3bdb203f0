import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMetrics } from '../observability/metrics.ts';
import { silentLogger } from '../observability/logger.ts';
import { createHttpServer, type ReadinessCheck } from './server.ts';

/** A readiness check whose answer the test sets. */
function check(name: string, state: { ok: boolean; detail?: string }, critical?: false): ReadinessCheck {
  return { name, check: async () => ({ ...state }), ...(critical === false ? { critical } : {}) };
}

async function serverWith(readiness: ReadinessCheck[]) {
  const app = await createHttpServer({ logger: silentLogger(), metrics: createMetrics(), readiness });
  return {
    get: async (url: string) => {
      const response = await app.inject({ method: 'GET', url });
      return { status: response.statusCode, body: response.json() as { status: string; checks: { name: string; ok: boolean; detail?: string }[] } };
    },
    close: () => app.close(),
  };
}

describe('per-dependency health routes', () => {
  test('/health/db, /health/redis and /health/payments each report only their own checks, 503 while one fails', async () => {
    const database = { ok: true };
    const redis: { ok: boolean; detail?: string } = { ok: false, detail: 'not connected (reconnecting)' };
    const server = await serverWith([
      check('database', database),
      check('redis', redis),
      check('telegram', { ok: false, detail: 'unreachable' }),
      check('payments.heleket', { ok: true, detail: 'circuit closed' }),
      check('payments.card', { ok: false, detail: 'circuit open: timeout' }, false),
      check('staff-chats', { ok: false, detail: 'Staff chat 1 cannot be reached' }, false),
    ]);
    try {
      const db = await server.get('/health/db');
      assert.equal(db.status, 200);
      assert.deepEqual(db.body, { status: 'ok', checks: [{ name: 'database', ok: true }] });

      const cache = await server.get('/health/redis');
      assert.equal(cache.status, 503);
      assert.deepEqual(cache.body, { status: 'failing', checks: [{ name: 'redis', ok: false, detail: 'not connected (reconnecting)' }] });

      // A non-critical gateway check keeps /health/ready up, but its own route says it fails.
      const payments = await server.get('/health/payments');
      assert.equal(payments.status, 503);
      assert.deepEqual(payments.body.checks.map((item) => item.name), ['payments.heleket', 'payments.card']);

      redis.ok = true;
      delete redis.detail;
      assert.equal((await server.get('/health/redis')).status, 200);
      database.ok = false;
      assert.equal((await server.get('/health/db')).status, 503);
      // /health/ready still reports every check together.
      const ready = await server.get('/health/ready');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.checks.length, 6);
    } finally {
      await server.close();
    }
  });

  test('a dependency the deployment does not use answers 200 not_configured', async () => {
    const server = await serverWith([check('database', { ok: true })]);
    try {
      for (const route of ['/health/redis', '/health/payments']) {
        const answer = await server.get(route);
        assert.equal(answer.status, 200);
        assert.deepEqual(answer.body, { status: 'not_configured', checks: [] });
      }
    } finally {
      await server.close();
    }
  });

  test('a check that hangs counts as failing after 3 s, with the reason', async () => {
    const server = await serverWith([{ name: 'redis', check: () => new Promise(() => undefined) }]);
    try {
      const answer = await server.get('/health/redis');
      assert.equal(answer.status, 503);
      assert.equal(answer.body.checks[0]?.detail, 'no answer within 3000 ms');
    } finally {
      await server.close();
    }
  });
});
