import '../config/node-version.ts';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { ConfigError, parseEnv } from '../config/env.ts';
import { environmentWithFile } from '../config/env-file.ts';
import { askRunningLavka } from '../db/backup.ts';
import { backupName, checkSqliteCopy, onPath, pgConnection, pgToolMissing, pruneBackups, runPgTool } from './backup-files.ts';

// `npm run backup`: a consistent copy of the database while the bot keeps running, then the
// oldest copies beyond --keep deleted. SQLite is copied with SQLite's online backup API by the
// Lavka that holds the file (or by this process when none runs); PostgreSQL with pg_dump.

const USAGE = `Usage: npm run backup -- [--dir <folder>] [--keep <n>]

  --dir   where backups go (default: a "backups" folder beside the SQLite file, ./data/backups for PostgreSQL)
  --keep  how many backups to keep, the newest (default 14); older ones are deleted

Backups are named lavka-<UTC time>.db (SQLite) or .pgdump (pg_dump's custom format).
Restore one with: npm run restore -- <file>
`;

const write = (text: string) => process.stdout.write(text);

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, keep: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    write(USAGE);
    return 0;
  }
  const keep = values.keep === undefined ? 14 : Number(values.keep);
  if (!Number.isSafeInteger(keep) || keep < 1) {
    console.error(`--keep expects a whole number of backups, at least 1 (got ${JSON.stringify(values.keep)}).`);
    return 1;
  }
  const env = parseEnv(environmentWithFile());
  const sqliteFile = env.DATABASE_URL.startsWith('sqlite:') ? env.DATABASE_URL.slice('sqlite:'.length) : undefined;
  if (sqliteFile === ':memory:') {
    console.error('DATABASE_URL is sqlite::memory: — an in-memory database has nothing to back up.');
    return 1;
  }
  const dir = path.resolve(values.dir ?? (sqliteFile ? path.join(path.dirname(sqliteFile), 'backups') : path.join('data', 'backups')));
  mkdirSync(dir, { recursive: true });
  const name = backupName(Date.now(), sqliteFile ? 'db' : 'pgdump');
  const target = path.join(dir, name);
  // Written under another name first: a backup interrupted half-way is never taken for a whole one.
  const partial = `${target}.partial`;
  try {
    if (sqliteFile) {
      const how = await backupSqlite(sqliteFile, partial);
      const check = checkSqliteCopy(partial, { standalone: true });
      if (!check.ok) throw new Error(`the copy failed its integrity check: ${check.integrity}`);
      renameSync(partial, target);
      write(`Backup written: ${target} (${formatSize(statSync(target).size)}, ${how}; integrity check ok, ${check.migrations} migrations).\n`);
    } else {
      if (!onPath('pg_dump')) {
        console.error(pgToolMissing('pg_dump'));
        return 1;
      }
      const connection = pgConnection(env.DATABASE_URL);
      await runPgTool('pg_dump', ['--format=custom', '--no-owner', `--file=${partial}`, `--dbname=${connection.url}`], connection.env);
      // pg_restore reads the table of contents: a truncated dump fails here, not on the day it is needed.
      await runPgTool('pg_restore', ['--list', partial], connection.env).catch((error: unknown) => {
        if (onPath('pg_restore')) throw error;
      });
      renameSync(partial, target);
      write(`Backup written: ${target} (${formatSize(statSync(target).size)}, pg_dump custom format).\n`);
    }
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  const removed = pruneBackups(dir, keep);
  write(`Keeping the newest ${keep} backups in ${dir}${removed.length > 0 ? `; removed ${removed.join(', ')}` : ''}.\n`);
  return 0;
}

/** Copies the SQLite file through the Lavka holding it, or directly when none runs. */
async function backupSqlite(file: string, destination: string): Promise<string> {
  const answer = await askRunningLavka(file, { command: 'backup', destination: path.resolve(destination) });
  if (answer) {
    if (!answer.ok) throw new Error(`the running Lavka could not write the backup: ${answer.error}`);
    return `online, taken by the running Lavka`;
  }
  let source: DatabaseSync;
  try {
    source = new DatabaseSync(file, { readOnly: true, timeout: 0 });
    // Opening is lazy about locks: a first read finds out whether a Lavka holds the file.
    source.prepare('select count(*) from sqlite_master').get();
  } catch (error) {
    if (/locked|busy/i.test((error as Error).message)) {
      throw new Error(
        `${file} is held by a running Lavka that does not answer on its control socket (an older version?). ` +
          'Upgrade it and restart it, or stop it for the backup.',
      );
    }
    if (/unable to open/i.test((error as Error).message)) throw new Error(`There is no database at ${path.resolve(file)} (DATABASE_URL).`);
    throw error;
  }
  try {
    await backup(source, destination);
  } finally {
    source.close();
  }
  return 'Lavka is not running: copied directly';
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) console.error(error.message);
  else if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') console.error(`${(error as Error).message}\n\n${USAGE}`);
  else console.error(`The backup failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
