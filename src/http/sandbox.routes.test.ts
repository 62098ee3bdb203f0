import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startLavka, type LavkaApp } from '../app.ts';
import { parseEnv } from '../config/env.ts';
import { silentLogger } from '../observability/logger.ts';
import { freePort, startTestLavka, type TestLavka } from '../../test/support/harness.ts';
import { SANDBOX_ADMIN_ID, SANDBOX_CUSTOMER_ID, defaultSandboxUsers, sandboxAdminIds, sandboxPageRoutes } from './sandbox.routes.ts';
import { loadBusinessConfig } from '../config/business.ts';
import { createSimulator } from '../sim/index.ts';
import Fastify from 'fastify';

/** Paths that must not exist when a real token is configured. */
const SANDBOX_PATHS = ['/sandbox', '/sandbox/', '/sandbox/config.json', '/sandbox/telegram/sim/info'];

describe('the sandbox page routes', () => {
  let app: LavkaApp;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'lavka-sandbox-routes-'));
    const env = parseEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dataDir, 'lavka.db')}`, LOG_LEVEL: 'silent', LAVKA_PRESET: 'shop' });
    app = await startLavka({ env, logger: silentLogger(), sandbox: { rateLimits: false } });
  });
  after(async () => {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('config.json names the preset, the bot, the simulated users and who is admin', async () => {
    const response = await fetch(`${app.url}/sandbox/config.json`);
    assert.equal(response.status, 200);
    const config = (await response.json()) as Record<string, unknown>;
    assert.equal(config.preset, 'shop');
    assert.equal(config.businessName, app.config.business.name);
    assert.equal(config.apiPrefix, '/sandbox/telegram');
    assert.deepEqual(config.adminIds, [SANDBOX_ADMIN_ID]);
    assert.ok(config.adminUrl === null || typeof config.adminUrl === 'string');
    const users = config.users as { id: number; language_code: string }[];
    assert.deepEqual(
      users.map((user) => user.id),
      [SANDBOX_CUSTOMER_ID, SANDBOX_ADMIN_ID],
    );
    assert.ok(users.every((user) => user.language_code === app.config.business.defaultLocale));
    assert.ok((config.presets as string[]).includes('shop'));
  });

  test('the simulated users exist in the simulator before anyone opens the page', () => {
    const ids = app.sandbox?.info().users.map((user) => user.id) ?? [];
    assert.ok(ids.includes(SANDBOX_CUSTOMER_ID) && ids.includes(SANDBOX_ADMIN_ID));
  });

  test('with ADMIN_IDS empty, the simulated admin is an admin of the bot', () => {
    assert.deepEqual(app.env.ADMIN_IDS, [SANDBOX_ADMIN_ID]);
    assert.equal(app.services.users?.isAdmin(SANDBOX_ADMIN_ID), true);
    assert.equal(app.services.users?.isAdmin(SANDBOX_CUSTOMER_ID), false);
  });

  test('unknown API paths under the sandbox answer 404 JSON, not the page', async () => {
    const response = await fetch(`${app.url}/sandbox/telegram/sim/no-such-route`, { headers: { accept: 'text/html' } });
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /json/);
  });
});

describe('the sandbox page plugin on its own', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lavka-sandbox-page-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const serve = async (pageDir: string) => {
    const sim = createSimulator({ rateLimits: false });
    const config = await loadBusinessConfig({ preset: 'shop' });
    const server = Fastify();
    await server.register(sandboxPageRoutes({ sim, config, preset: 'shop', adminIds: [42], apiPrefix: '/sandbox/telegram', pageDir }), { prefix: '/sandbox' });
    return { server, sim };
  };

  test('serves the page at /sandbox and for client-side routes, assets with a long cache', async () => {
    const { server, sim } = await serve(dir);
    try {
      for (const url of ['/sandbox', '/sandbox/', '/sandbox/some/client/route']) {
        const response = await server.inject({ url, headers: { accept: 'text/html' } });
        assert.equal(response.statusCode, 200, url);
        assert.match(response.body, /<title>page<\/title>/);
        assert.equal(response.headers['cache-control'], 'no-cache');
      }
      const asset = await server.inject({ url: '/sandbox/assets/index-abc123.js' });
      assert.equal(asset.statusCode, 200);
      assert.match(String(asset.headers['cache-control']), /immutable/);
      const missing = await server.inject({ url: '/sandbox/assets/missing.js', headers: { accept: '*/*' } });
      assert.equal(missing.statusCode, 404);
    } finally {
      await server.close();
      await sim.close();
    }
  });

  test('without a build it says how to build the page instead of failing', async () => {
    const { server, sim } = await serve(path.join(dir, 'not-built'));
    try {
      const response = await server.inject({ url: '/sandbox' });
      assert.equal(response.statusCode, 503);
      assert.match(response.body, /npm run build:web/);
      assert.equal((await server.inject({ url: '/sandbox/config.json' })).statusCode, 200);
    } finally {
      await server.close();
      await sim.close();
    }
  });

  test('the first ADMIN_IDS entry is the simulated admin; the customer never shares its id', async () => {
    const config = await loadBusinessConfig({ preset: 'shop' });
    assert.deepEqual(sandboxAdminIds([]), [SANDBOX_ADMIN_ID]);
    assert.deepEqual(sandboxAdminIds([5, 6]), [5, 6]);
    assert.deepEqual(
      defaultSandboxUsers(config, [77]).map((user) => user.id),
      [SANDBOX_CUSTOMER_ID, 77],
    );
    assert.deepEqual(
      defaultSandboxUsers(config, [SANDBOX_CUSTOMER_ID]).map((user) => user.id),
      [SANDBOX_CUSTOMER_ID + 1, SANDBOX_CUSTOMER_ID],
    );
  });
});

describe('the sandbox is off when a real token is configured', () => {
  for (const mode of ['polling', 'webhook'] as const) {
    describe(`in ${mode} mode`, () => {
      let lavka: TestLavka;
      before(async () => {
        const port = await freePort();
        const webhook = { BOT_MODE: 'webhook', WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`, WEBHOOK_SECRET: 'sandbox-off-secret-123', PORT: String(port) };
        lavka = await startTestLavka({ env: mode === 'webhook' ? webhook : {} });
      });
      after(async () => {
        await lavka?.stop();
      });

      test('no sandbox page, config or simulator is reachable, and / does not redirect there', async () => {
        assert.equal(lavka.app.mode, mode);
        assert.equal(lavka.app.sandbox, undefined);
        for (const url of SANDBOX_PATHS) {
          const response = await fetch(`${lavka.app.url}${url}`, { redirect: 'manual' });
          assert.equal(response.status, 404, url);
        }
        const root = await fetch(`${lavka.app.url}/`, { redirect: 'manual' });
        assert.notEqual(root.status, 302);
        assert.deepEqual(lavka.app.env.ADMIN_IDS, [], 'no sandbox admin without the sandbox');
      });
    });
  }
});
