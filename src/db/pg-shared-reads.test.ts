import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { hasPostgres, postgresTestDatabase, type TestDatabase } from '../../test/support/services.ts';
import { socketWrites } from '../../test/support/socket-writes.ts';
import { createDatabase, type DatabaseHandle } from './database.ts';
import { withRelaxedDurability } from './durability.ts';
import { sharedReadConnection } from './pg-shared-reads.ts';
import { statementNames } from './pg-statements.ts';

const skip = (await hasPostgres()) ? false : 'PostgreSQL is not reachable';

type Db = DatabaseHandle['db'];
const pid = async (db: Db, suffix = sql``): Promise<number> => (await sql<{ pid: number }>`select pg_backend_pid() as pid ${suffix}`.execute(db)).rows[0]!.pid;

describe('reads and transactions of units of work on PostgreSQL', { skip }, () => {
  let target: TestDatabase;
  let handle: DatabaseHandle;
  let port: number;
  before(async () => {
    target = await postgresTestDatabase();
    port = Number(new URL(target.url).port || 5432);
    handle = await createDatabase({ url: target.url });
    await sql`create table notes (id serial primary key, body text not null)`.execute(handle.db);
  });
  after(async () => {
    await handle?.close();
    await target?.drop();
  });

  /** Units started at once, as the updates of one batch are; each returns what `work` found. */
  const atOnce = <T>(count: number, work: (db: Db) => Promise<T>) =>
    Promise.all(
      Array.from({ length: count }, () =>
        handle.units.run(async (unit) => {
          const found = await work(handle.db);
          await unit.flush();
          unit.end();
          return found;
        }),
      ),
    );

  /** Runs until the shared connection is open (it opens at the first read and serves from the next). */
  const warm = async () => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const pids = await atOnce(4, (db) => pid(db));
      if (new Set(pids).size === 1) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail('the shared read connection never opened');
  };

  test('the reads of units running at once share one connection and leave in one socket write', async () => {
    await warm();
    let pids: number[] = [];
    const writes = await socketWrites(port, async () => {
      pids = await atOnce(8, (db) => pid(db));
    });
    assert.equal(new Set(pids).size, 1, `one server process answered them all: ${pids.join(', ')}`);
    assert.equal(writes, 1, 'eight reads made in one tick are one write');
  });

  test('reads made by separate callbacks of one turn of the event loop leave in one socket write', async () => {
    await warm();
    let pids: number[] = [];
    const writes = await socketWrites(port, async () => {
      // Immediates queued together run in one phase of one turn, each callback with its own
      // ticks: what several updates moved on by one turn of the loop (their answers read in
      // its poll phase) do.
      pids = await Promise.all(
        Array.from({ length: 4 }, () => new Promise<number[]>((resolve, reject) => setImmediate(() => atOnce(1, (db) => pid(db)).then(resolve, reject)))),
      ).then((found) => found.flat());
    });
    assert.equal(new Set(pids).size, 1, `one server process answered them all: ${pids.join(', ')}`);
    assert.equal(writes, 1, 'four reads made in four callbacks of one turn are one write');
  });

  test('a write, what follows it, and a read that locks take connections of their own', async () => {
    await warm();
    const shared = (await atOnce(1, (db) => pid(db)))[0];
    const [afterWrite] = await atOnce(1, async (db) => {
      await sql`insert into notes (body) values (${'a'})`.execute(db);
      return pid(db);
    });
    assert.notEqual(afterWrite, shared, 'a transaction is on its own connection');
    const [locking] = await atOnce(1, (db) => pid(db, sql`from notes limit 1 for update`));
    assert.notEqual(locking, shared, 'a read that may wait for a lock would hold up every read behind it');
    // Outside units nothing changes: the pool, as before.
    assert.notEqual(await pid(handle.db), shared);
  });

  test("a transaction's BEGIN leaves with its first write, and what it wrote commits", async () => {
    await warm();
    const writes = await socketWrites(port, async () => {
      await handle.units.run(async (unit) => {
        await sql`insert into notes (body) values (${'with begin'})`.execute(handle.db);
        assert.equal(unit.open, true);
        await unit.flush();
      });
    });
    // BEGIN with the insert, then COMMIT: two writes, where each on its own made three.
    assert.equal(writes, 2);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from notes where body = ${'with begin'}`.execute(handle.db);
    assert.equal(rows[0]?.n, 1);
  });

  test("a transaction's last statement takes the COMMIT with it, and when it fails nothing is committed", async () => {
    const count = async (body: string) => (await sql<{ n: number }>`select count(*)::int as n from notes where body = ${body}`.execute(handle.db)).rows[0]?.n;
    const unitWriting = (body: string, last: string) =>
      handle.units.run(async (unit) => {
        unit.beforeCommit = async () => void (await unit.endWith(sql`select ${sql.raw(last)} as last`.compile(handle.db)));
        try {
          await sql`insert into notes (body) values (${body})`.execute(handle.db);
          await unit.flush();
        } finally {
          unit.end();
        }
      });
    const writes = await socketWrites(port, () => unitWriting('ended with', '1'));
    assert.equal(writes, 2, 'BEGIN with the insert, the last statement with COMMIT');
    assert.equal(await count('ended with'), 1);

    await assert.rejects(unitWriting('ended with a failure', '1 / 0'), /division by zero/);
    assert.equal(await count('ended with a failure'), 0, 'the COMMIT behind a failed statement rolls back');
  });

  test('a first write that fails leaves the transaction to roll back, and the next unit works', async () => {
    await assert.rejects(
      handle.units.run(async (unit) => {
        try {
          await sql`insert into notes (id, body) values (${'not a number'}, ${'x'})`.execute(handle.db);
        } finally {
          await unit.rollback();
        }
      }),
      /invalid input syntax/,
    );
    const [count] = await atOnce(1, async (db) => {
      await sql`insert into notes (body) values (${'after failure'})`.execute(db);
      return (await sql<{ n: number }>`select count(*)::int as n from notes where body = ${'after failure'}`.execute(db)).rows[0]?.n;
    });
    assert.equal(count, 1);
  });

  test("reads made for an update before its unit starts share the connection; its writes take the pool's", async () => {
    await warm();
    const shared = (await atOnce(1, (db) => pid(db)))[0];
    const [read, write] = await handle.units.readShared(async () => [
      await pid(handle.db),
      (await sql<{ pid: number }>`insert into notes (body) values (${'before the unit'}) returning pg_backend_pid() as pid`.execute(handle.db)).rows[0]!.pid,
    ]);
    assert.equal(read, shared, 'a plain read shares the connection');
    assert.notEqual(write, shared, 'a write commits on a connection of its own');
    const locking = await handle.units.readShared(() => pid(handle.db, sql`from notes limit 1 for update`));
    assert.notEqual(locking, shared, 'a read that may wait for a lock does not hold up the reads behind it');
    assert.notEqual(await pid(handle.db), shared, 'outside, reads use the pool as before');
  });

  test('a bookkeeping write outside the units goes on the shared connection, which does not wait for the WAL flush', async () => {
    await warm();
    const shared = (await atOnce(1, (db) => pid(db)))[0];
    const [setting] = await atOnce(1, async (db) => (await sql<{ value: string }>`select current_setting('synchronous_commit') as value`.execute(db)).rows[0]!.value);
    assert.equal(setting, 'off', 'the shared connection commits without waiting for the disk');
    const insert = (body: string) => sql<{ pid: number }>`insert into notes (body) values (${body}) returning pg_backend_pid() as pid`.execute(handle.db);
    const relaxed = await withRelaxedDurability(() => insert('bookkeeping'));
    assert.equal(relaxed.rows[0]?.pid, shared, 'a relaxed write shares the connection');
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from notes where body = ${'bookkeeping'}`.execute(handle.db);
    assert.equal(rows[0]?.n, 1, 'and is committed on its own');
    const plain = await insert('acknowledged');
    assert.notEqual(plain.rows[0]?.pid, shared, 'any other write outside the units commits on a pool connection, waiting for the disk');
    await assert.rejects(
      withRelaxedDurability(() => handle.db.transaction().execute(async (trx) => void (await sql`insert into notes (body) values (${'in a transaction'})`.execute(trx)))),
      /no transaction on the shared connection/,
    );
    const left = await sql<{ n: number }>`select count(*)::int as n from notes where body = ${'in a transaction'}`.execute(handle.db);
    assert.equal(left.rows[0]?.n, 0);
    assert.equal((await atOnce(1, (db) => pid(db)))[0], shared, 'the shared connection still serves');
  });
});

