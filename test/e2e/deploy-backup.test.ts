import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import type { LavkaApp } from '../../src/app.ts';
import { onPath } from '../../src/cli/backup-files.ts';
import { startTestLavka } from '../support/harness.ts';
import { hasPostgres, POSTGRES_URL, type TestDatabase } from '../support/services.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs `npm run <tool>` as a separate process (what an operator or a timer does), against `databaseUrl`. */
function runTool(tool: 'backup' | 'restore', args: string[], databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'src/cli', `${tool}.ts`), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: databaseUrl, LAVKA_ENV_FILE: path.join(tmpdir(), 'lavka-no-such-env-file') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** Orders written one transaction at a time through the running Lavka's own connection, as checkouts are. */
function orderTraffic(app: LavkaApp, userId: number) {
  const committed: number[] = [];
  let running = true;
  let sequence = 0;
  const insertOrder = async (comment: string) => {
    sequence += 1;
    const row = await app.database.db
      .insertInto('orders')
      .values({
        number: `B-${sequence}`,
        kind: 'shop',
        user_id: userId,
        status: 'new',
        currency: 'KZT',
        total_minor: 1000 + sequence,
        payment_method: 'on_delivery',
        payment_id: null,
        contact_name: 'Backup Test',
        contact_phone: null,
        delivery_method: 'pickup',
        delivery_address: null,
        pickup_point: null,
        comment,
        details: null,
        external_id: null,
        created_at: Date.now(),
        updated_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Counted as committed only once the insert has returned: its transaction is done.
    committed.push(row.id);
  };
  let loop: Promise<void> | undefined;
  return {
    committed,
    insertOrder,
    /** Keeps writing orders, yielding to the event loop between them, until {@link stop}. */
    start() {
      loop = (async () => {
        while (running) {
          await insertOrder('during the backup');
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function addCustomer(app: LavkaApp): Promise<number> {
  const id = 700_001;
  await app.database.db.insertInto('users').values({ id, username: null, first_name: 'Backup', last_name: null, language_code: 'en', locale: 'en', phone: null, blocked_at: null, first_seen_at: Date.now(), last_seen_at: Date.now(), external_id: null }).execute();
  return id;
}

function sqliteOrderIds(file: string): { integrity: string; ids: Set<number> } {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const integrity = (db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[]).map((row) => row.integrity_check).join('; ');
    const ids = new Set((db.prepare('select id from orders').all() as { id: number }[]).map((row) => Number(row.id)));
    return { integrity, ids };
  } finally {
    db.close();
  }
}

describe('npm run backup and npm run restore on SQLite', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'lavka-backup-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  test('a backup taken while orders are being written restores to a database that passes the integrity check and holds every committed order', async () => {
    const lavka = await startTestLavka({ preset: 'shop' });
    const backups = path.join(work, 'online');
    try {
      const userId = await addCustomer(lavka.app);
      // Some 25 MB, so that the copy takes many steps and the writes below land between them.
      const filler = 'x'.repeat(8000);
      const traffic = orderTraffic(lavka.app, userId);
      for (let index = 0; index < 3000; index += 1) await traffic.insertOrder(filler);
      traffic.start();
      const committedBefore = [...traffic.committed];
      const backup = await runTool('backup', ['--dir', backups], lavka.database.url);
      const committedBeforeTheAnswer = [...traffic.committed];
      await traffic.stop();
      assert.equal(backup.code, 0, backup.output);
      assert.match(backup.output, /Backup written: .*lavka-.*\.db .*online, taken by the running Lavka; integrity check ok/);
      const files = readdirSync(backups).filter((name) => name.endsWith('.db'));
      assert.equal(files.length, 1, `one backup and no partial file: ${readdirSync(backups).join(', ')}`);
      assert.ok(committedBeforeTheAnswer.length > committedBefore.length, 'orders were committed while the backup ran');

      // Restored into a fresh file, as on a new server.
      const restoredFile = path.join(work, 'restored', 'lavka.db');
      const restore = await runTool('restore', [path.join(backups, files[0] as string)], `sqlite:${restoredFile}`);
      assert.equal(restore.code, 0, restore.output);
      const restored = sqliteOrderIds(restoredFile);
      assert.equal(restored.integrity, 'ok');
      const missing = committedBefore.filter((id) => !restored.ids.has(id));
      assert.deepEqual(missing, [], 'every order committed before the backup started is in it');
      const phantom = [...restored.ids].filter((id) => !traffic.committed.includes(id));
      assert.deepEqual(phantom, [], 'nothing in the backup that was never committed');
      // The copy is as of its end: orders committed during it are in it, in an unbroken run.
      const ordered = [...restored.ids].sort((a, b) => a - b);
      assert.deepEqual(ordered, traffic.committed.slice(0, ordered.length));
      assert.ok(ordered.length > committedBefore.length, 'orders committed after the command started are in it');
    } finally {
      await lavka.stop();
    }
  });

  test('restore refuses to replace the database of a running Lavka, and one that holds data without --force', async () => {
    const lavka = await startTestLavka({ preset: 'shop' });
    const backups = path.join(work, 'refusals');
    try {
      const userId = await addCustomer(lavka.app);
      const traffic = orderTraffic(lavka.app, userId);
      await traffic.insertOrder('first');
      const made = await runTool('backup', ['--dir', backups], lavka.database.url);
      assert.equal(made.code, 0, made.output);
      const file = path.join(backups, readdirSync(backups).find((name) => name.endsWith('.db')) as string);
      await traffic.insertOrder('after the backup');

      const live = await runTool('restore', [file, '--force'], lavka.database.url);
      assert.equal(live.code, 1);
      assert.match(live.output, /Lavka is running on .*Stop it first/);
      assert.equal((await lavka.app.database.db.selectFrom('orders').select('id').execute()).length, 2, 'the running database is untouched');

      await lavka.app.stop();
      const dbFile = lavka.database.url.slice('sqlite:'.length);
      const refused = await runTool('restore', [file], lavka.database.url);
      assert.equal(refused.code, 1);
      assert.match(refused.output, /already holds a database \(\d+ tables, 2 orders\).*--force/);
      assert.equal(sqliteOrderIds(dbFile).ids.size, 2, 'nothing changed');

      const forced = await runTool('restore', [file, '--force'], lavka.database.url);
      assert.equal(forced.code, 0, forced.output);
      assert.equal(sqliteOrderIds(dbFile).ids.size, 1, 'the backup is back');
      assert.ok(readdirSync(path.dirname(dbFile)).some((name) => name.startsWith('lavka.db.before-restore-')), 'the replaced file is kept');

      // Stopped, the file is copied directly; --keep removes the oldest.
      for (let round = 0; round < 2; round += 1) {
        const again = await runTool('backup', ['--dir', backups, '--keep', '2'], lavka.database.url);
        assert.equal(again.code, 0, again.output);
        assert.match(again.output, /Lavka is not running: copied directly/);
      }
      const kept = readdirSync(backups).filter((name) => name.endsWith('.db'));
      assert.equal(kept.length, 2);
      assert.ok(!kept.includes(path.basename(file)), 'the oldest backup was removed');
    } finally {
      await lavka.stop();
    }
  });

  test('a bad --keep and a missing backup file are refused with a clear message', async () => {
    const keep = await runTool('backup', ['--keep', '0'], `sqlite:${path.join(work, 'none.db')}`);
    assert.equal(keep.code, 1);
    assert.match(keep.output, /--keep expects a whole number of backups, at least 1/);
    const missing = await runTool('restore', [path.join(work, 'no-such.db')], `sqlite:${path.join(work, 'none.db')}`);
    assert.equal(missing.code, 1);
    assert.match(missing.output, /There is no backup at/);
    assert.ok(!existsSync(path.join(work, 'none.db')), 'no database was created');
  });
});

describe('npm run backup and npm run restore on PostgreSQL', async () => {
  const available = (await hasPostgres()) && onPath('pg_dump') && onPath('pg_restore');

  /** A database of its own (pg_dump dumps whole databases), dropped afterwards. */
  async function freshDatabase(): Promise<TestDatabase> {
    const name = `lavka_backup_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    return {
      dialect: 'postgres',
      url: url.href,
      drop: async () => {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  }

  test('pg_dump taken while orders are being written restores every committed order into a new database', { skip: !available && 'PostgreSQL or its client tools are not here' }, async () => {
    const source = await freshDatabase();
    const target = await freshDatabase();
    const lavka = await startTestLavka({ preset: 'shop', database: source });
    const backups = path.join(tmpdir(), `lavka-pg-backups-${randomBytes(4).toString('hex')}`);
    try {
      const userId = await addCustomer(lavka.app);
      const traffic = orderTraffic(lavka.app, userId);
      for (let index = 0; index < 200; index += 1) await traffic.insertOrder('before');
      traffic.start();
      const committedBefore = [...traffic.committed];
      const backup = await runTool('backup', ['--dir', backups], source.url);
      await traffic.stop();
      assert.equal(backup.code, 0, backup.output);
      assert.match(backup.output, /Backup written: .*\.pgdump/);
      const file = path.join(backups, readdirSync(backups)[0] as string);

      const live = await runTool('restore', [file], source.url);
      assert.equal(live.code, 1);
      assert.match(live.output, /other session\(s\) are connected to this database/);

      const restore = await runTool('restore', [file], target.url);
      assert.equal(restore.code, 0, restore.output);
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      try {
        const ids = new Set((await client.query<{ id: number }>('select id from orders')).rows.map((row) => Number(row.id)));
        assert.deepEqual(committedBefore.filter((id) => !ids.has(id)), [], 'every order committed before the dump started is in it');
        assert.deepEqual([...ids].filter((id) => !traffic.committed.includes(id)), []);
      } finally {
        await client.end();
      }
      const again = await runTool('restore', [file], target.url);
      assert.equal(again.code, 1);
      assert.match(again.output, /already holds a Lavka database.*--force/);
      const forced = await runTool('restore', [file, '--force'], target.url);
      assert.equal(forced.code, 0, forced.output);
    } finally {
      await lavka.stop();
      await target.drop();
      rmSync(backups, { recursive: true, force: true });
    }
  });
});
