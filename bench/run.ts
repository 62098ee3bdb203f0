import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { checkBundle } from '../src/bundle/bundle.freshness.ts';

// `npm run bench`: runs every benchmark in this folder, one process each so that one
// benchmark's memory and JIT state never colour another's figures. `npm run bench -- name`
// runs only the benchmarks whose file name contains `name`.
const dir = import.meta.dirname;
const filter = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.test.ts'))
  .filter((file) => filter.length === 0 || filter.some((name) => file.includes(name)))
  .sort();

if (files.length === 0) {
  console.error(`No benchmark matches ${filter.join(', ')}.`);
  process.exit(1);
}

// Lavka is measured as `npm start` runs it, from the start-up bundle: built again here when
// the sources changed since (bench/lib/lavka.ts refuses a stale one).
if (process.env.BENCH_LAVKA !== 'sources') {
  const root = path.resolve(dir, '..');
  const bundle = checkBundle(root);
  if (!bundle.fresh) {
    process.stdout.write(`Building the start-up bundle first (${bundle.reason})…\n`);
    const { buildBundle } = await import('../src/bundle/bundle.build.ts');
    await buildBundle(root);
  }
}

let failed = 0;
const started = performance.now();
const durations: string[] = [];
process.stdout.write(`BENCH_SCALE=${process.env.BENCH_SCALE ?? 'full'}: ${files.join(', ')}\n`);
for (const file of files) {
  process.stdout.write(`\n=== ${file} ===\n`);
  const fileStarted = performance.now();
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(dir, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
  durations.push(`${file} ${Math.round((performance.now() - fileStarted) / 1000)} s${result.status === 0 ? '' : ' (FAILED)'}`);
}
process.stdout.write(`\nDone in ${Math.round((performance.now() - started) / 1000)} s: ${durations.join(', ')}. Figures: bench/results/latest.json\n`);
process.exit(failed === 0 ? 0 : 1);
