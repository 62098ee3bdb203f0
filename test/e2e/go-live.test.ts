import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TelegramSimulator } from '../../src/sim/index.ts';
import type { Supervisor } from '../../src/supervisor.ts';
import { TEST_BOT_TOKEN } from '../support/harness.ts';
import { startSupervisedSandbox, type SupervisedSandbox } from '../support/supervised-sandbox.ts';

// From the sandbox to a real bot from the admin panel: the owner pastes the token, Lavka
// checks it with Telegram (here a simulator standing in for it), carries the business over,
// leaves the simulated customers behind, writes the token to the env file and restarts.

describe('going live from the sandbox', () => {
  const ENV_FILE = '# Lavka settings\nLAVKA_PRESET=shop\nTELEGRAM_BOT_TOKEN=\n';
  let sandbox: SupervisedSandbox;
  let supervisor: Supervisor;
  let telegram: TelegramSimulator;
  let envFile: string;
  let workDir: string;
  let session: { cookie: string; csrf: string };

  const api = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${supervisor.app().url}${url}`, {
      method,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: string; message?: string } };
  };

  before(async () => {
    sandbox = await startSupervisedSandbox(ENV_FILE);
    ({ supervisor, telegram, envFile, workDir } = sandbox);
    const admin = supervisor.app().services.admin!;
    const owner = await admin.createOwner({ login: 'owner', password: 'a-long-password-1' });
    const started = await admin.startSession(owner.staff.id, { ip: '127.0.0.1' });
    session = { cookie: `lavka_admin=${started.token}`, csrf: started.csrfToken };
  });

  after(async () => {
    await sandbox?.stop();
  });

  test('a wrong token is refused in Telegram’s own words and nothing is written', async () => {
    const sandbox = supervisor.app();
    const wrong = await api('POST', '/api/admin/go-live', { token: '999999:WRONG-TOKEN-FOR-LAVKA' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'admin.token_refused');
    assert.match(String(wrong.body.message), /Unauthorized/);
    const garbage = await api('POST', '/api/admin/go-live', { token: 'not a token' });
    assert.equal(garbage.status, 400);
    assert.equal(readFileSync(envFile, 'utf8'), ENV_FILE);
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
