import './config/node-version.ts';
import { enableCompileCache } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import { checkBundle, rememberStartedFrom } from './bundle/bundle.freshness.ts';

/** True in the start-up bundle's copy of this file (the build defines it), absent in the sources. */
declare const LAVKA_BUNDLED: boolean | undefined;
const BUNDLED = typeof LAVKA_BUNDLED !== 'undefined' && LAVKA_BUNDLED;

// Node keeps compiled code between starts (in the OS temp folder): restarts come up faster. It
// is turned on before Lavka's code is loaded — every file imported statically from here would
// be compiled before this line runs — so the cache covers all of it, TypeScript stripping
// included; Lavka itself starts in start.ts.
enableCompileCache();

// Start-up allocates a lot that lives on (modules, schemas, routes), and V8 answers by growing
// its young generation to its maximum (tens of MB), which an idle bot then keeps resident.
// Held at its first size while Lavka starts, it stays small until traffic needs it (about
// 55 MB less idle memory, and no slower a start); V8's own growth factor (2) is back once
// Lavka runs, so a busy bot grows it as before.
v8.setFlagsFromString('--semi-space-growth-factor=1');

// start.ts as the start-up bundle holds it (docs/decisions/0021), while that was built from
// the sources as they are: a few files to read instead of about 1,500. Otherwise, and with
// --dev or LAVKA_BUNDLE=off, the sources themselves; start.ts logs which, and why.
const bundle = process.argv.includes('--dev')
  ? ({ fresh: false, reason: 'started with --dev' } as const)
  : process.env.LAVKA_BUNDLE === 'off'
    ? ({ fresh: false, reason: 'LAVKA_BUNDLE=off' } as const)
    : checkBundle(path.resolve(import.meta.dirname, '..'));
if (bundle.fresh) {
  rememberStartedFrom({ from: 'bundle' });
  await import(bundle.entryUrl);
} else if (BUNDLED) {
  // This is the bundle's own copy of this file (dist/server/main.js, what `npm start` runs:
  // plain JavaScript, so Node loads no TypeScript compiler): the sources' copy takes over.
  await import(new URL('./main.ts', import.meta.url).href);
} else {
  rememberStartedFrom({ from: 'sources', reason: bundle.reason });
  await import('./start.ts');
}
v8.setFlagsFromString('--semi-space-growth-factor=2');
