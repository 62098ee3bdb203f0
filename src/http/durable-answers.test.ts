import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMetrics } from '../observability/metrics.ts';
import { silentLogger } from '../observability/logger.ts';
import { createHttpServer } from './server.ts';

describe('HTTP answers and the disk', () => {
  test('no answer leaves before what the database committed is on disk', async () => {
    const events: string[] = [];
    let synced!: () => void;
    const app = await createHttpServer({
      logger: silentLogger(),
      metrics: createMetrics(),
      readiness: [],
      untilDurable: () => new Promise<void>((resolve) => (synced = () => (events.push('synced'), resolve()))),
    });
    try {
      const answer = app.inject({ method: 'GET', url: '/health' }).then((response) => (events.push('answered'), response));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(events, [], 'the answer waits for the disk');
      synced();
      assert.equal((await answer).statusCode, 200);
      assert.deepEqual(events, ['synced', 'answered']);
    } finally {
      await app.close();
    }
  });
});
