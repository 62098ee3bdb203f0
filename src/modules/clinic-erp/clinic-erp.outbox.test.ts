import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { coreTestDatabase, testDialects } from '../../../test/support/services.ts';
import { loadBusinessConfig } from '../../config/business.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { migrate } from '../../db/migrator.ts';
import { silentLogger } from '../../observability/logger.ts';
import { createOutgoingPolicy } from '../../platform/outgoing.ts';
import { startDemoErp, type DemoErp } from '../../sim/clinic-erp/demo-erp.server.ts';
import { createClinicErpClient } from './clinic-erp.client.ts';
import { clinicErpConfigSchema } from './clinic-erp.config.ts';
import { clinicErpMigrations } from './clinic-erp.migrations.ts';
import { createClinicErpOutbox, outboxRetryDelayMs, type ClinicErpOutbox } from './clinic-erp.outbox.ts';

const TOKEN = 'erp-outbox-token-0123456789';

for (const dialect of await testDialects()) {
  describe(`the clinic ERP outbox (${dialect.name})`, () => {
    let erp: DemoErp;
    let database: { handle: DatabaseHandle; close(): Promise<void> };
    let outbox: ClinicErpOutbox;
    let nowMs = Date.parse('2026-03-09T03:00:00Z');
    const delivered: { key: string; answer: unknown }[] = [];

    before(async () => {
      const clinic = await loadBusinessConfig({ preset: 'clinic' });
      erp = await startDemoErp({ directory: clinic.demo.booking, timeZone: 'Asia/Almaty', currency: 'KZT', token: TOKEN });
      database = await coreTestDatabase(dialect);
      await migrate(database.handle, [{ module: 'clinic-erp', migrations: clinicErpMigrations }]);
      const client = createClinicErpClient({
        config: clinicErpConfigSchema.parse({ url: erp.url, breaker: { failures: 50, pauseSeconds: 1 }, timeoutMs: 2000 }),
        token: TOKEN,
        policy: createOutgoingPolicy(['127.0.0.1']),
        logger: silentLogger(),
        now: () => nowMs,
      });
      outbox = createClinicErpOutbox({ db: database.handle.db, client, logger: silentLogger(), now: () => nowMs });
      outbox.onDelivered('supportTicket', async (executor, write) => {
        delivered.push({ key: write.idempotencyKey, answer: write.answer });
        // The module's own write happens in the transaction that marks the row sent.
        assert.ok(await executor.selectFrom('clinic_erp_outbox').select('id').where('idempotency_key', '=', write.idempotencyKey).executeTakeFirst());
      });
    });
    after(async () => {
      await database?.close();
      await erp?.close();
    });

    const ticketsInErp = () => erp.control.tickets().filter((ticket) => ticket.subject === 'outbox test');

    test('a write queued in a transaction that rolls back is never sent', async () => {
      await database.handle.db
        .transaction()
        .execute(async (trx) => {
          await outbox.send(trx, { operation: 'supportTicket', body: { telegram_user_id: 1, subject: 'outbox test', message: 'rolled back' }, idempotencyKey: 'test:rolled-back' });
          throw new Error('the caller’s change failed');
        })
        .catch(() => undefined);
      assert.equal(await outbox.deliverDue(), 0);
      assert.equal(await outbox.status(database.handle.db, 'test:rolled-back'), undefined);
    });

    test('a write queued while the ERP is down waits with back-off and reaches it once when it is back', async () => {
      erp.setDown(true);
      const body = { telegram_user_id: 1, subject: 'outbox test', message: 'Когда будут анализы?' };
      assert.equal(await outbox.send(database.handle.db, { operation: 'supportTicket', body, idempotencyKey: 'test:ticket:1' }), true);
      assert.equal(await outbox.send(database.handle.db, { operation: 'supportTicket', body, idempotencyKey: 'test:ticket:1' }), false, 'the same key is queued once');
      assert.equal(await outbox.deliverDue(), 0);
      const waiting = await outbox.status(database.handle.db, 'test:ticket:1');
      assert.equal(waiting?.status, 'pending');
      assert.equal(waiting?.attempts, 1);
      assert.equal(waiting?.next_attempt_at, nowMs + outboxRetryDelayMs(1));
      assert.match(waiting?.last_error ?? '', /503/);

      erp.setDown(false);
      assert.equal(await outbox.deliverDue(), 0, 'not due before its back-off');
      nowMs += outboxRetryDelayMs(1);
      assert.equal(await outbox.deliverDue(), 1);
      assert.equal(await outbox.deliverDue(), 0, 'nothing is sent twice');
      assert.equal(ticketsInErp().length, 1);
      const sent = await outbox.status(database.handle.db, 'test:ticket:1');
      assert.equal(sent?.status, 'sent');
      const erpTicketId = ticketsInErp()[0]?.ticket_id;
      assert.deepEqual(JSON.parse(sent?.answer ?? 'null'), { ticket_id: erpTicketId, subject: 'outbox test', status: 'open' });
      assert.deepEqual(delivered, [{ key: 'test:ticket:1', answer: { ticket_id: erpTicketId, subject: 'outbox test', status: 'open' } }]);
      const calls = erp.calls.filter((call) => call.operation === 'supportTicket' && call.idempotencyKey === 'test:ticket:1');
      // The demo ERP records only the calls it served: the tries while down were answered 503 before.
      assert.equal(calls.length, 1);
    });

    test('a write the ERP refuses is kept with its reason and not tried again', async () => {
      await outbox.send(database.handle.db, { operation: 'documentGenerate', body: { telegram_user_id: 1, document_type: 'nonsense' }, idempotencyKey: 'test:refused' });
      assert.equal(await outbox.deliverDue(), 0);
      const refused = await outbox.status(database.handle.db, 'test:refused');
      assert.equal(refused?.status, 'refused');
      assert.match(refused?.last_error ?? '', /Unsupported document type|not found/);
      nowMs += 3_600_000;
      const before = erp.calls.length;
      assert.equal(await outbox.deliverDue(), 0);
      assert.equal(erp.calls.length, before);
    });
  });
}
