// Lavka in webhook mode behind a real Caddy terminating TLS with deploy/Caddyfile, as on a
// bare VPS: the simulated Telegram delivers every update over HTTPS to Caddy (whose certificate
// comes from Caddy's internal CA, trusted here as a public one is by Telegram), Caddy forwards
// to Lavka, and the answers come back. Skipped where the caddy binary is missing (.ci/run
// installs it).

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { freePort, startTestLavka, type TestLavka } from '../support/harness.ts';
import { textOf } from '../support/chat.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HAS_CADDY = spawnSync('caddy', ['version'], { stdio: 'ignore' }).status === 0;
const SECRET = 'caddy-webhook-secret-123';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether a TLS handshake for localhost, with Caddy's certificate, succeeds on the port. */
function speaksTls(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('Lavka in webhook mode behind Caddy with TLS', { skip: !HAS_CADDY && 'caddy is not installed' }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'lavka-caddy-'));
  let caddy: ChildProcess | undefined;
  let caddyLog = '';
  let lavka: TestLavka | undefined;
  let publicUrl = '';

  /**
   * Starts Caddy on free ports and waits until it answers TLS on its HTTPS port. The ports are
   * free when picked, but another test's server may take one before Caddy binds it (it then
   * answers in plain HTTP, or Caddy cannot listen): Caddy is started again on other ports.
   */
  const startCaddy = async (): Promise<{ httpsPort: number; lavkaPort: number; rootCert: string }> => {
    for (let attempt = 1; ; attempt += 1) {
      const [httpsPort, httpPort, lavkaPort] = [await freePort(), await freePort(), await freePort()];
      // Test-only global options (ports, the internal CA, no system trust store), then the
      // production site block itself.
      const caddyfile = path.join(work, 'Caddyfile');
      writeFileSync(
        caddyfile,
        `{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\thttp_port ${httpPort}\n\thttps_port ${httpsPort}\n\tstorage file_system ${path.join(work, 'storage')}\n}\n\nimport ${path.join(ROOT, 'deploy/Caddyfile')}\n`,
      );
      const child = spawn('caddy', ['run', '--config', caddyfile, '--adapter', 'caddyfile'], {
        env: { PATH: process.env.PATH ?? '', HOME: work, XDG_DATA_HOME: work, XDG_CONFIG_HOME: work, LAVKA_DOMAIN: `localhost:${httpsPort}`, LAVKA_UPSTREAM: `127.0.0.1:${lavkaPort}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      caddy = child;
      child.stdout?.on('data', (chunk: Buffer) => (caddyLog += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (caddyLog += chunk.toString()));
      const rootCert = path.join(work, 'storage', 'pki', 'authorities', 'local', 'root.crt');
      await waitFor('Caddy to create its CA', () => (existsSync(rootCert) || child.exitCode !== null ? true : undefined)).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\n${caddyLog}`);
      });
      const ca = existsSync(rootCert) ? readFileSync(rootCert, 'utf8') : '';
      const serving = await waitFor('Caddy to answer TLS', async () => (child.exitCode === null && ca && (await speaksTls(httpsPort, ca)) ? true : undefined), 10_000).catch(() => false);
      if (serving) return { httpsPort, lavkaPort, rootCert };
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      assert.ok(attempt < 3, `Caddy did not answer TLS on its port in three attempts:\n${caddyLog}`);
    }
  };

  before(async () => {
    const { httpsPort, lavkaPort, rootCert } = await startCaddy();
    publicUrl = `https://localhost:${httpsPort}`;
    // This process (the simulated Telegram included) trusts Caddy's CA, as Telegram trusts a public one.
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), readFileSync(rootCert, 'utf8')]);

    lavka = await startTestLavka({
      preset: 'shop',
      env: {
        BOT_MODE: 'webhook',
        WEBHOOK_URL: `${publicUrl}/telegram/webhook`,
        WEBHOOK_SECRET: SECRET,
        PORT: String(lavkaPort),
        HOST: '127.0.0.1',
        TRUST_PROXY: 'loopback',
        PUBLIC_URL: publicUrl,
      },
    });
  });

  after(async () => {
    await lavka?.stop();
    if (caddy && caddy.exitCode === null) {
      caddy.kill('SIGTERM');
      await new Promise((resolve) => caddy?.once('exit', resolve));
    }
    rmSync(work, { recursive: true, force: true });
  });

  test('updates arrive over HTTPS through Caddy and the bot answers each, in order', async () => {
    assert.equal(lavka?.app.mode, 'webhook');
    const user = lavka!.sim.user({ id: 5501, first_name: 'Dana', language_code: 'en' });
    await user.send('/start');
    const greeting = await waitFor('the answer to /start', () => (user.chat().messages.some((message) => message.from_bot) ? true : undefined)).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(await lavka!.app.bot.api.getWebhookInfo())}`);
    });
    assert.ok(greeting);
    const info = (await lavka!.app.bot.api.getWebhookInfo());
    assert.equal(info.url, `${publicUrl}/telegram/webhook`);
    assert.equal(info.last_error_message, undefined, `Telegram saw no failed delivery: ${info.last_error_message}`);
    const answered = user.chat().messages.filter((message) => message.from_bot).length;
    for (const word of ['/help', '/start']) {
      const before = user.chat().messages.filter((message) => message.from_bot).length;
      await user.send(word);
      await waitFor(`the answer to ${word}`, () => (user.chat().messages.filter((message) => message.from_bot).length > before ? true : undefined));
    }
    const botMessages = user.chat().messages.filter((message) => message.from_bot);
    assert.ok(botMessages.length >= answered + 2, `an answer to each: ${botMessages.map((message) => textOf(message)).join(' | ')}`);
    assert.equal((await lavka!.app.bot.api.getWebhookInfo()).pending_update_count, 0);
  });

  test('Caddy serves the health check, hides metrics and per-dependency health, and passes a forged webhook call on to be refused', async () => {
    const health = await fetch(`${publicUrl}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    assert.equal((await fetch(`${publicUrl}/metrics`)).status, 404);
    assert.equal((await fetch(`${publicUrl}/health/db`)).status, 404);
    const forged = await fetch(`${publicUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'not-the-secret-at-all' },
      body: JSON.stringify({ update_id: 1 }),
    });
    assert.equal(forged.status, 401);
    // The admin panel is reachable over HTTPS too.
    assert.equal((await fetch(`${publicUrl}/admin/`)).status, 200);
  });
});
