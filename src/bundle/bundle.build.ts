import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild-wasm';
import { ALSO_WATCHED, BUNDLE_DIR, BUNDLE_EMBED, BUNDLE_ENTRY, BUNDLE_LAUNCHER, fileStamp, MANIFEST_FILE, moduleFolders, MODULES_FOLDER, type BundleManifest } from './bundle.freshness.ts';

/**
 * Builds the start-up bundle (docs/decisions/0021): src/start.ts and what it loads, with its
 * dependencies, as a few JavaScript files in dist/server, so that a start reads a handful of
 * files instead of about 1,500. Lazily loaded parts (a module's setup, the sandbox, PDF and
 * image code) stay separate chunks, loaded on first use as before.
 */

/**
 * Packages left out of the bundle and loaded from node_modules as usual: they read files
 * beside their own code (fonts, PDF metrics, Swagger UI's pages), load a native or WASM
 * binding, or are only used in development. node-fetch (grammY's default HTTP client, loaded
 * only if used: {@link nodeFetchOnFirstUse}) calls APIs Node has deprecated: from node_modules
 * Node keeps quiet about it, from the bundle it would warn. Fastify's JSON-schema compilers
 * (Ajv, fast-json-stringify and what they bring) and its `inject` (light-my-request) are
 * required by Fastify only when used, which Lavka's routes never do (src/http/server.ts): left
 * in, they were two thirds of the chunk every start reads and keeps (about 0.8 MB of text).
 */
export const EXTERNAL_PACKAGES = [
  'pdfkit',
  'fontkit',
  '@node-rs/argon2',
  'swagger-ui-dist',
  'pino-pretty',
  'pino-roll',
  'pg-native',
  'node-fetch',
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  'light-my-request',
];

/**
 * Every chunk is an ES module: CommonJS dependencies inside it need `require`, and Lavka's own
 * files find theirs (locales, presets, web pages, fonts, workers) from where their source is,
 * not from the bundle's folder (see {@link sourceLocations}).
 */
const BANNER = [
  "import { createRequire as __lavkaCreateRequire } from 'node:module';",
  "import __lavkaPath from 'node:path';",
  "import { pathToFileURL as __lavkaPathToFileURL } from 'node:url';",
  'const require = __lavkaCreateRequire(import.meta.url);',
  `const __lavkaRoot = __lavkaPath.resolve(import.meta.dirname, ${JSON.stringify(path.relative(BUNDLE_DIR, '.'))});`,
  'const __lavkaSource = (relative) => __lavkaPath.join(__lavkaRoot, relative);',
  'const __lavkaSourceUrl = (relative) => __lavkaPathToFileURL(__lavkaPath.join(__lavkaRoot, relative)).href;',
].join('\n');

/**
 * In Lavka's own files, `import.meta.dirname`, `.filename` and `.url` mean the source file's
 * place, as when Node runs the sources: paths to locales, presets, pages and the mesh worker
 * stay right whichever chunk the code lands in.
 */
function sourceLocations(root: string): esbuild.Plugin {
  const srcDir = path.join(root, 'src') + path.sep;
  return {
    name: 'lavka-source-locations',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(srcDir)) return undefined;
        const relative = path.relative(root, args.path).split(path.sep).join('/');
        const contents = readFileSync(args.path, 'utf8')
          .replaceAll('import.meta.dirname', `__lavkaSource(${JSON.stringify(path.posix.dirname(relative))})`)
          .replaceAll('import.meta.filename', `__lavkaSource(${JSON.stringify(relative)})`)
          .replaceAll('import.meta.url', `__lavkaSourceUrl(${JSON.stringify(relative)})`);
        return { contents, loader: 'ts' };
      });
    },
  };
}

/**
 * Every module's declaration in one file of the bundle. A start imports the declaration of
 * every module folder (src/modules/registry.ts), each through src/modules/declarations.ts by a
 * path built from the folder's name, which esbuild would turn into one file per module (about
 * twenty files for the loader to resolve, read and link before any module is set up). That
 * file is replaced here by a table of them all, imported statically; a folder added later is a
 * change the freshness check sees (src/bundle/bundle.freshness.ts), so the sources start then.
 */
