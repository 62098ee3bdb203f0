import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Api } from 'grammy';
import { startSimulatorServer } from '../sim/index.ts';
import { pollingOutageLog } from './polling.ts';

describe('logging a polling outage', () => {
  test('an outage is logged once when it starts, not at every retry, and its end says how long it lasted', async () => {
    const server = await startSimulatorServer({ simulator: { rateLimits: false } });
    const lines: { level: string; message: string; downForMs?: number }[] = [];
    const logger = {
      warn: (fields: { downForMs?: number }, message: string) => void lines.push({ level: 'warn', message, downForMs: fields.downForMs }),
      info: (fields: { downForMs?: number }, message: string) => void lines.push({ level: 'info', message, downForMs: fields.downForMs }),
    };
    let nowMs = 1_000_000;
    const api = new Api(server.sim.token, { apiRoot: server.apiRoot });
    api.config.use(pollingOutageLog(logger as never, { clock: () => nowMs, repeatMs: 60_000 }));
    try {
      await api.getUpdates({ timeout: 0 });
      server.sim.injectFault({ method: 'getUpdates', kind: 'drop', count: 100 });
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await assert.rejects(api.getUpdates({ timeout: 0 }));
        nowMs += 1000;
      }
      server.sim.clearFaults();
      await api.getUpdates({ timeout: 0 });
      assert.deepEqual(
        lines.map((line) => line.level),
        ['warn', 'info'],
      );
      assert.equal(lines[1]?.downForMs, 5000);
    } finally {
      await server.close();
    }
  });
});
