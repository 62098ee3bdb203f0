// The sandbox chat page for browser tests: web/chat/dist is a build product (npm install makes
// it), so a fresh checkout that skipped the install scripts still gets a page to open.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SANDBOX_PAGE_DIR } from '../../src/http/sandbox.routes.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Builds the sandbox page when it is missing; returns why it could not be built, or undefined. */
export function ensureSandboxPage(): string | undefined {
  if (existsSync(path.join(SANDBOX_PAGE_DIR, 'index.html'))) return undefined;
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', 'web/chat', '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status === 0) return undefined;
  return `the sandbox page could not be built (npm run build:web): ${build.stderr || build.error?.message}`;
}
