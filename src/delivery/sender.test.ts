import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startSenderFixture, type SenderFixture } from '../../test/support/delivery.ts';
import { createOutboxRepository } from './outbox.repository.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { enqueueOutbox, type OutboxMessage } from './outbox.ts';

const text = (chatId: number, extra: Partial<OutboxMessage> = {}): OutboxMessage => ({
  chatId,
  method: 'sendMessage',
  payload: { text: `message for ${chatId}` },
  ...extra,
});

const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);

async function withFixture(options: Parameters<typeof startSenderFixture>[0], run: (fixture: SenderFixture) => Promise<void>) {
  const fixture = await startSenderFixture(options);
  try {
    await run(fixture);
  } finally {
    await fixture.close();
  }
}

describe('the outbox sender against the simulator', () => {
  test('every queued message is delivered once and recorded as sent with its message id', () =>
    withFixture({ rateLimits: { globalPerSecond: 100 } }, async (fixture) => {
      const chats = range(1001, 60);
      fixture.addUsers(chats);
      await enqueueOutbox(fixture.database.db, chats.map((chatId) => text(chatId)));
      const sender = fixture.sender({ limits: { globalPerSecond: 100 } });
      sender.start();
      await fixture.drained(10_000);
      const stats = fixture.server.sim.stats();
      assert.equal(stats.tooManyRequests, 0);
      for (const chatId of chats) assert.equal(stats.messagesSentByChat[String(chatId)], 1, `chat ${chatId}`);
      const rows = await fixture.database.db.selectFrom('outbox').select(['status', 'sent_message_id', 'attempts']).execute();
      assert.ok(rows.every((row) => row.status === 'sent' && row.sent_message_id === 1 && row.attempts === 1));
    }));

  test('messages to one private chat go out in order at its pace, without a 429', () =>
    withFixture({}, async (fixture) => {
      fixture.addUsers([7]);
      await enqueueOutbox(
        fixture.database.db,
        range(1, 5).map((n) => text(7, { payload: { text: `step ${n}` } })),
      );
      const started = Date.now();
      fixture.sender().start();
      await fixture.drained(15_000);
      // Burst of two, then one a second: the fifth leaves about three seconds in.
      assert.ok(Date.now() - started >= 2500, 'the chat budget was respected');
      assert.equal(fixture.server.sim.stats().tooManyRequests, 0);
      const texts = fixture.server.sim.chat(7).messages.map((message) => message.text);
      assert.deepEqual(texts, ['step 1', 'step 2', 'step 3', 'step 4', 'step 5']);
    }));

  test('a high-priority notification overtakes a broadcast backlog and goes out within a second', () =>
    withFixture({ rateLimits: { globalPerSecond: 50 } }, async (fixture) => {
      const recipients = range(2001, 400);
      fixture.addUsers([...recipients, 99]);
      await enqueueOutbox(fixture.database.db, recipients.map((chatId) => text(chatId, { priority: 'bulk', broadcastId: 1 })));
      const sender = fixture.sender({ limits: { globalPerSecond: 50 } });
      sender.start();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const enqueuedAt = Date.now();
      await enqueueOutbox(fixture.database.db, text(99, { priority: 'high', payload: { text: 'Your order #12 is on its way' } }));
      const user = fixture.server.sim.getUser(99);
      assert.ok(user);
      await user.waitForMessage((message) => message.text === 'Your order #12 is on its way', { timeoutMs: 3000 });
      const waitedMs = Date.now() - enqueuedAt;
      assert.ok(waitedMs < 1000, `the notification waited ${waitedMs} ms`);
      const counts = await fixture.statusCounts();
      assert.ok((counts.pending ?? 0) > 100, 'the broadcast was still running');
    }));

  test('a user who blocked the bot is marked blocked and their other waiting messages are skipped', () =>
    withFixture({ rateLimits: false }, async (fixture) => {
      fixture.addUsers([11, 12]);
      await fixture.server.sim.getUser(11)?.blockBot();
      await enqueueOutbox(fixture.database.db, [text(11), text(11, { priority: 'bulk' }), text(12)]);
      const blocked: number[] = [];
      fixture.sender({ onBlocked: async (chatId) => void blocked.push(chatId) }).start();
      await fixture.drained(5000);
      assert.deepEqual(blocked, [11]);
      assert.deepEqual(await fixture.statusCounts(), { 'failed/blocked': 1, 'skipped/blocked': 1, sent: 1 });
      assert.equal(fixture.server.sim.stats().calls.sendMessage, 2, 'the second message to the blocked user was never attempted');
    }));

  test('messages to users already known to have blocked the bot are skipped without a call', () =>
    withFixture({ rateLimits: false }, async (fixture) => {
      fixture.addUsers([21, 22]);
      await enqueueOutbox(fixture.database.db, [text(21), text(22)]);
      fixture.sender({ blockedChats: async (ids) => new Set(ids.filter((id) => id === 21)) }).start();
      await fixture.drained(5000);
      assert.deepEqual(await fixture.statusCounts(), { 'skipped/blocked': 1, sent: 1 });
      assert.equal(fixture.server.sim.stats().calls.sendMessage, 1);
    }));

  test('a permanent error fails the message with Telegram\'s reason stored, and it is not retried', () =>
    withFixture({ rateLimits: false }, async (fixture) => {
      // A broadcast: a notification to a user who never started the bot is kept instead (below).
      await enqueueOutbox(fixture.database.db, [text(31, { priority: 'bulk' }), text(-1009999)]);
      fixture.sender().start();
      await fixture.drained(5000);
      const rows = await fixture.database.db.selectFrom('outbox').select(['status', 'error_code', 'last_error', 'attempts']).execute();
      assert.equal(rows.length, 2);
      for (const row of rows) {
        assert.equal(row.status, 'failed');
        assert.ok(row.error_code === 'bad_request' || row.error_code === 'forbidden', String(row.error_code));
        assert.match(row.last_error ?? '', /^40[03]: /);
        assert.equal(row.attempts, 1);
      }
      assert.match(rows.map((row) => row.last_error).join(' '), /chat not found|can't initiate/);
    }));

  test('a server error is retried with backoff and the message arrives exactly once', () =>
    withFixture({ rateLimits: false }, async (fixture) => {
      fixture.addUsers([41]);
      fixture.server.sim.injectFault({ method: 'sendMessage', kind: 'server_error', status: 502, count: 2 });
      await enqueueOutbox(fixture.database.db, text(41));
      fixture.sender().start();
      await fixture.drained(10_000);
      const row = await fixture.database.db.selectFrom('outbox').select(['status', 'attempts']).executeTakeFirstOrThrow();
      assert.deepEqual({ ...row }, { status: 'sent', attempts: 3 });
      assert.equal(fixture.server.sim.stats().messagesSentByChat['41'], 1);
    }));

  test('a 429 pauses the whole sender for retry_after, and no message is lost or doubled', () =>
    withFixture({ rateLimits: { globalPerSecond: 20 } }, async (fixture) => {
      const chats = range(5001, 80);
      fixture.addUsers(chats);
      await enqueueOutbox(fixture.database.db, chats.map((chatId) => text(chatId, { priority: 'bulk' })));
      const calls: { startedMs: number; endedMs: number; retryAfterMs?: number }[] = [];
      // Configured above Telegram's real limit, so Telegram (the simulator) pushes back.
      const sender = fixture.sender({
        limits: { globalPerSecond: 200 },
        call: async (method, payload) => {
          const call: (typeof calls)[number] = { startedMs: Date.now(), endedMs: 0 };
          calls.push(call);
          try {
            return await fixture.call(method, payload);
          } catch (error) {
            const retryAfter = (error as { parameters?: { retry_after?: number } }).parameters?.retry_after;
            if (retryAfter) call.retryAfterMs = retryAfter * 1000;
            throw error;
          } finally {
            call.endedMs = Date.now();
          }
        },
      });
      sender.start();
      await fixture.drained(30_000);
      const stats = fixture.server.sim.stats();
      assert.ok(stats.tooManyRequests > 0, 'the simulator answered 429');
      // Once a 429 is back, no call starts until its retry_after has passed.
      for (const refused of calls.filter((call) => call.retryAfterMs)) {
        const early = calls.filter((call) => call.startedMs > refused.endedMs + 5 && call.startedMs < refused.endedMs + (refused.retryAfterMs ?? 0) - 20);
        assert.deepEqual(early.length, 0, `${early.length} calls started during a pause`);
      }
      for (const chatId of chats) assert.equal(stats.messagesSentByChat[String(chatId)], 1, `chat ${chatId}`);
      const attempts = await fixture.database.db.selectFrom('outbox').select('attempts').execute();
      assert.ok(attempts.every((row) => row.attempts === 1), 'a 429 does not count as an attempt');
    }));

  test('paid broadcasts use the 1000 msg/s budget only when the owner enabled them', async () => {
    for (const paidBroadcast of [true, false]) {
      await withFixture({ rateLimits: { globalPerSecond: 10 } }, async (fixture) => {
        const chats = range(6001, 100);
        fixture.addUsers(chats);
        await enqueueOutbox(
          fixture.database.db,
          chats.map((chatId) => text(chatId, { priority: 'bulk', payload: { text: 'sale', allow_paid_broadcast: true } })),
        );
        const payloads: Record<string, unknown>[] = [];
        const sender = fixture.sender({
          limits: { globalPerSecond: 10 },
          options: { paidBroadcast },
          call: (method, payload) => {
            payloads.push(payload);
            return fixture.call(method, payload);
          },
        });
        sender.start();
        if (paidBroadcast) {
          await fixture.drained(3000);
          assert.equal(fixture.server.sim.stats().tooManyRequests, 0);
          assert.ok(payloads.every((payload) => payload.allow_paid_broadcast === true));
        } else {
          // Without the owner's consent the parameter is dropped and the 10 msg/s budget applies.
          await new Promise((resolve) => setTimeout(resolve, 1500));
          assert.ok(payloads.length > 0 && payloads.length < 40, `${payloads.length} sent in 1.5 s`);
          assert.ok(payloads.every((payload) => !('allow_paid_broadcast' in payload)));
        }
      });
    }
  });

  test('after an abrupt stop mid-broadcast a new sender finishes it: no recipient skipped, none served twice', () =>
    withFixture({ rateLimits: { globalPerSecond: 100 } }, async (fixture) => {
      const chats = range(7001, 300);
      fixture.addUsers(chats);
      await enqueueOutbox(fixture.database.db, chats.map((chatId) => text(chatId, { priority: 'bulk', broadcastId: 3 })));
      const first = fixture.sender({ limits: { globalPerSecond: 100 }, options: { leaseMs: 1000 } });
      first.start();
      // Until part of the broadcast is out (a second or so; longer on a busy machine).
      for (const deadline = Date.now() + 10_000; fixture.server.sim.stats().messagesSent <= 20 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Slow answers keep a few calls in flight, so the stop lands mid-call: the ambiguous case.
      fixture.server.sim.injectFault({ method: 'sendMessage', kind: 'slow', delayMs: 400, count: 3 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      first.stopAbruptly();
      assert.ok(fixture.server.sim.stats().messagesSent > 20, 'the first sender had sent part of the broadcast');
      const second = fixture.sender({ limits: { globalPerSecond: 100 }, options: { leaseMs: 1000 } });
      second.start();
      await fixture.drained(15_000);
      const stats = fixture.server.sim.stats();
      const copies = chats.map((chatId) => stats.messagesSentByChat[String(chatId)] ?? 0);
      assert.deepEqual(
        copies.filter((count) => count !== 1),
        [],
        'every recipient has exactly one copy',
      );
      assert.equal(stats.tooManyRequests, 0);
      const counts = await fixture.statusCounts();
      assert.ok((counts['failed/outcome_unknown'] ?? 0) >= 1, `calls were cut mid-flight: ${JSON.stringify(counts)}`);
      assert.equal((counts.sent ?? 0) + (counts['failed/outcome_unknown'] ?? 0), 300);
    }));

  test('a transactional message whose call was cut by a crash is sent again rather than lost', () =>
    withFixture({ rateLimits: false }, async (fixture) => {
      fixture.addUsers([81]);
      fixture.server.sim.injectFault({ method: 'sendMessage', kind: 'slow', delayMs: 300, count: 1 });
      // A process that has been up for a while: a new limiter holds its first second full.
      const upForASecond = createRateLimiter();
      await new Promise((resolve) => setTimeout(resolve, 1050));
      await enqueueOutbox(fixture.database.db, text(81, { priority: 'high', payload: { text: 'Your order is paid' } }));
      const first = fixture.sender({ limiter: upForASecond, options: { leaseMs: 500 } });
      first.start();
      await new Promise((resolve) => setTimeout(resolve, 150));
      first.stopAbruptly();
      fixture.sender({ options: { leaseMs: 500 } }).start();
      await fixture.drained(5000);
      assert.deepEqual(await fixture.statusCounts(), { sent: 1 });
      // The slow first call still arrived: at-least-once means the customer sees it twice.
      assert.equal(fixture.server.sim.stats().messagesSentByChat['81'], 2);
    }));
});

describe('messages to a user who has not pressed Start', () => {
  /** Polls the outbox until `done` holds for its rows, or fails after `timeoutMs`. */
  async function until(fixture: SenderFixture, done: (rows: { id: number; status: string; error_code: string | null; attempts: number; last_error: string | null }[]) => boolean, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await fixture.database.db.selectFrom('outbox').select(['id', 'status', 'error_code', 'attempts', 'last_error']).orderBy('id').execute();
      if (done(rows)) return rows;
      if (Date.now() > deadline) throw new Error(`outbox never reached the expected state: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  test('a notification is kept without counting an attempt, the chat\'s next one waits behind it, and both arrive in order once the user starts', () =>
    withFixture({ rateLimits: false }, async (fixture) => {
      const user = fixture.server.sim.user({ id: 51, first_name: 'Staff' });
      await enqueueOutbox(fixture.database.db, [text(51, { payload: { text: 'first' } }), text(51, { payload: { text: 'second' } })]);
      const sender = fixture.sender({ options: { unreachableRetryMs: 600_000 } });
      sender.start();
      const kept = await until(fixture, (rows) => rows.length === 2 && rows.every((row) => row.status === 'pending' && row.error_code === 'unreachable'));
      assert.deepEqual(kept.map((row) => row.attempts), [0, 0], 'a refusal for a chat not started is not an attempt');
      assert.match(kept[0]?.last_error ?? '', /can't initiate conversation/);
      assert.equal(fixture.server.sim.stats().calls.sendMessage, 1, 'the second message waited behind the first instead of meeting the same refusal');
      assert.equal(sender.stats().kept, 1);

      await user.send('/start');
      assert.equal(await createOutboxRepository(fixture.database.db, fixture.database.dialect).releaseUnreachable(51, Date.now()), 2);
      sender.chatReachable(51);
      await fixture.drained(5000);
      assert.deepEqual(await fixture.statusCounts(), { sent: 2 });
      const texts = user.chat().messages.filter((message) => message.from_bot).map((message) => message.text);
      assert.deepEqual(texts, ['first', 'second']);
    }));

  test('a kept message fails with Telegram\'s reason once it is older than the bound, while a younger one of the same chat keeps waiting', () =>
    withFixture({ rateLimits: false }, async (fixture) => {
      // 52 is a user Telegram has never seen: "chat not found".
      await enqueueOutbox(fixture.database.db, text(52, { payload: { text: 'old' } }), Date.now() - 10_000);
      await enqueueOutbox(fixture.database.db, text(52, { payload: { text: 'new' } }));
      fixture.sender({ options: { unreachableKeepMs: 5000, unreachableRetryMs: 600_000 } }).start();
      const rows = await until(fixture, (list) => list[0]?.status === 'failed' && list[1]?.error_code === 'unreachable');
      assert.equal(rows[0]?.error_code, 'bad_request');
      assert.match(rows[0]?.last_error ?? '', /^400: .*chat not found/);
      assert.equal(rows[1]?.status, 'pending');
    }));

  test('a broadcast to a user who never started the bot is not kept: it fails as before', () =>
    withFixture({ rateLimits: false }, async (fixture) => {
      fixture.server.sim.user({ id: 53, first_name: 'Reader' });
      await enqueueOutbox(fixture.database.db, text(53, { priority: 'bulk' }));
      fixture.sender().start();
      await fixture.drained(5000);
      assert.deepEqual(await fixture.statusCounts(), { 'failed/forbidden': 1 });
    }));
});
