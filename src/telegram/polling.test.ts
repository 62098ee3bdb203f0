import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Api } from 'grammy';
import { startSimulatorServer } from '../sim/index.ts';
import { firstPollSignal, pollingOutageLog, untilBacklogHandled } from './polling.ts';

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

describe('waiting for the updates a start found', () => {
  test('the first getUpdates is told, whatever its outcome, and later calls pass untouched', async () => {
    const server = await startSimulatorServer({ simulator: { rateLimits: false } });
    const api = new Api(server.sim.token, { apiRoot: server.apiRoot });
    const first = firstPollSignal();
    api.config.use(first.transformer);
    let told = false;
    void first.answered.then(() => (told = true));
    try {
      await api.getMe();
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(told, false, 'another method is not a poll');
      server.sim.injectFault({ method: 'getUpdates', kind: 'drop', count: 1 });
      await assert.rejects(api.getUpdates({ timeout: 0 }));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(told, true, 'a failed first poll ends the wait too');
      assert.deepEqual(await api.getUpdates({ timeout: 0 }), []);
    } finally {
      await server.close();
    }
  });

  test('waits for the first answer and for the updates in flight to end, and no longer than the cap', async () => {
    let inFlight = 0;
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    let done = false;
    const waiting = untilBacklogHandled({ answered, inFlight: () => inFlight, capMs: 5_000 }).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(done, false, 'no answer yet');
    inFlight = 2;
    answer();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(done, false, 'two updates still in flight');
    inFlight = 0;
    await waiting;
    assert.equal(done, true);

    // Telegram never answers, or the backlog is long: the cap ends the wait.
    const startedAt = Date.now();
    await untilBacklogHandled({ answered: new Promise(() => undefined), inFlight: () => 1, capMs: 200 });
    const waitedMs = Date.now() - startedAt;
    assert.ok(waitedMs >= 190 && waitedMs < 2_000, `waited ${waitedMs} ms`);
  });
});
