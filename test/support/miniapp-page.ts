/**
 * What the Mini App's browser tests share: Chromium and its flags, where screenshots go, and
 * building the sandbox page and the Mini App when they are missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MINIAPP_PAGE_DIR } from '../../src/http/miniapp.ts';
import { ensureSandboxPage } from './sandbox-page.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Screenshots the tests keep (gitignored). */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
export const CHROMIUM = process.env.LAVKA_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const IN_CI = Boolean(process.env.CI);

/** Builds the pages when missing; returns why the test cannot run, or undefined (in CI it throws instead). */
export function prepareMiniAppBrowser(): string | undefined {
  if (!existsSync(CHROMIUM)) {
    const reason = `Chromium is not installed at ${CHROMIUM} (.ci/run installs it with apt-get install chromium)`;
    if (IN_CI) throw new Error(reason);
    return reason;
  }
  let failure = ensureSandboxPage();
  if (!failure && !existsSync(path.join(MINIAPP_PAGE_DIR, 'index.html'))) {
    const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', 'web/miniapp', '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) failure = `the Mini App could not be built: ${build.stderr}`;
  }
  if (failure && IN_CI) throw new Error(failure);
  return failure;
}
