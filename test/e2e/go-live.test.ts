import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseEnv as parseDotenv } from 'node:util';
import { parseEnv } from '../../src/config/env.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createSimulator, startSimulatorServer } from '../../src/sim/index.ts';
import { superviseLavka, type Supervisor } from '../../src/supervisor.ts';
import { TEST_BOT_TOKEN } from '../support/harness.ts';

// From the sandbox to a real bot from the admin panel: the owner pastes the token, Lavka
// checks it with Telegram (here a simulator standing in for it), carries the business over,
// leaves the simulated customers behind, writes the token to the env file and restarts.

describe('going live from the sandbox', () => {
  const workDir = mkdtempSync(path.join(tmpdir(), 'lavka-go-live-'));
  const envFile = path.join(workDir, '.env');
  const telegram = createSimulator({ token: TEST_BOT_TOKEN, rateLimits: false });
  let telegramServer: Awaited<ReturnType<typeof startSimulatorServer>>;
  let supervisor: Supervisor;
  let session: { cookie: string; csrf: string };
  const startDir = process.cwd();

  const api = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${supervisor.app().url}${url}`, {
      method,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: string; message?: string } };
  };

  before(async () => {
    // The sandbox's default database lives under ./data of the working folder.
    process.chdir(workDir);
    telegramServer = await startSimulatorServer({ sim: telegram });
    writeFileSync(envFile, '# Lavka settings\nLAVKA_PRESET=shop\nTELEGRAM_BOT_TOKEN=\n');
    const boot = { PORT: '0', HOST: '127.0.0.1', TELEGRAM_API_ROOT: telegramServer.apiRoot, LOG_LEVEL: 'silent', LAVKA_ENV_FILE: envFile };
    supervisor = await superviseLavka({
      readEnv: () => parseEnv({ ...parseDotenv(readFileSync(envFile, 'utf8')), ...boot }),
      logger: silentLogger(),
      startOptions: { sandbox: { rateLimits: false } },
    });
    const admin = supervisor.app().services.admin!;
    const owner = await admin.createOwner({ login: 'owner', password: 'a-long-password-1' });
    const started = await admin.startSession(owner.staff.id, { ip: '127.0.0.1' });
    session = { cookie: `lavka_admin=${started.token}`, csrf: started.csrfToken };
  });

  after(async () => {
    await supervisor?.stop();
    await telegramServer?.close();
    process.chdir(startDir);
    rmSync(workDir, { recursive: true, force: true });
  });

  test('a wrong token is refused in Telegram’s own words and nothing is written', async () => {
    const sandbox = supervisor.app();
    const wrong = await api('POST', '/api/admin/go-live', { token: '999999:WRONG-TOKEN-FOR-LAVKA' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'admin.token_refused');
    assert.match(String(wrong.body.message), /Unauthorized/);
    const garbage = await api('POST', '/api/admin/go-live', { token: 'not a token' });
    assert.equal(garbage.status, 400);
    assert.equal(readFileSync(envFile, 'utf8'), '# Lavka settings\nLAVKA_PRESET=shop\nTELEGRAM_BOT_TOKEN=\n');
    assert.equal(existsSync(path.join(workDir, 'data/lavka.db')), false);
    assert.equal(supervisor.app(), sandbox, 'still the same sandbox');
  });

  test('the right token takes the bot live: business data kept, simulated customers left behind, the token in the env file', async () => {
    const sandbox = supervisor.app();
    assert.equal(sandbox.mode, 'sandbox');
    // A simulated customer orders something in the sandbox; the owner renames a product.
    const customer = sandbox.sandbox!.user({ id: 1001, first_name: 'Simulated', language_code: 'en' });
    await customer.send('/start');
    await customer.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 10_000 });
    const catalog = sandbox.services.catalog!;
    const { products } = await catalog.listProducts({ page: 1, pageSize: 5 }, 'en');
    assert.ok(products.length > 0, 'the demo catalogue is there');
    const product = products[0]!;
    assert.ok(await sandbox.services.users?.get(1001), 'the simulated customer is stored in the sandbox');

    const nextStart = supervisor.nextStart();
    const answer = await api('POST', '/api/admin/go-live', { token: TEST_BOT_TOKEN });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.mode, 'restarting');
    assert.equal((answer.body.bot as { username: string }).username, telegram.botInfo.username);
    const live = await nextStart;

    assert.equal(live.mode, 'polling', 'the runtime came back with the real token');
    assert.match(readFileSync(envFile, 'utf8'), new RegExp(`^# Lavka settings\\nLAVKA_PRESET=shop\\nTELEGRAM_BOT_TOKEN=${TEST_BOT_TOKEN.replace(/[-:]/g, '\\$&')}\\n$`));
    assert.equal(live.database.location, './data/lavka.db');
    const carried = await live.services.catalog!.listProducts({ page: 1, pageSize: 100 }, 'en');
    assert.ok(carried.products.some((item) => item.id === product.id), 'the catalogue came along');
    assert.equal(await live.services.users?.get(1001), undefined, 'the simulated customer stayed behind');
    assert.equal((await api('GET', '/api/admin/system')).status, 200, 'the owner stays logged in');

    // The real bot answers its first customer, and Telegram shows its description and menu.
    const person = telegram.user({ id: 777001, first_name: 'Real', language_code: 'en' });
    await person.send('/start');
    await person.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 10_000 });
    const description = await telegram.callApi(TEST_BOT_TOKEN, 'getMyDescription', { language_code: 'en' });
    assert.match((description as unknown as { result: { description: string } }).result.description, /Press Start/);
    const menu = await telegram.callApi(TEST_BOT_TOKEN, 'getChatMenuButton', {});
    assert.deepEqual((menu as unknown as { result: unknown }).result, { type: 'commands' });
    // The panel no longer offers going live.
    const again = await api('POST', '/api/admin/go-live', { token: TEST_BOT_TOKEN });
    assert.equal(again.status, 409);
  });
});
