// The storefront's JavaScript budget: a customer on a slow phone connection opens the Mini App
// from the chat, so everything it runs must arrive fast. The budget is 120 kB gzipped for all
// of its JavaScript (React, Telegram's WebApp script and the app), well under the 150 kB limit
// the project set; a dependency that would break it fails this test.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { MINIAPP_PAGE_DIR } from '../../src/http/miniapp.ts';

/** The most gzipped JavaScript the storefront may load. */
export const MINIAPP_JS_BUDGET_BYTES = 120 * 1024;

const ROOT = path.resolve(import.meta.dirname, '../..');

test('the Mini App loads at most 120 kB of gzipped JavaScript, all of it from this server', () => {
  // A fresh build: the budget is about what the sources produce now, not an old dist.
  const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', 'web/miniapp', '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const assets = path.join(MINIAPP_PAGE_DIR, 'assets');
  assert.ok(existsSync(assets));
  const scripts = readdirSync(assets).filter((name) => name.endsWith('.js'));
  assert.ok(scripts.length >= 1);
  const gzipped = scripts.reduce((sum, name) => sum + gzipSync(readFileSync(path.join(assets, name)), { level: 9 }).length, 0);
  assert.ok(gzipped <= MINIAPP_JS_BUDGET_BYTES, `the storefront's JavaScript is ${(gzipped / 1024).toFixed(1)} kB gzipped, over its ${MINIAPP_JS_BUDGET_BYTES / 1024} kB budget`);
  // Telegram's WebApp script is bundled, never fetched from telegram.org.
  const page = readFileSync(path.join(MINIAPP_PAGE_DIR, 'index.html'), 'utf8');
  assert.doesNotMatch(page, /telegram\.org|https?:\/\//);
});
