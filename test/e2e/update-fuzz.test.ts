import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkUpdate } from '../../src/telegram/update-schema.ts';
import { sqliteFingerprint } from '../support/db-snapshot.ts';
import { freePort, startTestLavka, type TestLavka } from '../support/harness.ts';
import { sqliteTestDatabase } from '../support/services.ts';
import { mutate, seededRandom, updateCorpus } from '../support/update-fuzz.ts';

// Thousands of mutated updates, in both ways updates arrive. Whatever comes in, Lavka never
// answers 500, never crashes, never leaves an unhandled rejection, and an update it refuses
// changes nothing in the database.

const MUTANTS_PER_MODE = 2000;
const SECRET = 'fuzz-webhook-secret-token';
const TIMER_TABLES = ['scheduled_jobs'];

interface Mutant {
  kind: string;
  payload: unknown;
  refused: boolean;
}

/** Mutants of the corpus; `refused` is whether the update check turns them away. */
function mutants(seed: number, firstUserId: number): Mutant[] {
  const random = seededRandom(seed);
  const corpus = updateCorpus([firstUserId, firstUserId + 1, firstUserId + 2]);
  return Array.from({ length: MUTANTS_PER_MODE }, (_, index) => {
    const source = corpus[index % corpus.length]!;
    let payload = mutate(source.payload, random);
    if (random() < 0.3) payload = mutate(payload, random);
    return { kind: source.kind, payload, refused: checkUpdate({ update_id: 1, [source.kind]: payload }) !== undefined };
  });
}

async function refusedCount(lavka: TestLavka): Promise<number> {
  const text = await (await fetch(`${lavka.app.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('lavka_updates_refused_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function handledCount(lavka: TestLavka): Promise<number> {
  const text = await (await fetch(`${lavka.app.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('lavka_updates_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Counts what escapes every handler in this process while the fuzz runs. */
function watchProcess(): { failures: string[]; stop(): void } {
  const failures: string[] = [];
  const onRejection = (reason: unknown) => void failures.push(`unhandled rejection: ${String(reason)}`);
  const onException = (error: Error) => void failures.push(`uncaught exception: ${error.message}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    failures,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

describe('fuzzed updates', () => {
  describe('through the webhook', () => {
    let lavka: TestLavka;
    let webhookUrl: string;
    before(async () => {
      const port = await freePort();
      webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
      lavka = await startTestLavka({ database: sqliteTestDatabase(), env: { BOT_MODE: 'webhook', WEBHOOK_URL: webhookUrl, WEBHOOK_SECRET: SECRET, PORT: String(port) } });
    });
    after(async () => {
      await lavka?.stop();
    });

    test(`${MUTANTS_PER_MODE} mutated updates: no 500, no crash, and the refused ones change nothing`, async () => {
      const watch = watchProcess();
      const all = mutants(20261206, 7100);
      const refused = all.filter((mutant) => mutant.refused);
      const accepted = all.filter((mutant) => !mutant.refused);
      assert.ok(refused.length > MUTANTS_PER_MODE / 4 && accepted.length > MUTANTS_PER_MODE / 10, `a useful mix: ${refused.length} refused, ${accepted.length} accepted`);
      let updateId = 500_000;
      const statuses = new Map<number, number>();
      const send = async (batch: Mutant[]) => {
        for (let start = 0; start < batch.length; start += 16) {
          await Promise.all(
            batch.slice(start, start + 16).map(async (mutant) => {
              const response = await fetch(webhookUrl, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
                body: JSON.stringify({ update_id: (updateId += 1), [mutant.kind]: mutant.payload }),
              });
              await response.arrayBuffer();
              statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            }),
          );
        }
      };
      try {
        const fingerprint = await sqliteFingerprint(lavka.app.database.db, { skipTables: TIMER_TABLES });
        const refusedBefore = await refusedCount(lavka);
        await send(refused);
        assert.equal(await refusedCount(lavka), refusedBefore + refused.length, 'every refused update was counted as refused');
        assert.equal(await sqliteFingerprint(lavka.app.database.db, { skipTables: TIMER_TABLES }), fingerprint, 'refused updates changed nothing');
        await send(accepted);
        assert.deepEqual([...statuses.keys()], [200], `every update answered 200: ${JSON.stringify([...statuses])}`);
        const health = await fetch(`${lavka.app.url}/health`);
        assert.equal(health.status, 200, 'still serving');
        assert.deepEqual(watch.failures, []);
      } finally {
        watch.stop();
      }
    });
  });

  describe('through polling', () => {
    let lavka: TestLavka;
    before(async () => {
      lavka = await startTestLavka({ preset: 'shop' });
    });
    after(async () => {
      await lavka?.stop();
    });

    test(`${MUTANTS_PER_MODE} mutated updates: no crash, the bot keeps polling, and the refused ones change nothing`, async () => {
      const watch = watchProcess();
      const all = mutants(612, 7200);
      const refused = all.filter((mutant) => mutant.refused);
      const accepted = all.filter((mutant) => !mutant.refused);
      try {
        const fingerprint = await sqliteFingerprint(lavka.app.database.db, { skipTables: TIMER_TABLES });
        const refusedBefore = await refusedCount(lavka);
        for (const mutant of refused) lavka.sim.injectUpdate(mutant.kind, mutant.payload);
        await waitFor(async () => (await refusedCount(lavka)) === refusedBefore + refused.length, 'all refused updates were seen');
        assert.equal(await sqliteFingerprint(lavka.app.database.db, { skipTables: TIMER_TABLES }), fingerprint, 'refused updates changed nothing');
        const handledBefore = await handledCount(lavka);
        for (const mutant of accepted) lavka.sim.injectUpdate(mutant.kind, mutant.payload);
        await waitFor(async () => (await handledCount(lavka)) >= handledBefore + accepted.length, 'all accepted updates were handled');
        // The bot still answers a real user afterwards.
        const user = lavka.sim.user({ id: 7299, first_name: 'After', language_code: 'en' });
        await user.send('/start');
        await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 10_000 });
        assert.deepEqual(watch.failures, []);
      } finally {
        watch.stop();
      }
    });
  });
});
