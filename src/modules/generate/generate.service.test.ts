import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addBillingUser, startBillingServices, type BillingServices } from '../../../test/support/billing.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import type { WalletService } from '../wallet/wallet.service.ts';
import { GenerateJobFailed, type Generator } from './generate.generator.ts';
import { createGenerateService } from './generate.service.ts';

const settings = { costTokens: 10, steps: 1, stepMs: 0, failMarker: '#fail', progressEveryMs: 0 };

/** A generator written the way an integrator would: it reports progress and answers in text. */
const poemGenerator: Generator = {
  name: 'poem',
  async run(request, onProgress) {
    await onProgress(40);
    await onProgress(80);
    if (request.prompt.includes('refuse')) throw new GenerateJobFailed('refused by the model');
    return { kind: 'text', text: `A poem about ${request.prompt}` };
  },
};

for (const dialect of await testDialects()) {
  describe(`the paid task's service on ${dialect.name}`, () => {
    let target: TestDatabase;
    let billing: BillingServices;
    let wallet: WalletService;

    const outbox = (jobId: number) =>
      billing.database.db.selectFrom('outbox').select(['method', 'status', 'dedupe_key', 'payload']).where('dedupe_key', 'like', `generate:${jobId}:%`).orderBy('id').execute();
    const service = (generator: Generator = poemGenerator) => createGenerateService({ db: billing.database.db, now: Date.now, wallet, i18n: billing.i18n, settings, generator });

    before(async () => {
      target = await dialect.create();
      billing = await startBillingServices(target);
      wallet = billing.services.wallet as WalletService;
      for (const id of [501, 502, 503]) {
        await addBillingUser(billing, id, 'en');
        await wallet.adjust({ userId: id, amount: 100, reason: 'test', actor: { type: 'system' } });
      }
    });
    after(async () => {
      await billing?.close();
      await target?.drop();
    });

    test('a plugged-in text generator’s progress and answer edit the job’s one message through the outbox', async () => {
      const generate = service();
      const { job } = await generate.start({ userId: 501, chatId: 501, prompt: 'the steppe', locale: 'en' });
      await generate.attachMessage(job.id, 77);
      assert.equal(await generate.run(job.id, async () => assert.fail('a text result is not a picture')), 'done');
      const rows = await outbox(job.id);
      assert.deepEqual(
        rows.map((row) => row.dedupe_key),
        [`generate:${job.id}:progress:40`, `generate:${job.id}:done`],
        'the second report waited behind the first, still unsent, instead of queueing after it',
      );
      assert.ok(rows.every((row) => row.method === 'editMessageText' && JSON.parse(row.payload).message_id === 77));
      assert.equal(rows[0]?.status, 'skipped', 'progress still waiting when the result came is dropped');
      assert.equal(JSON.parse(rows[1]?.payload ?? '{}').text, '✅ Done: A poem about the steppe\n(10 tokens spent)');
      assert.equal((await generate.get(job.id))?.status, 'done');
      assert.equal(await wallet.balance(501), 90);
    });

    test('a generator that throws refunds the cost once and says so in the same message', async () => {
      const generate = service();
      const { job } = await generate.start({ userId: 502, chatId: 502, prompt: 'refuse this', locale: 'en' });
      await generate.attachMessage(job.id, 78);
      assert.equal(await generate.run(job.id, async () => undefined), 'failed');
      assert.equal(await generate.run(job.id, async () => undefined), 'closed', 'a closed job is not run again');
      assert.equal(await wallet.balance(502), 100);
      const last = (await outbox(job.id)).at(-1);
      assert.equal(last?.dedupe_key, `generate:${job.id}:failed`);
      assert.equal(JSON.parse(last?.payload ?? '{}').text, '❌ The task failed. 10 tokens were returned. Balance: 100.');
    });

    test('a job whose runner died is refunded once by the recovery job, and its message says so', async () => {
      const generate = service();
      const { job } = await generate.start({ userId: 503, chatId: 503, prompt: 'lost', locale: 'en' });
      await generate.attachMessage(job.id, 79);
      await generate.reportProgress(job.id, 30);
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(await generate.recoverStale(1), 1);
      assert.equal(await generate.recoverStale(1), 0);
      assert.equal(await wallet.balance(503), 100);
      const rows = await outbox(job.id);
      assert.deepEqual(
        rows.map((row) => [row.dedupe_key, row.status]),
        [
          [`generate:${job.id}:progress:30`, 'skipped'],
          [`generate:${job.id}:recovered`, 'pending'],
        ],
      );
    });
  });
}