describe('the shared read connection', { skip }, () => {
  let target: TestDatabase;
  let admin: pg.Client;
  before(async () => {
    target = await postgresTestDatabase();
    admin = new pg.Client({ connectionString: target.url });
    await admin.connect();
  });
  after(async () => {
    await admin?.end();
    await target?.drop();
  });

  const query = (sqlText: string) => ({ sql: sqlText, parameters: [], query: { kind: 'RawNode' }, queryId: { queryId: 'test' } }) as never;
  const opened = async (reads: ReturnType<typeof sharedReadConnection>) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const connection = reads.connection();
      if (connection) return connection;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return assert.fail('it never opened');
  };

  test('opens on first use, gives way to the pool while busy, and opens again after its server process is gone', async () => {
    const errors: Error[] = [];
    const clock = { now: 0 };
    const reads = sharedReadConnection({
      open: () => new pg.Client({ connectionString: target.url, pipeline: true }),
      names: statementNames(),
      maxInFlight: 2,
      retryMs: 1000,
      now: () => clock.now,
      onError: (error) => errors.push(error),
    });
    try {
      assert.equal(reads.connection(), undefined, 'not open yet: the pool takes this read');
      const connection = await opened(reads);
      const pidOf = async (c: typeof connection) => ((await c.executeQuery<{ pid: number }>(query('select pg_backend_pid() as pid'))).rows[0] as { pid: number }).pid;
      const first = await pidOf(connection);

      const slow = [connection.executeQuery(query('select pg_sleep(0.1)')), connection.executeQuery(query('select pg_sleep(0.1)'))];
      assert.equal(reads.connection(), undefined, 'two reads in flight: the third takes the pool');
      await Promise.all(slow);
      assert.ok(reads.connection(), 'free again');

      const waiting = connection.executeQuery(query('select pg_sleep(5)')).then(
        () => 'answered',
        (error: unknown) => error,
      );
      await admin.query('select pg_terminate_backend($1)', [first]);
      assert.match(String(await waiting), /terminat/, 'the read in flight fails as on a lost pool connection');
      for (let attempt = 0; attempt < 100 && reads.connection(); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(reads.connection(), undefined, 'the lost connection is dropped');
      assert.ok(errors.length >= 1, 'the loss is told');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(reads.connection(), undefined, 'no new attempt within retryMs');
      clock.now += 1000;
      const again = await opened(reads);
      assert.notEqual(await pidOf(again), first, 'a new server process');
    } finally {
      await reads.end();
    }
    assert.equal(reads.connection(), undefined, 'ended: nothing more');
  });

  test('a server that cannot be reached leaves every read to the pool, with nothing told', async () => {
    const errors: Error[] = [];
    const clock = { now: 0 };
    let attempts = 0;
    const unreachable = new URL(target.url);
    unreachable.port = '1';
    const reads = sharedReadConnection({
      open: () => {
        attempts += 1;
        return new pg.Client({ connectionString: unreachable.href, pipeline: true });
      },
      names: statementNames(),
      now: () => clock.now,
      onError: (error) => errors.push(error),
    });
    try {
      for (let n = 0; n < 20; n++) {
        assert.equal(reads.connection(), undefined);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(attempts, 1, 'one attempt per retry period, however many reads');
      clock.now += 1000;
      assert.equal(reads.connection(), undefined);
      assert.equal(attempts, 2);
      assert.deepEqual(errors, []);
    } finally {
      await reads.end();
    }
  });
});
