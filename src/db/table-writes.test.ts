import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DummyDriver, Kysely, sql, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type OperationNode } from 'kysely';
import { sqliteTestDatabase } from '../../test/support/services.ts';
import { createDatabase } from './database.ts';
import type { Database } from './schema.ts';
import { tableWritesOf, writtenTables } from './table-writes.ts';
import { whenVisible } from './unit-of-work.ts';

const WATCHED = new Set(['catalog_products', 'catalog_variants']);

// Statements are only built here, never run.
const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new SqliteIntrospector(kysely),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

const written = (node: OperationNode) => [...writtenTables(node, WATCHED)].sort();

describe('which tables a statement writes', () => {
  test('the target of an insert, update or delete, and nothing for a read', () => {
    assert.deepEqual(written(db.updateTable('catalog_products').set({ stock: 1 }).where('id', '=', 1).toOperationNode()), ['catalog_products']);
    assert.deepEqual(written(db.updateTable('catalog_variants as v').set({ stock: 1 }).toOperationNode()), ['catalog_variants']);
    assert.deepEqual(written(db.deleteFrom('catalog_variants').where('product_id', '=', 1).toOperationNode()), ['catalog_variants']);
    assert.deepEqual(
      written(db.insertInto('catalog_products').values({ title: 'x' } as never).onConflict((oc) => oc.doNothing()).toOperationNode()),
      ['catalog_products'],
    );
    // Reading a watched table, or naming it in a write to another one, is no write to it.
    assert.deepEqual(written(db.selectFrom('catalog_products').selectAll().where('id', 'in', db.selectFrom('catalog_variants').select('product_id')).toOperationNode()), []);
    assert.deepEqual(
      written(db.deleteFrom('catalog_photos').where('product_id', 'in', db.selectFrom('catalog_products').select('id')).toOperationNode()),
      [],
    );
  });

  test('a write hidden in a CTE counts', () => {
    const node = db
      .with('taken', (qb) => qb.updateTable('catalog_variants').set({ stock: 0 }).returning('id'))
      .selectFrom('taken')
      .selectAll()
      .toOperationNode();
    assert.deepEqual(written(node), ['catalog_variants']);
  });

  test('raw SQL is judged by its text, conservatively', () => {
    const raw = (query: { toOperationNode(): OperationNode }) => written(query.toOperationNode());
    assert.deepEqual(raw(sql`update catalog_products set price_minor = ${1} where id = ${2}`), ['catalog_products']);
    assert.deepEqual(raw(sql`UPDATE "CATALOG_VARIANTS" SET stock = 0`), ['catalog_variants']);
    assert.deepEqual(raw(sql`update ${sql.table('catalog_variants')} set stock = 0`), ['catalog_variants']);
    assert.deepEqual(raw(sql`with t as (delete from catalog_products returning id) select * from t`), ['catalog_products']);
    assert.deepEqual(raw(sql`select * from catalog_products`), []);
    assert.deepEqual(raw(sql`update orders set status = 'paid'`), []);
    // A name that only starts like a watched one is another table.
    assert.deepEqual(raw(sql`update catalog_products_archive set x = 1`), []);
  });

  test('schema changes count for the tables they name', () => {
    assert.deepEqual(written(db.schema.alterTable('catalog_products').addColumn('x', 'integer').toOperationNode()), ['catalog_products']);
    assert.deepEqual(written(db.schema.dropTable('catalog_variants').toOperationNode()), ['catalog_variants']);
  });
});

describe('watching the writes of a Lavka database', () => {
  test('a watcher hears each write before and after it runs, in the writer\'s context, and never reads', async () => {
    const target = sqliteTestDatabase();
    const handle = await createDatabase({ url: target.url });
    try {
      await sql`create table catalog_products (id integer primary key, stock integer not null)`.execute(handle.db);
      await sql`insert into catalog_products (id, stock) values (1, 5)`.execute(handle.db);
      const heard: string[] = [];
      const writers: unknown[] = [];
      const phases: string[] = [];
      const stop = tableWritesOf(handle.db)?.watch(['catalog_products'], (tables, phase) => {
        heard.push([...tables].join(','));
        writers.push(handle.units.current());
        phases.push(phase);
      });
      assert.ok(stop);
      await sql`select * from catalog_products`.execute(handle.db);
      await handle.db.selectFrom('catalog_products' as never).selectAll().execute();
      assert.deepEqual(heard, []);
      await (handle.db as unknown as Kysely<{ catalog_products: { id: number; stock: number } }>).updateTable('catalog_products').set({ stock: 4 }).execute();
      assert.deepEqual(heard, ['catalog_products', 'catalog_products']);
      // Inside a transaction too (Kysely hands its plugins to transactions).
      await handle.db.transaction().execute((trx) => sql`update catalog_products set stock = 3`.execute(trx));
      assert.equal(heard.length, 4);
      const unit = await handle.units.run(async (current) => {
        await sql`update catalog_products set stock = 3`.execute(handle.db);
        await current.flush();
        return current;
      });
      assert.equal(heard.length, 6);
      assert.deepEqual(writers.slice(4), [unit, unit]);
      assert.deepEqual(writers.slice(0, 4), [undefined, undefined, undefined, undefined]);
      assert.deepEqual(phases, ['before', 'after', 'before', 'after', 'before', 'after']);
      stop();
      await sql`update catalog_products set stock = 2`.execute(handle.db);
      assert.equal(heard.length, 6);
    } finally {
      await handle.close();
      await target.drop();
    }
  });
});

describe('when a write becomes visible to others', () => {
  test('at once on its own, at the end of its unit\'s transaction, after every transaction outside the units open then, never for a transaction', async () => {
    const target = sqliteTestDatabase();
    const handle = await createDatabase({ url: target.url });
    try {
      await sql`create table t (id integer primary key, n integer not null)`.execute(handle.db);
      const told: string[] = [];
      const ask = (name: string, db: object = handle.db) => whenVisible(db, () => told.push(name));

      await sql`insert into t (id, n) values (1, 1)`.execute(handle.db);
      assert.equal(ask('alone'), 'now');
      assert.deepEqual(told, [], 'nothing to be told later');

      // In a unit: when its transaction commits, once, whether or not the unit ends.
      await handle.units.run(async (unit) => {
        assert.equal(ask('before any write'), 'now');
        await sql`update t set n = 2`.execute(handle.db);
        assert.equal(ask('unit'), 'later');
        assert.deepEqual(told, []);
        await unit.flush();
        assert.deepEqual(told, ['unit']);
        await sql`update t set n = 3`.execute(handle.db);
        assert.equal(ask('rolled back'), 'later');
        await unit.rollback();
      });
      assert.deepEqual(told, ['unit', 'rolled back']);

      // In a transaction outside the units: when it ends, committed or failed; inside it, its
      // own executor cannot say.
      await handle.db.transaction().execute(async (trx) => {
        await sql`update t set n = 4`.execute(trx);
        assert.equal(ask('outside'), 'later');
        assert.equal(ask('on the transaction', trx), 'unknown');
        assert.deepEqual(told.slice(2), []);
      });
      assert.deepEqual(told.slice(2), ['outside']);
      await assert.rejects(
        handle.db.transaction().execute(async () => {
          assert.equal(ask('failed'), 'later');
          throw new Error('refused');
        }),
        /refused/,
      );
      assert.deepEqual(told.slice(3), ['failed']);
      assert.equal(ask('after them'), 'now');
      assert.equal((await sql<{ n: number }>`select n from t`.execute(handle.db)).rows[0]?.n, 4);
    } finally {
      await handle.close();
      await target.drop();
    }
  });
});
