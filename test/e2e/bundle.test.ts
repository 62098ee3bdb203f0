import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildBundle } from '../../src/bundle/bundle.build.ts';
import { BUNDLE_DIR, checkBundle } from '../../src/bundle/bundle.freshness.ts';
import { startSimulatorServer, type SimulatorServer } from '../../src/sim/index.ts';

// The start-up bundle built from the sources as they are, in a copy of Lavka's folder (the
// repository's own dist/ is left alone), and started as `npm start` starts it: the bot
// answers in the customer's language, the pages and the API documentation are served — every
// path that Lavka's code finds from its own place (locales, presets, pages) still leads there.

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOKEN = '424242:BUNDLE-TEST-TOKEN';

/** Copies what a start reads; node_modules is linked, not copied. */
function copyOfLavka(): string {
  const copy = mkdtempSync(path.join(tmpdir(), 'lavka-bundle-e2e-'));
  for (const item of ['src', 'locales', 'presets', 'assets', 'package.json', 'package-lock.json']) {
    // The copy keeps the files' times, as a checkout or an image layer would.
    cpSync(path.join(ROOT, item), path.join(copy, item), { recursive: true, preserveTimestamps: true, filter: (source) => !source.endsWith('.test.ts') });
  }
  for (const app of ['chat', 'admin', 'miniapp']) cpSync(path.join(ROOT, 'web', app, 'dist'), path.join(copy, 'web', app, 'dist'), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  return copy;
}

interface Started {
  child: ChildProcess;
  /** The "Lavka is running" log line, parsed. */
  running: { url: string; startedFrom?: { from: string; reason?: string } };
  stop(): Promise<void>;
}

/** What `npm start` runs, in the copy, in polling mode against the simulator, until it says it runs. */
async function startCopy(copy: string, server: SimulatorServer, database: string): Promise<Started> {
  const start = (JSON.parse(readFileSync(path.join(copy, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [command, script] = start.split(' ');
  assert.equal(command, 'node');
  const child = spawn(process.execPath, [path.join(copy, script ?? '')], {
    cwd: copy,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.apiRoot,
      BOT_MODE: 'polling',
      DATABASE_URL: `sqlite:${database}`,
      PORT: '0',
      HOST: '127.0.0.1',
      LAVKA_PRESET: 'shop',
      LOG_LEVEL: 'info',
      DAILY_REPORT_TIME: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const line = output.split('\n').find((item) => item.includes('Lavka is running'));
    if (line) {
      const running = JSON.parse(line) as Started['running'];
      return {
        child,
        running,
        stop: async () => {
          if (child.exitCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Lavka did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the start-up bundle', () => {
  let copy = '';
  let server: SimulatorServer;

  before(async () => {
    copy = copyOfLavka();
    server = await startSimulatorServer({ simulator: { token: TOKEN, rateLimits: false } });
  });
  after(async () => {
    await server?.close();
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  test('built from the sources, it is what npm start runs, with no TypeScript to compile: the bot answers and the pages are served', async () => {
    const report = await buildBundle(copy);
    assert.ok(report.files > 10 && report.bytes > 1_000_000, `a bundle of ${report.files} files`);
    assert.equal(checkBundle(copy).fresh, true);
    // Lavka's own code finds its files from its source's place, whichever chunk it is in.
    const chunks = readdirSync(path.join(copy, BUNDLE_DIR)).filter((file) => file.endsWith('.js'));
    const text = chunks.map((file) => readFileSync(path.join(copy, BUNDLE_DIR, file), 'utf8')).join('\n');
    assert.match(text, /__lavkaSource\("src\/telegram"\)/);
    assert.match(text, /new URL\("\.\/analyse\.worker\.ts",\s*__lavkaSourceUrl\("src\/modules\/custom-orders\/mesh\/analyser\.ts"\)\)/);
    // Nothing imports a TypeScript file (Node would load its TypeScript compiler, a WebAssembly
    // module of 17 MB, for it) but the launcher handing over to the sources when they changed.
    // (The bundle has no comments: every import( in it is code.)
    const typescriptImports = [...text.matchAll(/import\((?:new URL\()?"([^"]+\.ts)",?\s*([^)]*\))?/g)].map((match) => match[0]);
    assert.deepEqual(typescriptImports, ['import(new URL("./main.ts",__lavkaSourceUrl("src/main.ts")']);
    // Plain ASCII: V8 keeps a file's text for as long as it runs, at two bytes a character if
    // any one of them is not Latin-1. esbuild escapes strings but not regular expressions.
    const wide = chunks.filter((file) => /[^\x00-\x7f]/.test(readFileSync(path.join(copy, BUNDLE_DIR, file), 'utf8')));
    assert.deepEqual(wide, [], 'write non-ASCII characters in regular expressions as \\u escapes');
    // No naming helper: esbuild's keepNames wraps every named function, the closures made for
    // each update included, in an Object.defineProperty call.
    const named = chunks.filter((file) => readFileSync(path.join(copy, BUNDLE_DIR, file), 'utf8').includes('__name('));
    assert.deepEqual(named, [], 'build the bundle without keepNames');
    // Every module's declaration is in one file (a start reads them all), not one file each.
    const declarationFiles = chunks.filter((file) => /\.module-\w+\.js$/.test(file));
    assert.deepEqual(declarationFiles, [], 'module declarations in one file (moduleDeclarationsInOneFile)');
    assert.match(text, /new Map\(\[\["admin",\w+\],\["audit",\w+\]/);

    const started = await startCopy(copy, server, path.join(copy, 'bundle.db'));
    try {
      assert.deepEqual(started.running.startedFrom, { from: 'bundle' });
      const user = server.sim.user({ id: 5_550_001, first_name: 'Aruzhan', language_code: 'kk' });
      await user.send('/start');
      const welcome = await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 15_000 });
      // The Kazakh locale file, read from locales/ beside the sources.
      assert.match(welcome.text ?? welcome.caption ?? '', /[әғқңөұүһі]/i);
      const url = started.running.url;
      for (const [page, type] of [
        ['/admin/', /text\/html/],
        ['/api/v1/docs', /text\/html/],
        ['/api/v1/docs/swagger-ui-bundle.js', /javascript/],
        ['/health/ready', /json/],
      ] as const) {
        const answer = await fetch(`${url}${page}`);
        assert.equal(answer.status, 200, page);
        assert.match(answer.headers.get('content-type') ?? '', type, page);
      }
    } finally {
      await started.stop();
    }
  });

  test('once a source changes, npm start runs the sources and says why', async () => {
    if (!checkBundle(copy).fresh) await buildBundle(copy);
    const changed = path.join(copy, 'src', 'modules', 'catalog', 'catalog.screens.ts');
    utimesSync(changed, new Date(), new Date(Date.now() + 10_000));
    const started = await startCopy(copy, server, path.join(copy, 'sources.db'));
    try {
      assert.deepEqual(started.running.startedFrom, { from: 'sources', reason: 'src/modules/catalog/catalog.screens.ts changed since it was built' });
      const user = server.sim.user({ id: 5_550_002, first_name: 'Dmitry', language_code: 'ru' });
      await user.send('/start');
      await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 15_000 });
    } finally {
      await started.stop();
    }
  });
});
