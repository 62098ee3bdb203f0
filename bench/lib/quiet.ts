// The quiet-machine gate shared by every benchmark: before measuring, wait (up to
// BENCH_QUIET_WAIT_S) for the 1-minute load average to fall below BENCH_QUIET_LOAD. On a shared
// machine a neighbour's burst moves every figure; when the load does not fall in time the run
// goes on, but its tables and its result file say it ran loaded, so nobody mistakes its
// figures for a quiet machine's.

import os from 'node:os';
import { describeMachine, loadAverage1m, type MachineDescription } from './machine.ts';

/** How the gate waits. */
export interface QuietGate {
  /** Measure once the 1-minute load average is below this. */
  maxLoad: number;
  /** Longest wait; 0 does not wait (the load is still read, and a busy machine still marked). */
  waitMs: number;
  /** How often the load average is read while waiting. */
  pollMs: number;
}

/** What the gate found. */
export interface QuietOutcome {
  loaded: boolean;
  /** The last load average read. */
  loadAverage1m: number;
  maxLoad: number;
  waitedMs: number;
}

function envNumber(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0, not "${raw}"`);
  return value;
}

/** `BENCH_QUIET_LOAD` (default half the cores) and `BENCH_QUIET_WAIT_S` (default 60, 0 = no waiting). */
export function quietGateFromEnv(env: NodeJS.ProcessEnv = process.env, cores = os.cpus().length): QuietGate {
  const maxLoad = envNumber('BENCH_QUIET_LOAD', 0.5 * cores, env);
  if (maxLoad === 0) throw new Error('BENCH_QUIET_LOAD must be above 0');
  return { maxLoad, waitMs: envNumber('BENCH_QUIET_WAIT_S', 60, env) * 1000, pollMs: 5000 };
}

/** What the gate reads and how it waits; injected so that tests drive it without a clock. */
export interface QuietDeps {
  load: () => number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

const realDeps: QuietDeps = {
  load: loadAverage1m,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => performance.now(),
};

/** Waits until the load average is below `gate.maxLoad` or `gate.waitMs` has passed. */
export async function waitForQuiet(gate: QuietGate, deps: QuietDeps = realDeps): Promise<QuietOutcome> {
  const started = deps.now();
  let load = deps.load();
  while (load >= gate.maxLoad) {
    const left = gate.waitMs - (deps.now() - started);
    if (left <= 0) break;
    await deps.sleep(Math.min(gate.pollMs, left));
    load = deps.load();
  }
  return { loaded: load >= gate.maxLoad, loadAverage1m: load, maxLoad: gate.maxLoad, waitedMs: deps.now() - started };
}

/**
 * Runs the gate, says what it did on stdout, and describes the machine with the outcome: the
 * description every benchmark prints and stores (`machine.loaded` in its result file).
 */
export async function quietMachine(options: { env?: NodeJS.ProcessEnv; deps?: QuietDeps; write?: (line: string) => void } = {}): Promise<MachineDescription> {
  const gate = quietGateFromEnv(options.env);
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const deps = options.deps ?? realDeps;
  const first = deps.load();
  if (first >= gate.maxLoad && gate.waitMs > 0) {
    write(`Load average ${first} ≥ ${gate.maxLoad}: waiting up to ${Math.round(gate.waitMs / 1000)} s for a quieter machine (BENCH_QUIET_WAIT_S, BENCH_QUIET_LOAD)…`);
  }
  const outcome = await waitForQuiet(gate, deps);
  if (outcome.loaded) {
    const why = gate.waitMs > 0 ? `is still ${outcome.loadAverage1m}` : `is ${outcome.loadAverage1m} (BENCH_QUIET_WAIT_S=0: not waiting)`;
    write(`The load average ${why}, not below ${gate.maxLoad}: measuring anyway, every table is marked "ran loaded".`);
  }
  else if (outcome.waitedMs >= 1000) write(`Load average ${outcome.loadAverage1m} after ${Math.round(outcome.waitedMs / 1000)} s: measuring.`);
  return {
    ...describeMachine(),
    loadAverage1m: outcome.loadAverage1m,
    loaded: outcome.loaded,
    quietLoad: gate.maxLoad,
    quietWaitedS: Math.round(outcome.waitedMs / 1000),
  };
}
