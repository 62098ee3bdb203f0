import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { freePort } from './harness.ts';

/** In CI the fault suites must run: a missing binary fails the run instead of skipping. */
const REQUIRE_SERVICES = process.env.LAVKA_TEST_REQUIRE_SERVICES === '1';

/**
 * A Redis server that belongs to one test file, on its own port, so the test may stop and
 * restart it without touching the shared server on 6379 that other tests use.
 */
export interface PrivateRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Starts the server (same port every time) and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops the server and waits for the process to exit. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Why a private Redis cannot run here, or undefined when it can. Throws instead when
 * `LAVKA_TEST_REQUIRE_SERVICES=1` (CI), so that the suite never silently skips there.
 */
export function privateRedisUnavailable(): string | undefined {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  const reason = found.error || found.status !== 0 ? 'redis-server is not installed' : undefined;
  if (reason && REQUIRE_SERVICES) throw new Error(`${reason}; the fault tests need it (apt-get install redis-server)`);
  return reason;
}

/** Starts `redis-server` on a free port without persistence. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const handle: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      if (child) return;
      const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
        stdio: 'ignore',
      });
      child = started;
      started.once('exit', () => {
        if (child === started) child = undefined;
      });
      await waitForPort(port, 10_000);
    },
    async stop() {
      const running = child;
      if (!running) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
      child = undefined;
    },
    async destroy() {
      await handle.stop();
    },
  };
  await handle.start();
  return handle;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not open port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
