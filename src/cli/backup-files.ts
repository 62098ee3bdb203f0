import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

// What `npm run backup` and `npm run restore` share: backup names, retention, checking a copy,
// and running the PostgreSQL client tools.

/** `lavka-2026-11-01T09-30-00-123Z.db` (SQLite) or `.pgdump` (pg_dump's custom format); names sort by time. */
const BACKUP_NAME = /^lavka-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.(db|pgdump)$/;

/** A new backup's file name, taken at `nowMs`. */
export function backupName(nowMs: number, kind: 'db' | 'pgdump'): string {
  return `lavka-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}.${kind}`;
}

/** Deletes all but the newest `keep` backups in `dir` (only files named as {@link backupName} makes). */
export function pruneBackups(dir: string, keep: number): string[] {
  const names = readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .sort();
  const removed = names.slice(0, Math.max(0, names.length - keep));
  for (const name of removed) rmSync(path.join(dir, name), { force: true });
  return removed;
}

/** The result of checking a SQLite copy. */
export interface SqliteCopyCheck {
  ok: boolean;
  /** `ok`, or SQLite's first complaint. */
  integrity: string;
  /** Rows of `lavka_migrations` (0: not a Lavka database). */
  migrations: number;
}

/**
 * Opens a SQLite copy on its own, runs `PRAGMA integrity_check`, and with `standalone` turns
 * it from WAL into a rollback-journal file, so the backup is one file that needs no `-wal`.
 */
export function checkSqliteCopy(file: string, options: { standalone?: boolean } = {}): SqliteCopyCheck {
  const db = new DatabaseSync(file, { readOnly: !options.standalone });
  try {
    if (options.standalone) db.exec('PRAGMA journal_mode = DELETE');
    const rows = db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    const integrity = rows.map((row) => row.integrity_check).join('; ');
    const hasMigrations = db.prepare("select count(*) as n from sqlite_master where type = 'table' and name = 'lavka_migrations'").get() as { n: number };
    const migrations = hasMigrations.n > 0 ? Number((db.prepare('select count(*) as n from lavka_migrations').get() as { n: number }).n) : 0;
    return { ok: integrity === 'ok', integrity, migrations };
  } finally {
    db.close();
  }
}

/** Whether a command is on the PATH. */
export function onPath(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * A PostgreSQL URL split for libpq's tools: the password goes into `PGPASSWORD` so it never
 * shows in the process list.
 */
export function pgConnection(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { url: url.href, env: password ? { ...process.env, PGPASSWORD: password } : { ...process.env } };
}

/** Runs a PostgreSQL client tool; rejects with its own error output when it fails. */
export function runPgTool(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed (exit code ${code}): ${stderr.trim() || 'no output'}`))));
  });
}

/** What to do when pg_dump / pg_restore is missing, in words. */
export function pgToolMissing(tool: string): string {
  return (
    `${tool} is not installed here, and PostgreSQL backups are made with it.\n` +
    `  - On Debian/Ubuntu: apt-get install postgresql-client (the same major version as the server, or newer).\n` +
    `  - With the compose file: docker compose exec postgres ${tool === 'pg_dump' ? 'pg_dump -U lavka -Fc lavka > lavka.pgdump' : 'pg_restore -U lavka -d lavka --clean --if-exists < lavka.pgdump'}`
  );
}
