import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import * as esbuild from 'esbuild-wasm';
import { builtinsThroughRequire, nodeFetchOnFirstUse, refuseUndefinedImports, zodLocalesOnFirstUse } from './bundle.build.ts';

const NODE_MODULES = path.resolve(import.meta.dirname, '../../node_modules');

/** Runs `work` in a new temporary folder, removed afterwards. */
async function inTempDir(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-builtins-'));
  try {
    await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bundles `source` as the start-up bundle bundles Lavka's built-ins, node-fetch and zod; returns the output file. */
async function bundle(dir: string, source: string): Promise<string> {
  const entry = path.join(dir, 'entry.ts');
  writeFileSync(entry, source);
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: path.join(dir, 'out.mjs'),
    nodePaths: [NODE_MODULES],
    banner: { js: "import { createRequire as lavkaRequire } from 'node:module'; const require = lavkaRequire(import.meta.url);" },
    plugins: [builtinsThroughRequire(), nodeFetchOnFirstUse(), zodLocalesOnFirstUse()],
    logLevel: 'silent',
  });
  refuseUndefinedImports(result);
  return path.join(dir, 'out.mjs');
}

describe("how the start-up bundle loads Node's built-in modules, node-fetch and zod's languages", () => {
  test('are required, not imported: default, named and namespace imports work, and undici is never loaded', async () => {
    await inTempDir(async (dir) => {
      const out = await bundle(
        dir,
        [
          "import http, { STATUS_CODES, createServer } from 'node:http';",
          "import * as crypto from 'node:crypto';",
          "import { promises } from 'fs';",
          "import { createRequire } from 'node:module';",
          'const loaded = process.moduleLoadList.filter((name) => name.includes("undici"));',
          'console.log(JSON.stringify({ ok: STATUS_CODES[200] === "OK" && http.createServer === createServer && crypto.randomUUID().length === 36 && typeof promises.readFile === "function" && typeof createRequire === "function", loaded }));',
        ].join('\n'),
      );
      const text = readFileSync(out, 'utf8');
      assert.doesNotMatch(text, /from ["']node:(http|crypto|fs)["']/, 'no built-in is imported as an ES module');
      const run = spawnSync(process.execPath, [out], { encoding: 'utf8' });
      assert.equal(run.stderr, '', 'no warning: deprecated aliases are not read');
      assert.deepEqual(JSON.parse(run.stdout), { ok: true, loaded: [] });
    });
  });

  test('a getter left out fails the build, whether imported by name or read from the namespace', async () => {
    await inTempDir(async (dir) => {
      await assert.rejects(bundle(dir, "import { WebSocket } from 'node:http';\nconsole.log(WebSocket);\n"), /No matching export .* for import "WebSocket"/);
      await assert.rejects(bundle(dir, "import * as http from 'node:http';\nconsole.log(http.WebSocket);\n"), /would import undefined values:\n.*entry\.ts:2: Import "WebSocket" will always be undefined/);
    });
  });

  test('node-fetch is loaded from node_modules only when first used', async () => {
    await inTempDir(async (dir) => {
      const out = await bundle(
        dir,
        [
          "import { createRequire } from 'node:module';",
          "import fetch from 'node-fetch';",
          'const cache = createRequire(import.meta.url).cache;',
          "const loaded = () => Object.keys(cache).some((file) => file.includes('/node-fetch/'));",
          'const before = loaded();',
          'const headers = new fetch.Headers({ a: "1" }).get("a");',
          'console.log(JSON.stringify({ before, after: loaded(), headers, callable: typeof fetch === "function" && fetch.default === fetch }));',
        ].join('\n'),
      );
      const run = spawnSync(process.execPath, [out], { encoding: 'utf8', env: { ...process.env, NODE_PATH: NODE_MODULES } });
      assert.equal(run.stderr, '');
      assert.deepEqual(JSON.parse(run.stdout), { before: false, after: true, headers: '1', callable: true });
    });
  });

  test("zod's other languages are left out and loaded from node_modules when first asked for", async () => {
    await inTempDir(async (dir) => {
      const out = await bundle(
        dir,
        [
          "import { createRequire } from 'node:module';",
          "import { z } from 'zod';",
          'const cache = createRequire(import.meta.url).cache;',
          "const loaded = () => Object.keys(cache).some((file) => file.includes('/zod/v4/locales/'));",
          'const schema = z.object({ name: z.string() });',
          'const english = schema.safeParse({ name: 1 }).error?.issues[0]?.message;',
          'const before = loaded();',
          'z.config(z.locales.ru());',
          'const russian = schema.safeParse({ name: 1 }).error?.issues[0]?.message;',
          'console.log(JSON.stringify({ english, before, after: loaded(), russian, en: typeof z.locales.en }));',
        ].join('\n'),
      );
      // Hebrew is one of the languages zod ships: none of its words is in the bundle.
      assert.doesNotMatch(readFileSync(out, 'utf8'), /[\u0590-\u05FF]/u);
      const run = spawnSync(process.execPath, [out], { encoding: 'utf8', env: { ...process.env, NODE_PATH: NODE_MODULES } });
      assert.equal(run.stderr, '');
      const answer = JSON.parse(run.stdout) as { english: string; before: boolean; after: boolean; russian: string; en: string };
      assert.match(answer.english, /expected string/i);
      assert.equal(answer.before, false);
      assert.equal(answer.after, true);
      assert.match(answer.russian, /[\u0400-\u04FF]/u, 'the Russian message is in Cyrillic');
      assert.equal(answer.en, 'function');
    });
  });
});
