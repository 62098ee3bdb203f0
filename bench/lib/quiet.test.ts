import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cpuTimes, loadLine, machineLine, trackLoad } from './machine.ts';
import { quietGateFromEnv, quietMachine, waitForQuiet, type QuietDeps } from './quiet.ts';

/** A machine whose load average follows `loads`, one value per read, on a clock that only sleeping moves. */
function fakeMachine(loads: number[]): QuietDeps & { sleeps: number[] } {
  let clock = 0;
  let reads = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    load: () => loads[Math.min(reads++, loads.length - 1)] as number,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
  };
}

describe('quiet-machine gate', () => {
  test('defaults: below half the cores, waiting up to 60 s; the knobs override both', () => {
    assert.deepEqual(quietGateFromEnv({}, 2), { maxLoad: 1, waitMs: 60_000, pollMs: 5000 });
    assert.deepEqual(quietGateFromEnv({ BENCH_QUIET_LOAD: '0.3', BENCH_QUIET_WAIT_S: '0' }, 8), { maxLoad: 0.3, waitMs: 0, pollMs: 5000 });
    assert.throws(() => quietGateFromEnv({ BENCH_QUIET_WAIT_S: 'soon' }, 2), /BENCH_QUIET_WAIT_S/);
    assert.throws(() => quietGateFromEnv({ BENCH_QUIET_LOAD: '0' }, 2), /BENCH_QUIET_LOAD/);
  });

  test('a quiet machine is measured at once', async () => {
    const machine = fakeMachine([0.4]);
    const outcome = await waitForQuiet({ maxLoad: 1, waitMs: 60_000, pollMs: 5000 }, machine);
    assert.deepEqual(outcome, { loaded: false, loadAverage1m: 0.4, maxLoad: 1, waitedMs: 0 });
    assert.deepEqual(machine.sleeps, []);
  });

  test('the gate waits while the load falls and measures once it is below the threshold', async () => {
    const machine = fakeMachine([2.5, 1.8, 1.2, 0.9, 0.1]);
    const outcome = await waitForQuiet({ maxLoad: 1, waitMs: 60_000, pollMs: 5000 }, machine);
    assert.equal(outcome.loaded, false);
    assert.equal(outcome.loadAverage1m, 0.9);
    assert.equal(outcome.waitedMs, 15_000);
  });

  test('a load that stays high ends the wait at BENCH_QUIET_WAIT_S and marks the run loaded', async () => {
    const machine = fakeMachine([3, 2.9, 2.8, 2.7]);
    const outcome = await waitForQuiet({ maxLoad: 1, waitMs: 12_000, pollMs: 5000 }, machine);
    assert.deepEqual(machine.sleeps, [5000, 5000, 2000]);
    assert.equal(outcome.loaded, true);
    assert.equal(outcome.loadAverage1m, 2.7);
    assert.equal(outcome.waitedMs, 12_000);
  });

  test('BENCH_QUIET_WAIT_S=0 does not wait but still marks a busy machine', async () => {
    const machine = fakeMachine([1.5]);
    const outcome = await waitForQuiet({ maxLoad: 1, waitMs: 0, pollMs: 5000 }, machine);
    assert.deepEqual(machine.sleeps, []);
    assert.equal(outcome.loaded, true);
  });

  test('the machine description carries the outcome, and every printed line says "ran loaded"', async () => {
    const lines: string[] = [];
    const machine = await quietMachine({ env: { BENCH_QUIET_LOAD: '1', BENCH_QUIET_WAIT_S: '10' }, deps: fakeMachine([2.34]), write: (line) => lines.push(line) });
    assert.equal(machine.loaded, true);
    assert.equal(machine.loadAverage1m, 2.34);
    assert.equal(machine.quietLoad, 1);
    assert.equal(machine.quietWaitedS, 10);
    assert.match(lines.join('\n'), /waiting up to 10 s/);
    assert.match(machineLine(machine), /ran loaded \(load average 2\.34\)/);
    assert.equal(loadLine({ startLoad1m: 2.34, endLoad1m: 1.9 }, machine), 'load average (1 min) 2.34 at start, 1.9 at end; ran loaded (load average 2.34)');

    const quiet = await quietMachine({ env: { BENCH_QUIET_LOAD: '1', BENCH_QUIET_WAIT_S: '10' }, deps: fakeMachine([0.2]), write: (line) => lines.push(line) });
    assert.equal(quiet.loaded, false);
    assert.doesNotMatch(machineLine(quiet), /ran loaded/);
    assert.equal(loadLine({ startLoad1m: 0.2, endLoad1m: 0.7 }, quiet), 'load average (1 min) 0.2 at start, 0.7 at end');
  });

  test('a load span reads the load average when measuring starts and when it ends, and the CPU time stolen meanwhile', () => {
    const loads = [0.5, 1.75];
    const times = [
      { total: 10_000, steal: 100 },
      { total: 12_000, steal: 600 },
    ];
    const span = trackLoad(
      () => loads.shift() as number,
      () => times.shift(),
    );
    const measured = span.end();
    assert.deepEqual(measured, { startLoad1m: 0.5, endLoad1m: 1.75, stealPercent: 25 });
    assert.equal(loadLine(measured), 'load average (1 min) 0.5 at start, 1.75 at end, CPU steal 25 %');
    // Where /proc/stat cannot be read the span says nothing about steal.
    assert.deepEqual(trackLoad(() => 1, () => undefined).end(), { startLoad1m: 1, endLoad1m: 1 });
  });

  test('this machine\'s CPU times are read from /proc/stat where there is one', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
    const first = cpuTimes();
    assert.ok(first && first.total > 0 && first.steal >= 0 && first.steal <= first.total);
  });
});
