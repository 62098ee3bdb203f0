import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompiledQuery, type DatabaseConnection } from 'kysely';
import { TurnTakingSqliteDialect } from './sqlite-dialect.ts';
import { openSqlite } from './sqlite.ts';

/** The dialect's driver over an in-memory database, opened as Lavka opens its file. */
async function openDriver() {
  const driver = new TurnTakingSqliteDialect({ database: openSqlite({ file: ':memory:' }) }).createDriver();
  await driver.init();
  return driver;
}

describe('the SQLite dialect’s one connection', () => {
  test('goes to the statements waiting for it in the order they came', async () => {
    const driver = await openDriver();
    const first = await driver.acquireConnection();
    const order: number[] = [];
    const waiting = [1, 2, 3, 4].map((n) =>
      driver.acquireConnection().then(async (connection) => {
        order.push(n);
        await driver.releaseConnection(connection);
      }),
    );
    await driver.releaseConnection(first);
    await Promise.all(waiting);
    assert.deepEqual(order, [1, 2, 3, 4]);
    await driver.destroy();
  });

  test('a statement arriving as the connection is released waits behind the one already waiting', async () => {
    const driver = await openDriver();
    const first = await driver.acquireConnection();
    const order: string[] = [];
    const take = (who: string) =>
      driver.acquireConnection().then(async (connection: DatabaseConnection) => {
        order.push(who);
        await driver.releaseConnection(connection);
      });
    const waiting = take('waiting');
    const released = driver.releaseConnection(first);
    // In the same tick as the release: Kysely's own lock gave the connection to this one first.
    const newcomer = take('newcomer');
    await Promise.all([released, waiting, newcomer]);
    assert.deepEqual(order, ['waiting', 'newcomer']);
    await driver.destroy();
  });

  test('runs statements and transactions as Kysely’s driver does', async () => {
    const driver = await openDriver();
    const connection = await driver.acquireConnection();
    await connection.executeQuery(CompiledQuery.raw('create table t (n integer)'));
    await driver.beginTransaction(connection, {});
    await connection.executeQuery(CompiledQuery.raw('insert into t values (?)', [1]));
    await driver.rollbackTransaction(connection);
    await connection.executeQuery(CompiledQuery.raw('insert into t values (?)', [2]));
    const { rows } = await connection.executeQuery<{ n: number }>(CompiledQuery.raw('select n from t'));
    assert.deepEqual(rows.map((row) => row.n), [2]);
    await driver.releaseConnection(connection);
    await driver.destroy();
  });
});
