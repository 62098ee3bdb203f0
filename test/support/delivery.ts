import { Api } from 'grammy';
import { createDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { coreMigrations } from '../../src/db/migrations/index.ts';
import { migrate } from '../../src/db/migrator.ts';
import { createOutboxRepository } from '../../src/delivery/outbox.repository.ts';
import { createRateLimiter, type RateLimits, type SendRateLimiter } from '../../src/delivery/rate-limiter.ts';
import { createOutboxSender, type ApiCall, type OutboxSender, type SenderDeps, type SenderOptions } from '../../src/delivery/sender.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createSimulator, startSimulatorServer, type RateLimitOptions, type SimulatorServer } from '../../src/sim/index.ts';
import { sqliteTestDatabase, type TestDatabase } from './services.ts';

/** The token the delivery tests' simulator accepts. */
export const DELIVERY_TEST_TOKEN = '424242:DELIVERY-TEST-TOKEN';

/** A migrated database, a simulator over HTTP and a way to build senders against both. */
export interface SenderFixture {
  database: DatabaseHandle;
  server: SimulatorServer;
  /** A Bot API client without auto-retry, as the delivery engine uses for outbox sends. */
  call: ApiCall;
  /** Creates users who have started the bot (the bot may write to them first). */
  addUsers(ids: readonly number[]): void;
  sender(options?: { limiter?: SendRateLimiter; limits?: Partial<RateLimits>; options?: SenderOptions } & Partial<Pick<SenderDeps, 'onBlocked' | 'blockedChats' | 'call' | 'clock'>>): OutboxSender;
  /** Rows by status (and error code for failures). */
  statusCounts(): Promise<Record<string, number>>;
  /** Resolves once no row is pending, held or sending, or rejects after `timeoutMs`. */
  drained(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts the simulator (with flood limits unless `rateLimits: false`) and a fresh migrated database. */
export async function startSenderFixture(
  options: { rateLimits?: RateLimitOptions | false; database?: TestDatabase } = {},
): Promise<SenderFixture> {
  const target = options.database ?? sqliteTestDatabase();
  const database = await createDatabase({ url: target.url });
  await migrate(database, [{ module: 'core', migrations: coreMigrations }]);
  const sim = createSimulator({ token: DELIVERY_TEST_TOKEN, rateLimits: options.rateLimits ?? {} });
  const server = await startSimulatorServer({ sim });
  const api = new Api(DELIVERY_TEST_TOKEN, { apiRoot: server.apiRoot, timeoutSeconds: 10 });
  const call: ApiCall = (method, payload) => (api.raw as unknown as Record<string, (p: Record<string, unknown>) => Promise<unknown>>)[method]!(payload);
  const senders: OutboxSender[] = [];

  const statusCounts = async () => {
    const rows = await database.db
      .selectFrom('outbox')
      .select(['status', 'error_code', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['status', 'error_code'])
      .execute();
    return Object.fromEntries(rows.map((row) => [row.error_code ? `${row.status}/${row.error_code}` : row.status, Number(row.n)]));
  };

  return {
    database,
    server,
    call,
    addUsers(ids) {
      for (const id of ids) sim.user({ id, first_name: `User ${id}`, hasStartedBot: true });
    },
    sender(overrides = {}) {
      const sender = createOutboxSender({
        repository: createOutboxRepository(database.db, database.dialect),
        limiter: overrides.limiter ?? createRateLimiter({ limits: overrides.limits }),
        call: overrides.call ?? call,
        logger: silentLogger(),
        onBlocked: overrides.onBlocked,
        blockedChats: overrides.blockedChats,
        clock: overrides.clock,
        options: { pollIntervalMs: 50, ...overrides.options },
      });
      senders.push(sender);
      return sender;
    },
    statusCounts,
    async drained(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await statusCounts();
        // Waiting rows may carry why they wait (`pending/unreachable`).
        if (!Object.keys(counts).some((key) => /^(pending|held|sending)\b/.test(key))) return;
        if (Date.now() > deadline) throw new Error(`outbox not drained within ${timeoutMs} ms: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      for (const sender of senders) await sender.stop();
      await server.close();
      await database.close();
      await target.drop();
    },
  };
}
