import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { enqueueOutbox, type OutboxMessage } from '../../src/delivery/outbox.ts';
import { createRateLimiter } from '../../src/delivery/rate-limiter.ts';
import { startSenderFixture } from '../support/delivery.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';

// The Bot API unreachable for a long while: every call dies without an answer (the
// simulator's `drop` fault, with a count that outlasts the test) until the outage ends.
const OUTAGE = { kind: 'drop', count: 1_000_000 } as const;

const note = (chatId: number, text: string): OutboxMessage => ({ chatId, method: 'sendMessage', payload: { text } });

async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the outbox through a five-minute Bot API outage', () => {
  test('every message waits out the outage and then arrives once, each chat’s in the order they were written', async () => {
    const fixture = await startSenderFixture({ rateLimits: false });
    try {
      fixture.addUsers([81, 82]);
      fixture.server.sim.injectFault({ method: 'sendMessage', ...OUTAGE });
      await enqueueOutbox(fixture.database.db, [
        note(81, 'first'),
        note(82, 'one'),
        note(81, 'second'),
        note(81, 'third'),
        note(82, 'two'),
        note(81, 'fourth'),
      ]);
      // The sender's (and its limiter's) clock runs a hundred times faster: five minutes pass
      // in three seconds, and the retry backoff (1 s, 2 s, 4 s … up to 5 min) goes through as many attempts
      // as in a real five-minute outage.
      const startMs = Date.now();
      const clock = () => startMs + (Date.now() - startMs) * 100;
      fixture.sender({ clock, limiter: createRateLimiter({ clock }) }).start();
      await eventually(() => clock() - startMs >= 5 * 60_000, 10_000, 'five minutes on the sender’s clock');

      const during = await fixture.database.db.selectFrom('outbox').select(['status', 'attempts']).execute();
      assert.deepEqual([...new Set(during.map((row) => row.status))].filter((status) => status !== 'sending'), ['pending']);
      // More attempts than a message used to get before it was given up for good.
      assert.ok(Math.max(...during.map((row) => row.attempts)) >= 7, JSON.stringify(during));

      fixture.server.sim.clearFaults();
      await fixture.drained(15_000);
      assert.deepEqual(await fixture.statusCounts(), { sent: 6 });
      const texts = (chatId: number) => fixture.server.sim.chat(chatId).messages.map((message) => message.text);
      assert.deepEqual(texts(81), ['first', 'second', 'third', 'fourth']);
      assert.deepEqual(texts(82), ['one', 'two']);
    } finally {
      await fixture.close();
    }
  });
});

interface Readiness {
  checks: { name: string; ok: boolean; detail?: string }[];
}

describe('Lavka polling through a Bot API outage', () => {
  let lavka: TestLavka;
  before(async () => {
    lavka = await startTestLavka();
  });
  after(async () => {
    await lavka?.stop();
  });

  async function telegramCheck(): Promise<{ code: number; ok?: boolean }> {
    const response = await fetch(`${lavka.app.url}/health/ready`);
    const body = (await response.json()) as Readiness;
    return { code: response.status, ok: body.checks.find((item) => item.name === 'telegram')?.ok };
  }

  test('readiness says telegram is down while it is, polling resumes by itself, and the outbox delivers what waited', async () => {
    const user = lavka.sim.user({ id: 8101, first_name: 'Tim', language_code: 'en' });
    await user.send('/start');
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('Hello')), { timeoutMs: 5000 });

    lavka.sim.injectFault(OUTAGE);
    try {
      assert.deepEqual(await telegramCheck(), { code: 503, ok: false });
      await enqueueOutbox(lavka.app.database.db, [note(8101, 'Order 1 is ready'), note(8101, 'Order 2 is ready')]);
      lavka.app.delivery.sender.wake();
      // Long enough for the long poll in flight to end and for polling to fail and retry.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.equal(user.chat().messages.filter((message) => message.text?.startsWith('Order')).length, 0);
    } finally {
      lavka.sim.clearFaults();
    }

    await eventually(async () => (await telegramCheck()).code === 200, 5000, 'readiness turning ready again');
    await user.waitForMessage((message) => message.text === 'Order 1 is ready', { timeoutMs: 15_000 });
    await user.waitForMessage((message) => message.text === 'Order 2 is ready', { timeoutMs: 15_000 });
    // Polling picked up again without a restart.
    await user.send('/help');
    await user.waitForMessage((message) => message.text?.startsWith('Here is what I can do') === true, { timeoutMs: 5000 });
    const orders = user.chat().messages.filter((message) => message.text?.startsWith('Order')).map((message) => message.text);
    assert.deepEqual(orders, ['Order 1 is ready', 'Order 2 is ready']);
  });
});