export function moduleDeclarationsInOneFile(root: string): esbuild.Plugin {
  const modulesDir = path.join(root, MODULES_FOLDER);
  const file = path.join(modulesDir, 'declarations.ts');
  return {
    name: 'lavka-module-declarations-in-one-file',
    setup(build) {
      build.onLoad({ filter: /[\\/]declarations\.ts$/ }, (args) => {
        if (args.path !== file) return undefined;
        const names = moduleFolders(root).filter((name) => existsSync(path.join(modulesDir, name, `${name}.module.ts`)));
        const contents = [
          ...names.map((name, index) => `import * as declaration${index} from ${JSON.stringify(`./${name}/${name}.module.ts`)};`),
          `const declarations = new Map([${names.map((name, index) => `[${JSON.stringify(name)}, declaration${index}]`).join(', ')}]);`,
          'export async function loadOwnModule(name) {',
          '  const declaration = declarations.get(name);',
          '  if (!declaration) throw new Error(`the module ${name} is not in the start-up bundle`);',
          '  return declaration;',
          '}',
        ].join('\n');
        return { contents, loader: 'js', resolveDir: modulesDir };
      });
    },
  };
}

/** Built-ins' getters that load what Lavka never uses; see {@link builtinsThroughRequire}. */
const UNREAD_GETTERS = new Set(['WebSocket', 'CloseEvent', 'MessageEvent', 'stdin']);

/**
 * Node's built-in modules are imported through `require` in the bundle. An `import` of one
 * makes Node build an ES module face for it, which reads every export, getters included:
 * node:http's `WebSocket`, `CloseEvent` and `MessageEvent` getters load undici (about 40 ms of
 * a start, for classes Lavka never uses), `process.stdin` opens standard input. Each built-in
 * becomes a small module that exports the built-in's values by name and the whole module as
 * its default, without {@link UNREAD_GETTERS}; {@link refuseUndefinedImports} fails the build
 * if Lavka or a dependency imports one of those by name.
 */
export function builtinsThroughRequire(): esbuild.Plugin {
  const load = createRequire(import.meta.url);
  return {
    name: 'lavka-builtins-through-require',
    setup(build) {
      build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
        if (args.namespace !== 'file' || (args.kind !== 'import-statement' && args.kind !== 'dynamic-import') || !isBuiltin(args.path)) return undefined;
        return { path: args.path.startsWith('node:') ? args.path : `node:${args.path}`, namespace: 'lavka-builtin' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lavka-builtin' }, (args) => {
        // The names Node's own ES module face exports: the enumerable ones (deprecated
        // aliases such as fs.F_OK are not, and would warn when read).
        const names = Object.keys(load(args.path) as object).filter((name) => !UNREAD_GETTERS.has(name) && name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
        const contents = [
          "import { createRequire as lavkaCreateRequire } from 'node:module';",
          `const builtin = lavkaCreateRequire(import.meta.url)(${JSON.stringify(args.path)});`,
          'export default builtin;',
          ...names.map((name) => `export const ${name} = builtin.${name};`),
        ].join('\n');
        return { contents, loader: 'js' };
      });
    },
  };
}

/**
 * node-fetch, loaded when first called. grammY requires it as it loads, as its default HTTP
 * client; Lavka gives grammY its own (src/telegram/api-transport.ts), so node-fetch and the
 * URL library it brings (about 20 ms of a start) are loaded only if some client is made
 * without it. It is still taken from node_modules (see {@link EXTERNAL_PACKAGES}).
 */
export function nodeFetchOnFirstUse(): esbuild.Plugin {
  return {
    name: 'lavka-node-fetch-on-first-use',
    setup(build) {
      build.onResolve({ filter: /^node-fetch$/ }, (args) =>
        args.namespace === 'lavka-on-first-use' ? { path: 'node-fetch', external: true } : { path: 'node-fetch', namespace: 'lavka-on-first-use' },
      );
      build.onLoad({ filter: /.*/, namespace: 'lavka-on-first-use' }, () => ({
        loader: 'js',
        contents: [
          'let real;',
          "const load = () => (real ??= require('node-fetch'));",
          'function fetch(...args) { return load()(...args); }',
          'module.exports = fetch;',
          'fetch.default = fetch;',
          "for (const name of ['Headers', 'Request', 'Response', 'FetchError', 'AbortError', 'isRedirect']) {",
          '  Object.defineProperty(fetch, name, { enumerable: true, get: () => load()[name] });',
          '}',
        ].join('\n'),
      }));
    },
  };
}

/**
 * zod's translations of its own error messages, loaded when first asked for. zod exports them
 * all as `z.locales`, and esbuild keeps a namespace it cannot see through: some fifty
 * languages (about 300 KB, half of the zod chunk) read and kept by every start, for messages
 * Lavka writes itself in ru, kk and en. English stays in (zod's default, which its schemas
 * import directly); `z.locales.xx()` of any other language loads zod's own copy from
 * node_modules on that call and works as before.
 */
