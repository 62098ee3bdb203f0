import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import net, { type AddressInfo } from 'node:net';
import { startSimulatorServer } from '../../src/sim/index.ts';
import { sqliteTestDatabase } from '../support/services.ts';

const MAIN = path.resolve(import.meta.dirname, '../../src/main.ts');

/** Starts `src/main.ts` as `npm start` would, and collects its output. */
function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = output.match(pattern);
        if (match) return match;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`output never matched ${pattern}:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

function stop(child: ChildProcess) {
  if (child.exitCode === null) child.kill('SIGKILL');
}

describe('the lavka process', () => {
  test('without a token it starts the sandbox, prints where to look, and stops cleanly on SIGTERM', async () => {
    const database = sqliteTestDatabase();
    const run = startProcess({ DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LAVKA_PRESET: 'shop' });
    try {
      const [, url] = await run.waitFor(/Open (http:\/\/127\.0\.0\.1:\d+)\/sandbox/);
      const health = await fetch(`${url}/health/ready`);
      assert.equal(health.status, 200);
      const root = await fetch(`${url}/`, { redirect: 'manual' });
      assert.equal(root.status, 302);
      assert.equal(root.headers.get('location'), '/sandbox');
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 0);
      assert.match(run.output(), /stopped/);
    } finally {
      stop(run.child);
      await database.drop();
    }
  });

  test('a second process on the same SQLite file exits with a clear message', async () => {
    const database = sqliteTestDatabase();
    const first = startProcess({ DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1' });
    try {
      await first.waitFor(/Open http:/);
      const second = startProcess({ DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1' });
      assert.equal(await second.exited, 1);
      assert.match(second.output(), /is in use by another Lavka process/);
    } finally {
      stop(first.child);
      await first.exited;
      await database.drop();
    }
  });

  test('a polling bot polls before its HTTP server listens; when the port is taken, it stops polling and exits with the reason', async () => {
    const token = '424243:PORT-TAKEN';
    const server = await startSimulatorServer({ simulator: { token, rateLimits: false } });
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const database = sqliteTestDatabase();
    const env = { DATABASE_URL: database.url, HOST: '127.0.0.1', TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: server.apiRoot, BOT_MODE: 'polling', DAILY_REPORT_TIME: 'off' };
    try {
      const port = String((taken.address() as AddressInfo).port);
      const run = startProcess({ ...env, PORT: port });
      const exited = await Promise.race([run.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000))]);
      assert.equal(exited, 1, run.output());
      assert.match(run.output(), /Lavka could not start: .*EADDRINUSE/);
      // On a free port the same bot answers, and its panel and health checks are served.
      const ok = startProcess({ ...env, PORT: '0' });
      try {
        const [, url] = await ok.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
        const user = server.sim.user({ id: 7_700_001, first_name: 'Saule', language_code: 'en' });
        await user.send('/start');
        await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 15_000 });
        assert.equal((await fetch(`${url}/health/ready`)).status, 200);
        assert.equal((await fetch(`${url}/admin/`)).status, 200);
      } finally {
        stop(ok.child);
        await ok.exited;
      }
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      await server.close();
      await database.drop();
    }
  });

  test('invalid environment values stop start-up with one message listing each of them', async () => {
    const run = startProcess({ PORT: 'http', DATABASE_URL: 'mysql://nope', BOT_MODE: 'webhook' });
    assert.equal(await run.exited, 1);
    const output = run.output();
    assert.match(output, /the environment has invalid values/);
    for (const name of ['PORT', 'DATABASE_URL', 'WEBHOOK_URL', 'WEBHOOK_SECRET', 'TELEGRAM_BOT_TOKEN']) {
      assert.match(output, new RegExp(`- ${name}:`));
    }
  });

  test('npm run migrate applies the migrations once and then reports the database is up to date', async () => {
    const database = sqliteTestDatabase();
    const migrate = (extra: Record<string, string> = {}) => {
      const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../../src/cli/migrate.ts')], {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: database.url, ...extra },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return new Promise<{ code: number | null; output: string }>((resolve) => child.once('exit', (code) => resolve({ code, output })));
    };
    try {
      const first = await migrate();
      assert.equal(first.code, 0, first.output);
      assert.match(first.output, /Applied \d+ migration\(s\)/);
      assert.match(first.output, /users\/0001_users/);
      const second = await migrate();
      assert.equal(second.code, 0, second.output);
      assert.match(second.output, /is up to date/);
    } finally {
      await database.drop();
    }
  });
});
