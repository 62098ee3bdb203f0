import '../config/node-version.ts';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ConfigError, parseEnv } from '../config/env.ts';
import { environmentWithFile } from '../config/env-file.ts';
import { askRunningLavka } from '../db/backup.ts';
import { checkSqliteCopy, onPath, pgConnection, pgToolMissing, runPgTool } from './backup-files.ts';

// `npm run restore -- <backup>`: puts a backup back as DATABASE_URL's database. It refuses to
// replace a database that holds data, or one a process is using, unless --force; a SQLite file
// it replaces is kept beside the new one, never deleted.

const USAGE = `Usage: npm run restore -- <backup file> [--force]

  <backup file>  a lavka-….db (SQLite) or lavka-….pgdump (PostgreSQL) made by npm run backup
  --force        replace a database that already holds data, or that other sessions are using

Stop Lavka first (systemctl stop lavka, or docker compose stop lavka): a database in use by a
running Lavka is never replaced under it.
`;

const write = (text: string) => process.stdout.write(text);

/** A refusal with what to do instead; exit code 1 and no change. */
class RestoreRefused extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { force: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (values.help || positionals.length !== 1) {
    write(USAGE);
    return values.help ? 0 : 1;
  }
  const source = path.resolve(positionals[0] as string);
  if (!existsSync(source)) throw new RestoreRefused(`There is no backup at ${source}.`);
  const force = values.force === true;
  const env = parseEnv(environmentWithFile());
  if (env.DATABASE_URL.startsWith('sqlite:')) {
    if (source.endsWith('.pgdump')) throw new RestoreRefused(`${source} is a PostgreSQL dump, but DATABASE_URL is a SQLite file.`);
    await restoreSqlite(source, env.DATABASE_URL.slice('sqlite:'.length), force);
  } else {
    if (source.endsWith('.db')) throw new RestoreRefused(`${source} is a SQLite file, but DATABASE_URL is PostgreSQL.`);
    await restorePostgres(source, env.DATABASE_URL, force);
  }
  return 0;
}

async function restoreSqlite(source: string, file: string, force: boolean): Promise<void> {
  const check = checkSqliteCopy(source);
  if (!check.ok) throw new RestoreRefused(`${source} fails SQLite's integrity check (${check.integrity}); nothing was changed.`);
  if (check.migrations === 0) throw new RestoreRefused(`${source} is not a Lavka database (it has no lavka_migrations table); nothing was changed.`);
  const target = path.resolve(file);
  if (await askRunningLavka(target, { command: 'status' }, 5000)) {
    throw new RestoreRefused(`Lavka is running on ${target}. Stop it first (systemctl stop lavka, or docker compose stop lavka), then restore; nothing was changed.`);
  }
  if (existsSync(target)) {
    let holds: SqliteHolds;
    try {
      holds = sqliteHolds(target);
    } catch (error) {
      if (/locked|busy/i.test((error as Error).message)) throw new RestoreRefused(`${target} is in use by another process. Stop it first; nothing was changed.`);
      throw error;
    }
    if (holds.tables > 0 && !force) {
      throw new RestoreRefused(
        `${target} already holds a database (${holds.tables} tables${holds.orders !== undefined ? `, ${holds.orders} orders` : ''}). ` +
          'Restoring replaces it: run again with --force (the current file is kept beside it). Nothing was changed.',
      );
    }
    const kept = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    // The -wal belongs to the file it was written for: both move together.
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(target + suffix)) renameSync(target + suffix, kept + suffix);
    }
    write(`The database that was there is kept as ${kept}.\n`);
  }
  mkdirSync(path.dirname(target), { recursive: true });
  const from = new DatabaseSync(source, { readOnly: true });
  try {
    await backup(from, target);
  } finally {
    from.close();
  }
  const restored = checkSqliteCopy(target);
  if (!restored.ok) {
    rmSync(target, { force: true });
    throw new Error(`the restored file failed its integrity check (${restored.integrity})`);
  }
  write(`Restored ${source} to ${target} (integrity check ok, ${restored.migrations} migrations). Start Lavka again.\n`);
}

interface SqliteHolds {
  tables: number;
  orders?: number;
}

function sqliteHolds(file: string): SqliteHolds {
  const db = new DatabaseSync(file, { readOnly: true, timeout: 0 });
  try {
    const tables = Number((db.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number }).n);
    const hasOrders = Number((db.prepare("select count(*) as n from sqlite_master where type = 'table' and name = 'orders'").get() as { n: number }).n) > 0;
    return { tables, ...(hasOrders ? { orders: Number((db.prepare('select count(*) as n from orders').get() as { n: number }).n) } : {}) };
  } finally {
    db.close();
  }
}

async function restorePostgres(source: string, databaseUrl: string, force: boolean): Promise<void> {
  if (!onPath('pg_restore')) throw new RestoreRefused(pgToolMissing('pg_restore'));
  const connection = pgConnection(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  let others: number;
  let holdsLavka: boolean;
  try {
    others = Number((await client.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).rows[0]?.n ?? 0);
    holdsLavka = (await client.query("select 1 from information_schema.tables where table_name = 'lavka_migrations' and table_schema = any (current_schemas(false))")).rowCount! > 0;
  } finally {
    await client.end();
  }
  if (!force && others > 0) {
    throw new RestoreRefused(
      `${others} other session(s) are connected to this database — a running Lavka? Stop it first, or run again with --force. Nothing was changed.`,
    );
  }
  if (!force && holdsLavka) {
    throw new RestoreRefused('This database already holds a Lavka database. Restoring replaces it: run again with --force. Nothing was changed.');
  }
  // One transaction: a dump that fails half-way leaves the database as it was.
  await runPgTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${connection.url}`, source], connection.env);
  write(`Restored ${source} into the PostgreSQL database. Start Lavka again.\n`);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError || error instanceof RestoreRefused) console.error(error.message);
  else if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') console.error(`${(error as Error).message}\n\n${USAGE}`);
  else console.error(`The restore failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
