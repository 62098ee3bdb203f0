import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { startTestLavka, TEST_BOT_TOKEN } from '../support/harness.ts';
import { hasRedis, REDIS_URL } from '../support/services.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ADMIN = 9401;

/** Runs `npm run doctor` as an operator would, with exactly this environment. */
function doctor(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'src/cli/doctor.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LAVKA_ENV_FILE: path.join(tmpdir(), 'lavka-no-such-env-file'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const problems = (output: string) => output.split('\n').filter((line) => line.startsWith('PROBLEM'));

describe('npm run doctor', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'lavka-doctor-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  test('a broken configuration is reported whole: every bad variable, conflicting old names and the config file, in one run', async () => {
    const configFile = path.join(work, 'bad.yaml');
    writeFileSync(configFile, 'business:\n  timeZone: Mars/Olympus\n');
    const result = await doctor({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      USE_WEBHOOK: 'true',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      ADMIN_CHAT_IDS: '1',
      ADMIN_IDS: '2',
      REDIS_PORT: 'sixty',
      LAVKA_CONFIG: configFile,
    });
    assert.equal(result.code, 1, result.output);
    const lines = problems(result.output);
    for (const expected of [
      /PORT: .*"eighty"/,
      /LOG_LEVEL: /,
      /ADMIN_CHAT_IDS and ADMIN_IDS: both are set, to different values/,
      /REDIS_PORT: expected a port number/,
      /TELEGRAM_BOT_TOKEN: required when BOT_MODE=webhook \(USE_WEBHOOK is true\)/,
      /WEBHOOK_SECRET: required when BOT_MODE=webhook/,
      /business\.timeZone: expected an IANA time zone/,
    ]) {
      assert.ok(lines.some((line) => expected.test(line)), `${expected} in:\n${result.output}`);
    }
    assert.equal(lines.length, 7, result.output);
    assert.match(result.output, /need a valid configuration and were not run/);
    assert.match(result.output, /7 problems and 1 warning/);
  });

  test('a running deployment is checked end to end: token, webhook, database through the running Lavka, Redis; an unreachable staff chat is a problem until its owner presses Start', async () => {
    const redis = await hasRedis();
    const lavka = await startTestLavka({ preset: 'shop', adminIds: [ADMIN] });
    try {
      lavka.sim.user({ id: ADMIN, first_name: 'Owner', language_code: 'en' });
      const env = {
        TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
        TELEGRAM_API_ROOT: lavka.env.TELEGRAM_API_ROOT,
        DATABASE_URL: lavka.database.url,
        ADMIN_IDS: String(ADMIN),
        ...(redis ? { REDIS_URL } : {}),
      };
      const first = await doctor(env);
      assert.equal(first.code, 1, first.output);
      assert.match(first.output, /^ok\s+telegram: the token belongs to @\w+ \(id \d+\)/m);
      assert.match(first.output, /^ok\s+webhook: no webhook set: updates are fetched by long polling/m);
      assert.match(first.output, /^ok\s+database: SQLite .* in use by the running Lavka \(pid \d+\), which reports it healthy/m);
      assert.match(first.output, /^ok\s+migrations: all \d+ migrations applied/m);
      assert.match(first.output, /^ok\s+disk: .* free beside /m);
      if (redis) assert.match(first.output, /^ok\s+redis: Redis \S+ answers/m);
      assert.deepEqual(problems(first.output).length, 1, first.output);
      assert.match(first.output, new RegExp(`PROBLEM  staff chats: Staff chat ${ADMIN} cannot be reached: this Telegram user has not started the bot`));

      // The same deployment's per-dependency health routes.
      const dbHealth = await fetch(`${lavka.app.url}/health/db`);
      assert.equal(dbHealth.status, 200);
      assert.deepEqual(await dbHealth.json(), { status: 'ok', checks: [{ name: 'database', ok: true }] });
      assert.deepEqual(await (await fetch(`${lavka.app.url}/health/redis`)).json(), { status: 'not_configured', checks: [] });

      await lavka.sim.user({ id: ADMIN, first_name: 'Owner', language_code: 'en' }).send('/start');
      const second = await doctor(env);
      assert.equal(second.code, 0, second.output);
      assert.match(second.output, new RegExp(`^ok\\s+staff chats: chat ${ADMIN} is reachable`, 'm'));
      assert.match(second.output, /No problems/);
    } finally {
      await lavka.stop();
    }
  });

  test('a rejected token, an unreachable Redis and a webhook Telegram does not deliver to are each named with the fix', async () => {
    const lavka = await startTestLavka({ preset: 'shop' });
    try {
      const wrongToken = await doctor({ TELEGRAM_BOT_TOKEN: '123456:NOT-THE-RIGHT-TOKEN', TELEGRAM_API_ROOT: lavka.env.TELEGRAM_API_ROOT, DATABASE_URL: lavka.database.url, REDIS_URL: 'redis://127.0.0.1:1' });
      assert.equal(wrongToken.code, 1);
      assert.match(wrongToken.output, /PROBLEM  telegram: Telegram rejects the token \(401/);
      assert.match(wrongToken.output, /fix: copy the token again from @BotFather/);
      assert.match(wrongToken.output, /PROBLEM  redis: cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);

      const webhookEnv = {
        TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
        TELEGRAM_API_ROOT: lavka.env.TELEGRAM_API_ROOT,
        DATABASE_URL: lavka.database.url,
        BOT_MODE: 'webhook',
        WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
        WEBHOOK_SECRET: 'a-long-enough-secret',
      };
      const none = await doctor(webhookEnv);
      assert.match(none.output, /PROBLEM  webhook: Telegram has no webhook for this bot/);
      // A polling Lavka would delete it again: the deployment is down while another took the token.
      await lavka.app.stop();
      await lavka.app.bot.api.setWebhook('https://old.example.com/hook');
      const elsewhere = await doctor(webhookEnv);
      assert.equal(elsewhere.code, 1);
      assert.match(elsewhere.output, /PROBLEM  webhook: Telegram delivers to https:\/\/old\.example\.com\/hook, but WEBHOOK_URL is https:\/\/bot\.example\.com\/telegram\/webhook/);
      assert.match(elsewhere.output, /fix: restart Lavka so that it sets its own URL/);
    } finally {
      await lavka.stop();
    }
  });
});
