import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { startLavka } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { sqliteTestDatabase } from '../support/services.ts';

// What a newcomer meets in the first hour: the sandbox started, stopped, started again and
// switched between presets, and the command line tools next to it.

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Runs a command to its end and returns its exit code and output (stdout and stderr);
 * `stopWhen` interrupts it (SIGINT, as Ctrl+C) once its output matches.
 */
function run(command: string, args: string[], env: Record<string, string>, stopWhen?: RegExp, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (stopWhen?.test(output)) child.kill('SIGINT');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const sandboxEnv = (databaseUrl: string, preset = 'shop') =>
  parseEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', LAVKA_PRESET: preset });

describe('the first hour with the sandbox', () => {
  test('after a restart the sandbox bot still answers: the simulated Telegram continues the update numbering', async () => {
    const database = sqliteTestDatabase();
    try {
      for (let start = 1; start <= 3; start += 1) {
        const app = await startLavka({ env: sandboxEnv(database.url), logger: silentLogger(), sandbox: { rateLimits: false } });
        try {
          const user = app.sandbox!.user({ id: 1001, first_name: 'Newcomer', language_code: 'en' });
          await user.send('/start');
          await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 10_000 });
        } finally {
          await app.stop();
        }
      }
    } finally {
      await database.drop();
    }
  });

  test('on a terminal the sandbox prints a short banner; elsewhere one JSON line without escaped line breaks', async () => {
    const database = sqliteTestDatabase();
    const env = { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LAVKA_PRESET: 'clinic', NODE_ENV: 'production' };
    const main = path.join(ROOT, 'src/main.ts');
    try {
      // `script` gives the process a terminal.
      const terminal = await run('script', ['-qec', `${process.execPath} ${main}`, '/dev/null'], env, /Stop\s+Ctrl\+C/);
      assert.match(terminal.output, /Lavka sandbox is running/);
      assert.match(terminal.output, /Chat with your bot\s+http:\/\/127\.0\.0\.1:\d+\/sandbox/);
      assert.match(terminal.output, /Admin panel\s+http:\/\/127\.0\.0\.1:\d+\/admin\//);
      assert.match(terminal.output, /Preset\s+clinic/);
      assert.match(terminal.output, new RegExp(`Database\\s+${database.url.replace(/^sqlite:/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(terminal.output, /Stop\s+Ctrl\+C/);
      assert.doesNotMatch(terminal.output, /\\n/, 'no escaped line breaks on a terminal');

      const piped = await run(process.execPath, [main], env, /Sandbox ready.*\n/);
      const line = piped.output.split('\n').find((row) => row.includes('Sandbox ready'));
      assert.ok(line, piped.output);
      const parsed = JSON.parse(line) as { msg: string; url: string; preset: string; database: string };
      assert.match(parsed.url, /^http:\/\/127\.0\.0\.1:\d+\/sandbox$/);
      assert.equal(parsed.preset, 'clinic');
      assert.doesNotMatch(parsed.msg, /\n/);
    } finally {
      await database.drop();
    }
  });

  test('started by an older Node.js, each entry point says in one line which npm command to run', async () => {
    // A stand-in for an older Node.js that can run TypeScript: the version it reports.
    const olderNode = path.join(mkdtempSync(path.join(tmpdir(), 'lavka-node-')), 'older-node.mjs');
    writeFileSync(olderNode, "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '22.18.0' } });\n");
    for (const [file, command] of [
      ['src/main.ts', 'npm start'],
      ['src/cli/admin.ts', 'npm run admin -- <command>'],
      ['src/cli/migrate.ts', 'npm run migrate'],
    ] as const) {
      const result = await run(process.execPath, ['--import', olderNode, path.join(ROOT, file), 'list'], {});
      assert.equal(result.code, 1, file);
      const lines = result.output.trim().split('\n');
      assert.equal(lines.length, 1, result.output);
      assert.match(lines[0]!, new RegExp(`needs Node\\.js 24 \\(this is 22\\.18\\.0\\): run \`${command.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\``));
    }
  });

  test('npm run admin -- create-owner prints the panel address with the configured port', async () => {
    const database = sqliteTestDatabase();
    try {
      const result = await run(process.execPath, [path.join(ROOT, 'src/cli/admin.ts'), 'create-owner', '--login', 'owner', '--password', 'a-long-password-1'], {
        DATABASE_URL: database.url,
        PORT: '9137',
        HOST: '0.0.0.0',
      });
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, /Log in at http:\/\/127\.0\.0\.1:9137\/admin\//);
    } finally {
      await database.drop();
    }
  });
});
