import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const MODULE_FILE = path.join(ROOT, 'src/modules/module.ts');

// The module contract is a compile-time promise: a module's `setup` sees the services it
// declared and no others. This compiles three small modules against it and reads the errors.
test('the compiler refuses a module that uses a service it did not declare, and an optional one used as if present', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-contract-'));
  try {
    const fixture = path.join(dir, 'fixture.ts');
    writeFileSync(
      fixture,
      [
        `import { defineModule } from ${JSON.stringify(MODULE_FILE)};`,
        `declare module ${JSON.stringify(MODULE_FILE)} {`,
        '  interface ModuleServices { fixtureUsers: { count(): number }; fixtureOrders: { list(): string[] } }',
        '}',
        "export const declared = defineModule({ name: 'a', dependsOn: ['fixtureUsers'], setup: (deps) => ({ service: deps.services.fixtureUsers.count() }) });",
        "export const undeclared = defineModule({ name: 'b', dependsOn: ['fixtureUsers'], setup: (deps) => ({ service: deps.services.fixtureOrders.list() }) });",
        "export const optional = defineModule({ name: 'c', after: ['fixtureOrders'], setup: (deps) => ({ service: deps.services.fixtureOrders.list() }) });",
        "export const checked = defineModule({ name: 'd', after: ['fixtureOrders'], setup: (deps) => ({ service: deps.services.fixtureOrders?.list() }) });",
        '',
      ].join('\n'),
    );
    const result = spawnSync(
      process.execPath,
      [TSC, '--ignoreConfig', '--noEmit', '--strict', '--skipLibCheck', '--target', 'es2024', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--allowImportingTsExtensions', '--types', 'node', fixture],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const errors = result.stdout.split('\n').filter((line) => line.includes('fixture.ts('));
    const lines = errors.map((line) => Number(/\((\d+),\d+\)/.exec(line)?.[1]));
    assert.deepEqual(lines, [6, 7], result.stdout);
    assert.match(errors[0] ?? '', /Property 'fixtureOrders' does not exist/);
    assert.match(errors[1] ?? '', /possibly 'undefined'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
