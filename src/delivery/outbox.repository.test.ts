import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { coreTestDatabase, testDialects } from '../../test/support/services.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { enqueueOutbox, type OutboxMessage } from './outbox.ts';
import {
  cancelBroadcastOutbox,
  countBroadcastOutbox,
  createOutboxRepository,
  holdBroadcastOutbox,
  resumeBroadcastOutbox,
} from './outbox.repository.ts';

const NOW = 1_700_000_000_000;
const LEASE_MS = 30_000;

const message = (chatId: number, extra: Partial<OutboxMessage> = {}): OutboxMessage => ({
  chatId,
  method: 'sendMessage',
  payload: { text: `hello ${chatId}` },
  ...extra,
});

for (const dialect of await testDialects()) {
  describe(`the outbox on ${dialect.name}`, () => {
    let handle: DatabaseHandle;
    let close: () => Promise<void>;
    before(async () => {
      ({ handle, close } = await coreTestDatabase(dialect));
    });
    after(() => close());
    const clear = () => handle.db.deleteFrom('outbox').execute();

    test('a claim takes high priority before normal before bulk, then the oldest first', async () => {
      await clear();
      const repository = createOutboxRepository(handle.db, handle.dialect);
      await enqueueOutbox(handle.db, [message(1, { priority: 'bulk' }), message(2, { priority: 'bulk' })], NOW - 5000);
      await enqueueOutbox(handle.db, message(3), NOW - 1000);
      await enqueueOutbox(handle.db, message(4, { priority: 'high' }), NOW);
      await enqueueOutbox(handle.db, message(5, { priority: 'high', notBefore: NOW + 60_000 }), NOW);
      const claimed = await repository.claim({ workerId: 'a', nowMs: NOW, leaseMs: LEASE_MS, limit: 3 });
      assert.deepEqual(
        claimed.map((row) => row.chat_id),
        [4, 3, 1],
      );
      assert.ok(claimed.every((row) => row.claimed_by === 'a' && row.claimed_until === NOW + LEASE_MS && row.status === 'pending'));
    });

    test('two senders claiming at the same time never get the same row', async () => {
      await clear();
      const repository = createOutboxRepository(handle.db, handle.dialect);
      await enqueueOutbox(
        handle.db,
        Array.from({ length: 300 }, (_, index) => message(10_000 + index, { priority: 'bulk' })),
        NOW,
      );
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, index) => repository.claim({ workerId: `w${index}`, nowMs: NOW, leaseMs: LEASE_MS, limit: 40 })),
      );
      const ids = claims.flat().map((row) => row.id);
      assert.equal(new Set(ids).size, ids.length, 'a row was claimed twice');
      assert.equal(ids.length, 240);
    });

    test('rows claimed by a sender that vanished become claimable once the lease expires', async () => {
      await clear();
      const repository = createOutboxRepository(handle.db, handle.dialect);
      await enqueueOutbox(handle.db, [message(1), message(2)], NOW);
      const first = await repository.claim({ workerId: 'dead', nowMs: NOW, leaseMs: LEASE_MS, limit: 10 });
      assert.equal(first.length, 2);
      assert.equal((await repository.claim({ workerId: 'b', nowMs: NOW + 1000, leaseMs: LEASE_MS, limit: 10 })).length, 0);
      const later = await repository.claim({ workerId: 'b', nowMs: NOW + LEASE_MS + 1, leaseMs: LEASE_MS, limit: 10 });
      assert.deepEqual(later.map((row) => row.chat_id).sort(), [1, 2]);
    });

    test('only rows still pending and still ours are marked sending', async () => {
      await clear();
      const repository = createOutboxRepository(handle.db, handle.dialect);
      await enqueueOutbox(handle.db, [message(1, { broadcastId: 9 }), message(2, { broadcastId: 9 }), message(3)], NOW);
      const claimed = await repository.claim({ workerId: 'a', nowMs: NOW, leaseMs: LEASE_MS, limit: 10 });
      // The broadcast is paused after the claim: its rows must not be sent.
      assert.equal(await holdBroadcastOutbox(handle.db, 9, NOW), 2);
      const ours = await repository.markSending({ workerId: 'a', ids: claimed.map((row) => row.id), nowMs: NOW, leaseMs: LEASE_MS });
      assert.deepEqual(
        claimed.filter((row) => ours.has(row.id)).map((row) => row.chat_id),
        [3],
      );
      const other = await repository.markSending({ workerId: 'b', ids: claimed.map((row) => row.id), nowMs: NOW, leaseMs: LEASE_MS });
      assert.equal(other.size, 0);
    });

    test('a paused broadcast resumes where it stopped, and a cancelled one skips what is left', async () => {
      await clear();
      const repository = createOutboxRepository(handle.db, handle.dialect);
      await enqueueOutbox(handle.db, [1, 2, 3, 4].map((chatId) => message(chatId, { broadcastId: 5, priority: 'bulk' })), NOW);
      const [firstRow] = await repository.claim({ workerId: 'a', nowMs: NOW, leaseMs: LEASE_MS, limit: 1 });
      assert.ok(firstRow);
      await repository.markSending({ workerId: 'a', ids: [firstRow.id], nowMs: NOW, leaseMs: LEASE_MS });
      await repository.markSent([{ id: firstRow.id, messageId: 77 }], NOW);
      assert.equal(await holdBroadcastOutbox(handle.db, 5, NOW), 3);
      assert.equal((await repository.claim({ workerId: 'a', nowMs: NOW, leaseMs: LEASE_MS, limit: 10 })).length, 0);
      assert.equal(await resumeBroadcastOutbox(handle.db, 5, NOW), 3);
      const [second] = await repository.claim({ workerId: 'a', nowMs: NOW, leaseMs: LEASE_MS, limit: 1 });
      assert.ok(second);
      assert.equal(await cancelBroadcastOutbox(handle.db, 5, NOW), 2 + 1, 'the claimed but unsent row is cancelled too');
      const counts = await countBroadcastOutbox(handle.db, 5);
      assert.deepEqual(
        counts.map((item) => `${item.status}/${item.code ?? '-'}:${item.count}`).sort(),
        ['sent/-:1', 'skipped/cancelled:3'],
      );
      const sentRow = await handle.db.selectFrom('outbox').select('sent_message_id').where('id', '=', firstRow.id).executeTakeFirstOrThrow();
      assert.equal(sentRow.sent_message_id, 77);
    });

    test('rows abandoned mid-call are resent when transactional and settled as unknown when bulk', async () => {
      await clear();
      const repository = createOutboxRepository(handle.db, handle.dialect);
      await enqueueOutbox(handle.db, [message(1, { priority: 'high' }), message(2, { priority: 'bulk', broadcastId: 3 })], NOW);
      const claimed = await repository.claim({ workerId: 'dead', nowMs: NOW, leaseMs: LEASE_MS, limit: 10 });
      await repository.markSending({ workerId: 'dead', ids: claimed.map((row) => row.id), nowMs: NOW, leaseMs: LEASE_MS });
      assert.deepEqual(await repository.recoverAbandoned(NOW + 1000, [0, 1]), { resent: 0, unknown: 0 }, 'a live lease is left alone');
      assert.deepEqual(await repository.recoverAbandoned(NOW + LEASE_MS + 1, [0, 1]), { resent: 1, unknown: 1 });
      const rows = await handle.db.selectFrom('outbox').select(['chat_id', 'status', 'error_code']).orderBy('chat_id').execute();
      assert.deepEqual(
        rows.map((row) => ({ ...row })),
        [
          { chat_id: 1, status: 'pending', error_code: null },
          { chat_id: 2, status: 'failed', error_code: 'outcome_unknown' },
        ],
      );
    });

    test('a chat that blocked the bot has its waiting messages skipped, and only those', async () => {
      await clear();
      const repository = createOutboxRepository(handle.db, handle.dialect);
      await enqueueOutbox(handle.db, [message(1), message(1, { priority: 'bulk', broadcastId: 2 }), message(2)], NOW);
      assert.equal(await repository.skipWaitingForChat(1, 'blocked', 'blocked', NOW), 2);
      const claimed = await repository.claim({ workerId: 'a', nowMs: NOW, leaseMs: LEASE_MS, limit: 10 });
      assert.deepEqual(
        claimed.map((row) => row.chat_id),
        [2],
      );
    });

    test('a retry after a 429 does not count as an attempt, a transient error does', async () => {
      await clear();
      const repository = createOutboxRepository(handle.db, handle.dialect);
      await enqueueOutbox(handle.db, [message(1), message(2)], NOW);
      const claimed = await repository.claim({ workerId: 'a', nowMs: NOW, leaseMs: LEASE_MS, limit: 10 });
      await repository.markSending({ workerId: 'a', ids: claimed.map((row) => row.id), nowMs: NOW, leaseMs: LEASE_MS });
      const [one, two] = claimed;
      assert.ok(one && two);
      await repository.retryLater(
        [
          { id: one.id, notBeforeMs: NOW + 5000, error: '429', countsAsAttempt: false },
          { id: two.id, notBeforeMs: NOW + 2000, error: '502', countsAsAttempt: true },
        ],
        NOW,
      );
      const rows = await handle.db.selectFrom('outbox').select(['chat_id', 'attempts', 'status', 'not_before', 'claimed_by']).orderBy('chat_id').execute();
      assert.deepEqual(
        rows.map((row) => ({ ...row })),
        [
          { chat_id: 1, attempts: 0, status: 'pending', not_before: NOW + 5000, claimed_by: null },
          { chat_id: 2, attempts: 1, status: 'pending', not_before: NOW + 2000, claimed_by: null },
        ],
      );
      assert.equal((await repository.claim({ workerId: 'a', nowMs: NOW + 1000, leaseMs: LEASE_MS, limit: 10 })).length, 0);
    });

    test('enqueueing with the same dedupe key twice stores one message', async () => {
      await clear();
      assert.equal(await enqueueOutbox(handle.db, message(1, { dedupeKey: 'order:1:paid' }), NOW), 1);
      assert.equal(await enqueueOutbox(handle.db, message(1, { dedupeKey: 'order:1:paid' }), NOW), 0);
      const repository = createOutboxRepository(handle.db, handle.dialect);
      assert.deepEqual(await repository.depth(), { pending: 1 });
    });

    test('a notification written in a rolled-back transaction is never sent', async () => {
      await clear();
      await assert.rejects(
        handle.db.transaction().execute(async (trx) => {
          await enqueueOutbox(trx, message(1), NOW);
          throw new Error('the business change failed');
        }),
      );
      const repository = createOutboxRepository(handle.db, handle.dialect);
      assert.equal((await repository.claim({ workerId: 'a', nowMs: NOW, leaseMs: LEASE_MS, limit: 10 })).length, 0);
    });
  });
}