export function zodLocalesOnFirstUse(): esbuild.Plugin {
  const load = createRequire(import.meta.url);
  return {
    name: 'lavka-zod-locales-on-first-use',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: path.join(path.dirname(args.importer), args.path), namespace: 'lavka-zod-locales' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'lavka-zod-locales' }, (args) => {
        const names = Object.keys(load('zod/v4/locales') as object).filter((name) => name !== 'en' && /^[A-Za-z_$][\w$]*$/.test(name));
        const contents = [
          "import { createRequire as lavkaCreateRequire } from 'node:module';",
          `export { default as en } from ${JSON.stringify(path.join(path.dirname(args.path), 'en.js'))};`,
          "const locales = () => lavkaCreateRequire(import.meta.url)('zod/v4/locales');",
          ...names.map((name) => `export const ${name} = (...args) => locales().${name}(...args);`),
        ].join('\n');
        return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/** Fails the build where an import would be undefined (a built-in's getter left out above). */
export function refuseUndefinedImports(result: esbuild.BuildResult): void {
  const undefinedImports = result.warnings.filter((warning) => warning.id === 'import-is-undefined');
  if (undefinedImports.length > 0) {
    const where = undefinedImports.map((warning) => `${warning.location?.file ?? '?'}:${warning.location?.line ?? '?'}: ${warning.text}`);
    throw new Error(`the start-up bundle would import undefined values:\n${where.join('\n')}`);
  }
}

/** What a build made. */
export interface BundleReport {
  files: number;
  bytes: number;
  inputs: number;
  ms: number;
}

/**
 * Builds into a new folder and swaps it in, so that a start never sees half a bundle; the
 * manifest records every source file's size and time for {@link checkBundle}.
 */
export async function buildBundle(root: string): Promise<BundleReport> {
  const startedAt = performance.now();
  const target = path.join(root, BUNDLE_DIR);
  const staging = `${target}.building`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    // start.ts is Lavka; main.ts the launcher `npm start` runs (dist/server/main.js), which
    // starts it while it matches the sources, and the sources' main.ts otherwise; embed.ts the
    // same Lavka for the benchmarks to start in their own process (it shares start.ts's chunks).
    entryPoints: {
      [path.basename(BUNDLE_ENTRY, '.js')]: path.join(root, 'src', 'start.ts'),
      [path.basename(BUNDLE_LAUNCHER, '.js')]: path.join(root, 'src', 'main.ts'),
      [path.basename(BUNDLE_EMBED, '.js')]: path.join(root, 'src', 'bundle', 'embed.ts'),
    },
    define: { LAVKA_BUNDLED: 'true' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    outdir: staging,
    external: EXTERNAL_PACKAGES,
    banner: { js: BANNER },
    // The declarations' table first: the source-locations plugin would load that file as it is.
    plugins: [moduleDeclarationsInOneFile(root), sourceLocations(root), builtinsThroughRequire(), nodeFetchOnFirstUse(), zodLocalesOnFirstUse()],
    // Without comments and layout: a third less text for Node to read, decode and keep (V8
    // holds every loaded file's text, about 8 MB less resident memory idle). Names are not
    // shortened, and V8 names functions after their variables as in the sources; only where two
    // files' top-level names meet does esbuild add a number (`run2`). Its keepNames would undo
    // that by wrapping every named function in a call that defines its `name`: also each closure
    // made while a bot handles an update (a fifth of the throughput, docs/decisions/0021).
    minifyWhitespace: true,
    keepNames: false,
    metafile: true,
    logLevel: 'error',
    legalComments: 'none',
  });
  refuseUndefinedImports(result);
  const sources = Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules/') && !input.startsWith('<'));
  const inputs: Record<string, string> = {};
  for (const file of [...sources, ...ALSO_WATCHED]) {
    const stamp = fileStamp(path.join(root, file));
    if (stamp) inputs[file] = stamp;
  }
  const manifest: BundleManifest = { format: 1, inputs, modules: moduleFolders(root) };
  writeFileSync(path.join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
  return {
    files: outputs.length,
    bytes: outputs.reduce((sum, [, output]) => sum + output.bytes, 0),
    inputs: Object.keys(result.metafile.inputs).length,
    ms: performance.now() - startedAt,
  };
}
