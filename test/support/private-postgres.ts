import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './harness.ts';

const run = promisify(execFile);

/** In CI the fault suites must run: missing binaries fail the run instead of skipping. */
const REQUIRE_SERVICES = process.env.LAVKA_TEST_REQUIRE_SERVICES === '1';

/**
 * A PostgreSQL cluster that belongs to one test file: its own data folder, port and socket
 * folder, so the test may stop, kill and restart it without touching the shared server on
 * 5432 that other tests use.
 */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/lavka` (trust auth). */
  readonly url: string;
  readonly port: number;
  /** Starts the server and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops the server; `fast` ends every session the way an orderly restart does. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops and deletes the cluster. */
  destroy(): Promise<void>;
}

/** Where `initdb` and `pg_ctl` live: Debian's versioned folders first, then PATH. */
function findBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((name) => existsSync(path.join(root, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

/**
 * Why a private cluster cannot run here, or undefined when it can. Throws instead when
 * `LAVKA_TEST_REQUIRE_SERVICES=1` (CI), so that the suite never silently skips there.
 */
export function privatePostgresUnavailable(): string | undefined {
  const reason = findBinaries() ? undefined : 'PostgreSQL server binaries (initdb, pg_ctl) are not installed';
  if (reason && REQUIRE_SERVICES) throw new Error(`${reason}; the fault tests need them (apt-get install postgresql)`);
  return reason;
}

/**
 * Creates a throw-away cluster with `initdb` (as the `postgres` user when running as root,
 * since PostgreSQL refuses to run as root), starts it on a free port with fsync off and
 * creates the `lavka` database.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findBinaries();
  if (!bin) throw new Error('PostgreSQL server binaries are not installed');
  const root = mkdtempSync(path.join(tmpdir(), 'lavka-pg-'));
  const dataDir = path.join(root, 'data');
  const socketDir = root;
  const asRoot = process.getuid?.() === 0;
  let owner: { uid: number; gid: number } | undefined;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    owner = { uid: Number(stdout.trim()), gid: Number(group.trim()) };
    chownSync(root, owner.uid, owner.gid);
  }
  // Every server command runs as the cluster's owner.
  const pgCommand = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);

  await pgCommand('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const serverOptions = [`-p ${port}`, `-k ${socketDir}`, "-c listen_addresses='127.0.0.1'", '-c fsync=off', '-c full_page_writes=off'].join(' ');
  const logFile = path.join(root, 'server.log');

  const handle: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/lavka`,
    port,
    async start() {
      await pgCommand('pg_ctl', ['start', '-w', '-t', '30', '-D', dataDir, '-l', logFile, '-o', serverOptions]);
    },
    async stop(mode = 'fast') {
      await pgCommand('pg_ctl', ['stop', '-w', '-t', '30', '-m', mode, '-D', dataDir]);
    },
    async destroy() {
      await handle.stop('immediate').catch(() => {});
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await handle.start();
    await pgCommand('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'lavka']);
  } catch (error) {
    await handle.destroy();
    throw error;
  }
  return handle;
}
