import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runClosedLoop } from './load.ts';
import { createCallRecorder } from './recorder.ts';
import { SHOP_VISIT, scriptedUser, updateIds } from './shop-script.ts';
import { startStubBotApi } from './stub-api.ts';
import { startSystem, type SystemName } from './systems.ts';

// The benchmark is only honest if every system really does the visit: each step finds its
// button, every press is answered, and every call is valid Bot API (checked by the stub).
// Lavka from its sources, as the rest of the suite: the benchmarks run the start-up bundle,
// which may not have been rebuilt since the last edit (test/e2e/bundle.test.ts checks it).
process.env.BENCH_LAVKA = 'sources';
describe('the benchmark shop visit', () => {
  for (const system of ['grammy', 'telegraf', 'lavka-sqlite'] as const satisfies readonly SystemName[]) {
    test(`${system} takes every step of two visits with valid Bot API calls only`, async () => {
      const stub = await startStubBotApi({ validate: true });
      const dir = mkdtempSync(path.join(tmpdir(), 'lavka-bench-script-'));
      const recorder = createCallRecorder();
      const bot = await startSystem(system, { apiRoot: stub.apiRoot, databaseUrl: `sqlite:${path.join(dir, 'lavka.db')}`, env: { LOG_LEVEL: 'silent' } }, recorder);
      try {
        const ids = updateIds(1);
        const users = [scriptedUser({ id: 10_000_001, recorder, ids }), scriptedUser({ id: 10_000_002, recorder, ids })];
        const outcome = await runClosedLoop({ users, handle: (update) => bot.handleUpdate(update), recorder, stepsPerUser: 2 * SHOP_VISIT.length });
        assert.deepEqual(outcome.failureSamples, []);
        assert.equal(outcome.updates, 4 * SHOP_VISIT.length);
        assert.equal(outcome.scriptFailures, 0);
        assert.equal(outcome.handlerErrors, 0);
        assert.equal(outcome.unansweredCallbacks, 0);
        assert.equal(await bot.errors(), 0);
        const stats = stub.stats();
        assert.deepEqual(stats.invalidSamples, []);
        assert.equal(stats.invalidCalls, 0);
        // The same screens: text edits, a photo card, its variant edit, and the cart toasts.
        for (const method of ['sendMessage', 'editMessageText', 'answerCallbackQuery', 'sendPhoto', 'editMessageMedia', 'deleteMessage']) {
          assert.ok((stats.calls[method] ?? 0) > 0, `${system} called ${method}`);
        }
      } finally {
        await bot.stop();
        await stub.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
