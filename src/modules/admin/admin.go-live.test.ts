import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { goLive, writeEnvValues, type GoLiveDeps } from './admin.go-live.ts';

const TOKEN = '7000001:AAH-valid-looking-token_for_tests';

/** Telegram's getMe as a stand-in fetch: this token is a bot, any other is refused. */
const telegramFetch: typeof fetch = async (input) => {
  const ok = String(input).includes(`/bot${TOKEN}/getMe`);
  const body = ok
    ? { ok: true, result: { id: 7000001, is_bot: true, first_name: 'Lavka Shop', username: 'lavka_shop_bot' } }
    : { ok: false, error_code: 401, description: 'Unauthorized' };
  return new Response(JSON.stringify(body), { status: ok ? 200 : 401, headers: { 'content-type': 'application/json' } });
};

describe('going live', () => {
  const workDir = mkdtempSync(path.join(tmpdir(), 'lavka-go-live-unit-'));
  const startDir = process.cwd();
  let restarts = 0;
  const deps = (overrides: Partial<GoLiveDeps> = {}): GoLiveDeps => ({
    env: { LAVKA_PRESET: 'shop', DATABASE_URL: 'sqlite:./data/sandbox-shop.db', TELEGRAM_API_ROOT: 'https://api.telegram.invalid' },
    envFile: undefined,
    // Never reached on these paths: a refusal or a manual answer touches no database.
    db: undefined as unknown as Kysely<unknown>,
    migrations: [],
    keep: [],
    requestRestart: () => void (restarts += 1),
    fetch: telegramFetch,
    host: { serviceManager: false, container: false },
    ...overrides,
  });
  const untouched = () => {
    assert.equal(existsSync(path.join(workDir, '.env')), false, 'no env file written');
    assert.equal(existsSync(path.join(workDir, 'data/lavka.db')), false, 'no live database created');
    assert.equal(restarts, 0, 'no restart');
  };

  before(() => process.chdir(workDir));
  after(() => {
    process.chdir(startDir);
    rmSync(workDir, { recursive: true, force: true });
  });

  test('an env file keeps its other lines and comments; the token line is replaced or added; only its owner may read it', async () => {
    const file = path.join(workDir, 'kept.env');
    writeFileSync(file, '# my shop\nPORT=9000\nexport TELEGRAM_BOT_TOKEN=\nLAVKA_PRESET=shop\n');
    await writeEnvValues(file, { TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_URL: 'https://shop.example' });
    assert.equal(readFileSync(file, 'utf8'), `# my shop\nPORT=9000\nTELEGRAM_BOT_TOKEN=${TOKEN}\nLAVKA_PRESET=shop\nPUBLIC_URL=https://shop.example\n`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test('under a service manager or in a container Lavka says what to set and how to restart, and writes nothing', async () => {
    const unit = await goLive(deps({ host: { serviceManager: true, container: false } }), TOKEN);
    assert.equal(unit.mode, 'manual');
    assert.ok(unit.mode === 'manual');
    assert.deepEqual(unit.lines, [`TELEGRAM_BOT_TOKEN=${TOKEN}`]);
    assert.equal(unit.restart, 'sudo systemctl restart lavka');
    assert.equal(unit.bot.username, 'lavka_shop_bot');
    const container = await goLive(deps({ host: { serviceManager: false, container: true } }), TOKEN);
    assert.ok(container.mode === 'manual' && /container/.test(container.reason));
    untouched();
  });

  test('with several instances (Redis) each needs the token in its own environment: nothing is written', async () => {
    const outcome = await goLive(deps({ env: { ...deps().env, REDIS_URL: 'redis://127.0.0.1:6379' } }), TOKEN);
    assert.ok(outcome.mode === 'manual' && /Several Lavka instances/.test(outcome.reason));
    untouched();
  });

  test('a token Telegram does not know, a malformed one, a live bot and a shared database are refused and change nothing', async () => {
    await assert.rejects(goLive(deps(), '7000001:AAH-some-other-token-here'), (error: Error & { code?: string }) => error.code === 'admin.token_refused' && /Unauthorized/.test(error.message));
    await assert.rejects(goLive(deps(), 'hello'), { code: 'admin.token_refused' });
    await assert.rejects(goLive(deps({ env: { ...deps().env, TELEGRAM_BOT_TOKEN: TOKEN } }), TOKEN), { code: 'admin.go_live_unavailable' });
    await assert.rejects(goLive(deps({ env: { ...deps().env, DATABASE_URL: 'postgres://lavka:secret@db/lavka' } }), TOKEN), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'admin.go_live_unavailable');
      assert.doesNotMatch(error.message, /secret/, 'no password in the message');
      return true;
    });
    untouched();
  });

  test('a live database that exists already is never overwritten', async () => {
    mkdirSync(path.join(workDir, 'data'), { recursive: true });
    writeFileSync(path.join(workDir, 'data/lavka.db'), 'a live bot was here');
    try {
      await assert.rejects(goLive(deps(), TOKEN), (error: Error & { code?: string }) => error.code === 'admin.go_live_unavailable' && /exists already/.test(error.message));
      assert.equal(readFileSync(path.join(workDir, 'data/lavka.db'), 'utf8'), 'a live bot was here');
      assert.equal(existsSync(path.join(workDir, '.env')), false);
    } finally {
      rmSync(path.join(workDir, 'data'), { recursive: true, force: true });
    }
  });
});
