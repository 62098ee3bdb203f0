import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

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
