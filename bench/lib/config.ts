// Size knobs shared by the benchmarks. `BENCH_SCALE=small` is a quick run for development
// on a busy machine; `full` (the default) is what the README's figures come from.

/** How big a run is. */
export type BenchScale = 'small' | 'full';

/** Reads `BENCH_SCALE` (small | full, default full). */
export function benchScale(env: NodeJS.ProcessEnv = process.env): BenchScale {
  const value = (env.BENCH_SCALE ?? 'full').trim().toLowerCase();
  if (value === 'small' || value === 'full') return value;
  throw new Error(`BENCH_SCALE must be "small" or "full", not "${env.BENCH_SCALE}"`);
}

/** A positive integer (or 0 with `allowZero`) from the environment, else `fallback`; lets one knob be overridden. */
export function envInt(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env, options: { allowZero?: boolean } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  const least = options.allowZero ? 0 : 1;
  if (!Number.isInteger(value) || value < least) throw new Error(`${name} must be a ${options.allowZero ? 'whole number' : 'positive integer'}, not "${raw}"`);
  return value;
}

/** PostgreSQL for the benchmarks: the same server the tests use (trust auth, database `test`). */
export const BENCH_POSTGRES_URL = process.env.LAVKA_BENCH_POSTGRES_URL ?? process.env.LAVKA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The command that reproduces this run: `npm run bench -- name` with every BENCH_* knob that was set. */
export function benchCommand(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const knobs = Object.keys(env)
    .filter((key) => key.startsWith('BENCH_') && env[key] !== undefined && env[key] !== '')
    .sort()
    .map((key) => `${key}=${env[key]}`);
  return [...knobs, `npm run bench -- ${name}`].join(' ');
}
