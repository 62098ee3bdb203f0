// "Go live" in a real browser: the owner of a sandbox opens the panel, pastes a wrong token
// (refused in Telegram's words), then the right one, and watches the panel come back as the
// real bot. Telegram is a simulator on its own port; Debian's Chromium drives the panel.
// Screenshots land in test-artifacts/go-live/.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { ADMIN_PAGE_DIR } from '../../src/http/admin.ts';
import { SANDBOX_ADMIN_ID } from '../../src/http/sandbox.routes.ts';
import type { TelegramSimulator } from '../../src/sim/index.ts';
import type { Supervisor } from '../../src/supervisor.ts';
import { TEST_BOT_TOKEN } from '../support/harness.ts';
import { startSupervisedSandbox, type SupervisedSandbox } from '../support/supervised-sandbox.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'go-live');
const CHROMIUM = process.env.LAVKA_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const missing = !existsSync(CHROMIUM) ? `Chromium is not installed at ${CHROMIUM}` : !existsSync(path.join(ADMIN_PAGE_DIR, 'index.html')) ? 'the admin panel is not built (npm run build:web)' : undefined;
if (missing && process.env.CI) throw new Error(missing);

describe('going live from the panel in a browser', { skip: missing }, () => {
  let sandbox: SupervisedSandbox;
  let supervisor: Supervisor;
  let telegram: TelegramSimulator;
  let browser: Browser;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sandbox = await startSupervisedSandbox('LAVKA_PRESET=shop\n');
    ({ supervisor, telegram } = sandbox);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  test('a wrong token is refused on the page; the right one brings the panel back as the live bot', async () => {
    // The sandbox's simulated admin asks the bot for a login link, as an owner would.
    const sandbox = supervisor.app();
    const admin = sandbox.sandbox!.user({ id: SANDBOX_ADMIN_ID, first_name: 'Owner', language_code: 'en' });
    await admin.send('/admin');
    const reply = await admin.waitForMessage((message) => /https?:\/\//.test(message.text ?? ''), { timeoutMs: 10_000 });
    const link = /https?:\/\/\S+/.exec(reply.text ?? '')![0];

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(link);
    await page.waitForURL(/\/admin\/(?!link)/, { timeout: 15_000 });
    await page.goto(`${sandbox.url}/admin/go-live`);
    await page.getByRole('heading', { name: 'Go live with your bot' }).waitFor({ timeout: 15_000 });
    assert.ok(await page.getByRole('link', { name: 'Go live' }).isVisible(), 'the page is in the navigation');

    await page.locator('input[name="token"]').fill('999999:WRONG-TOKEN-FOR-LAVKA');
    await page.getByRole('button', { name: 'Check the token and go live' }).click();
    await page.getByText(/The token was not accepted\..*Unauthorized/).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'refused.png'), fullPage: true });
    assert.equal(supervisor.app(), sandbox, 'still the sandbox');

    const restarted = supervisor.nextStart();
    await page.locator('input[name="token"]').fill(TEST_BOT_TOKEN);
    await page.getByRole('button', { name: 'Check the token and go live' }).click();
    await page.getByText(/Lavka is restarting as your bot/).waitFor({ timeout: 15_000 });
    const live = await restarted;
    assert.equal(live.mode, 'polling');
    // The test's Lavka listens on a new port after the restart (PORT=0; a real one keeps its
    // port, and the page then sees the bot live by itself). The owner is still logged in.
    await page.goto(`${live.url}/admin/system`);
    await page.getByText('Polling Telegram').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.getByRole('link', { name: 'Go live' }).count(), 0, 'nothing left to take live');
    await page.screenshot({ path: path.join(ARTIFACTS, 'live.png'), fullPage: true });
    const description = (await telegram.callApi(TEST_BOT_TOKEN, 'getMyShortDescription', { language_code: 'en' })) as unknown as { result: { short_description: string } };
    assert.match(description.result.short_description, /Telegram/);
    assert.deepEqual(errors, []);
  });
});
