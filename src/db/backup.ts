// The embedded SQLite file is held with an exclusive lock while Lavka runs (src/db/sqlite.ts):
// no other process can even read it. An online backup must therefore be taken by the running
// Lavka itself, through the connection that holds the lock. `npm run backup` asks it to over a
// Unix socket beside the database file; the socket is the owner's only (mode 0600), so whoever
// may ask is whoever may read the data directory anyway.

import { createHash } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { DatabaseHandle } from './database.ts';

/** Longest Unix socket path the kernel takes (108 bytes on Linux, 104 on macOS, with its NUL). */
const SOCKET_PATH_MAX = 100;

/**
 * Where the running Lavka listens for `npm run backup` and `npm run doctor`: `<database>.control`
 * beside the file, or, when that path is too long for a socket, a name derived from it in the
 * temporary folder (both sides compute the same).
 */
export function controlSocketPath(databaseFile: string): string {
  const absolute = path.resolve(databaseFile);
  const beside = `${absolute}.control`;
  if (Buffer.byteLength(beside) <= SOCKET_PATH_MAX) return beside;
  return path.join(tmpdir(), `lavka-${createHash('sha256').update(absolute).digest('hex').slice(0, 16)}.control`);
}

/** A request on the control socket (one JSON line). */
export type ControlRequest = { command: 'backup'; destination: string } | { command: 'status' };

/** The answer (one JSON line). */
export type ControlAnswer =
  | { ok: true; pages: number }
  | { ok: true; database: { ok: boolean; detail?: string }; migrations: string[]; pid: number }
  | { ok: false; error: string };

/** The control socket of a running Lavka. */
export interface ControlServer {
  path: string;
  close(): Promise<void>;
}

/**
 * Listens on {@link controlSocketPath} for backups and status questions. Only for a SQLite file:
 * PostgreSQL is backed up by `pg_dump` from any process. A stale socket left by a crash is
 * replaced: this process holds the database's exclusive lock, so no other Lavka uses the path.
 */
export async function startControlServer(options: { database: DatabaseHandle; file: string; logger: Logger }): Promise<ControlServer> {
  const { database, logger } = options;
  const socketPath = controlSocketPath(options.file);
  rmSync(socketPath, { force: true });
  const answer = async (request: ControlRequest): Promise<ControlAnswer> => {
    if (request.command === 'backup') {
      if (!database.backupTo) return { ok: false, error: 'this database has no online backup (PostgreSQL: use pg_dump)' };
      if (typeof request.destination !== 'string' || !path.isAbsolute(request.destination)) return { ok: false, error: 'destination must be an absolute path' };
      const startedMs = Date.now();
      const pages = await database.backupTo(request.destination);
      logger.info({ destination: request.destination, pages, tookMs: Date.now() - startedMs }, 'online backup written');
      return { ok: true, pages };
    }
    if (request.command === 'status') {
      const rows = await sql<{ name: string }>`select name from lavka_migrations order by name`.execute(database.db);
      return { ok: true, database: await database.health(), migrations: rows.rows.map((row) => row.name), pid: process.pid };
    }
    return { ok: false, error: `unknown command ${JSON.stringify((request as { command?: unknown }).command)}` };
  };
  const server: Server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end < 0) {
        if (buffer.length > 4096) socket.destroy();
        return;
      }
      socket.pause();
      let request: ControlRequest;
      try {
        request = JSON.parse(buffer.slice(0, end)) as ControlRequest;
      } catch {
        socket.end(`${JSON.stringify({ ok: false, error: 'expected one JSON line' })}\n`);
        return;
      }
      answer(request)
        .catch((error: unknown): ControlAnswer => {
          logger.error({ err: error, command: request.command }, 'control request failed');
          return { ok: false, error: (error as Error).message };
        })
        .then((result) => socket.end(`${JSON.stringify(result)}\n`))
        .catch(() => socket.destroy());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(socketPath, { force: true });
      }),
  };
}

/** Asks the Lavka running on `databaseFile`; `undefined` when none listens there. */
export function askRunningLavka(databaseFile: string, request: ControlRequest, timeoutMs = 10 * 60_000): Promise<ControlAnswer | undefined> {
  const socketPath = controlSocketPath(databaseFile);
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffer = '';
    let connected = false;
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`the running Lavka did not answer within ${Math.round(timeoutMs / 1000)} s`)));
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
    });
    socket.on('end', () => {
      try {
        resolve(JSON.parse(buffer.trim()) as ControlAnswer);
      } catch {
        reject(new Error('the running Lavka gave an answer that is not JSON'));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // Nobody listens: no socket file, or one a crashed Lavka left behind.
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) resolve(undefined);
      else reject(error);
    });
  });
}
