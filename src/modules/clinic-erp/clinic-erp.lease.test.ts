import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { coreTestDatabase, testDialects } from '../../../test/support/services.ts';
import { loadBusinessConfig } from '../../config/business.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { migrate } from '../../db/migrator.ts';
import { silentLogger } from '../../observability/logger.ts';
import { createOutgoingPolicy } from '../../platform/outgoing.ts';
import { startDemoErp, type DemoErp } from '../../sim/clinic-erp/demo-erp.server.ts';
import { clinicErpConfigSchema } from './clinic-erp.config.ts';
import { createClinicErpLeases } from './clinic-erp.lease.ts';
import { clinicErpMigrations } from './clinic-erp.migrations.ts';
import { createClinicErpService, type ClinicErpService } from './clinic-erp.service.ts';

const TOKEN = 'erp-lease-token-0123456789';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const dialect of await testDialects()) {
  describe(`the clinic ERP's round leases (${dialect.name})`, () => {
    let erp: DemoErp;
    let database: { handle: DatabaseHandle; close(): Promise<void> };
    let nowMs = Date.now();
    const now = () => nowMs;

    before(async () => {
      const clinic = await loadBusinessConfig({ preset: 'clinic' });
      erp = await startDemoErp({ directory: clinic.demo.booking, timeZone: 'Asia/Almaty', currency: 'KZT', token: TOKEN });
      database = await coreTestDatabase(dialect);
      await migrate(database.handle, [{ module: 'clinic-erp', migrations: clinicErpMigrations }]);
    });
    after(async () => {
      await database?.close();
      await erp?.close();
    });

    /** The connector as one instance has it, on the shared database. */
    const instance = (): ClinicErpService =>
      createClinicErpService({
        db: database.handle.db,
        config: clinicErpConfigSchema.parse({ url: erp.url, breaker: { failures: 50, pauseSeconds: 1 }, timeoutMs: 2000 }),
        token: TOKEN,
        policy: createOutgoingPolicy(['127.0.0.1']),
        logger: silentLogger(),
        now,
        tellStaff: async () => undefined,
      });

    /** Lab results the clinic marks ready: one feed change each. */
    const resultsReady = async (count: number) => {
      await erp.state.upsertPatient({ telegram_user_id: 555, first_name: 'Айгерим', last_name: 'Сапарова', middle_name: '', phone: '+77010000555', birth_date: '1990-01-01', sex: 'female', iin: '900101400000', language: 'kk' });
      for (let made = 0; made < count; made += 1) await erp.control.addResult(555, `result ${made}`);
    };

    test('a lease is held by one round at a time, and a dead round’s lease runs out', async () => {
      const leases = createClinicErpLeases({ db: database.handle.db, now });
      let inner: string | undefined = 'not run';
      const outer = await leases.hold('test', 1000, async () => {
        inner = await leases.hold('test', 1000, async () => 'ran');
        return 'held';
      });
      assert.equal(outer, 'held');
      assert.equal(inner, undefined);
      // Freed when the round ends.
      assert.equal(await leases.hold('test', 1000, async () => 'again'), 'again');
      // A round that never ends (its instance was killed) holds it only until the lease runs out.
      let release!: () => void;
      const stuck = leases.hold('test', 1000, () => new Promise<string>((resolve) => (release = () => resolve('stuck'))));
      await sleep(20);
      assert.equal(await leases.hold('test', 1000, async () => 'too early'), undefined);
      nowMs += 1001;
      assert.equal(await leases.hold('test', 1000, async (lease) => ((await lease.renew()) ? 'taken over' : 'lost')), 'taken over');
      release();
      assert.equal(await stuck, 'stuck');
    });

    test('a round that outlived its lease finds out when it renews', async () => {
      const leases = createClinicErpLeases({ db: database.handle.db, now });
      const outcome = await leases.hold('renew', 1000, async (lease) => {
        nowMs += 1001;
        await leases.hold('renew', 1000, async () => undefined);
        return lease.renew();
      });
      assert.equal(outcome, false);
    });

    test('two instances following the change feed at once apply each change once', async () => {
      const first = instance();
      const second = instance();
      const applied: number[] = [];
      for (const service of [first, second]) {
        service.onChange('document.ready', async (change) => {
          // Slow enough that the other instance's round starts while this one is applying.
          await sleep(5);
          applied.push(Number(change.document_id));
        });
      }
      await resultsReady(6);
      const [a, b] = await Promise.all([first.followChanges(), second.followChanges()]);
      assert.equal(a + b, 6);
      assert.equal(applied.length, 6);
      assert.equal(new Set(applied).size, 6);
      // The next round of either goes on from the cursor: nothing is applied again.
      assert.equal(await second.followChanges(), 0);
      await resultsReady(1);
      assert.equal(await second.followChanges(), 1);
      assert.equal(applied.length, 7);
    });
  });
}
