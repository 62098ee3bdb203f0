import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine a benchmark ran on, printed with every table and stored with every result. */
export interface MachineDescription {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  nodeVersion: string;
  platform: string;
  kernel: string;
  /** 1-minute load average at the start: a busy machine explains noisy figures. */
  loadAverage1m: number;
  /**
   * Set by the quiet-machine gate (`bench/lib/quiet.ts`): true when the load average was still
   * at or above `quietLoad` after waiting, so the run measured a busy machine.
   */
  loaded?: boolean;
  /** The load average the gate waited for (`BENCH_QUIET_LOAD`). */
  quietLoad?: number;
  /** Seconds the gate waited before measuring. */
  quietWaitedS?: number;
}

/** The 1-minute load average now, rounded to hundredths. */
export function loadAverage1m(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}

/** Describes this machine from `os`. */
export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    nodeVersion: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    loadAverage1m: loadAverage1m(),
  };
}

/** "ran loaded (load average X)" for a run the quiet gate could not wait out, else ''. */
export function loadedMark(machine: Pick<MachineDescription, 'loaded' | 'loadAverage1m'>): string {
  return machine.loaded ? `ran loaded (load average ${machine.loadAverage1m})` : '';
}

/** The hardware and runtime alone, e.g. "AMD EPYC, 2 cores, 23.5 GB RAM, Node v24.21.0, linux x64". */
export function machineSummary(machine: MachineDescription): string {
  return `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, Node ${machine.nodeVersion}, ${machine.platform}`;
}

/** One line for terminals and the README: the machine, its load at the start, and whether it ran loaded. */
export function machineLine(machine: MachineDescription): string {
  const loaded = loadedMark(machine);
  return `${machineSummary(machine)} (load ${machine.loadAverage1m} at start${loaded ? `; ${loaded}` : ''})`;
}

/** The 1-minute load average when a table's measurements began and ended. */
export interface LoadSpan {
  startLoad1m: number;
  endLoad1m: number;
  /**
   * The share of CPU time the hypervisor gave to other guests meanwhile (Linux's "steal"), in
   * percent: on a shared virtual machine, a figure measured while it was high is slower than
   * the code, whatever the load average says.
   */
  stealPercent?: number;
}

/** CPU time so far, all of it and stolen, in clock ticks (Linux `/proc/stat`); undefined elsewhere. */
export function cpuTimes(): { total: number; steal: number } | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
    if (fields[0] !== 'cpu') return undefined;
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const ticks = fields.slice(1, 9).map(Number);
    if (ticks.length < 8 || ticks.some((value) => !Number.isFinite(value))) return undefined;
    return { total: ticks.reduce((sum, value) => sum + value, 0), steal: ticks[7] ?? 0 };
  } catch {
    return undefined;
  }
}

/** Notes the load average (and CPU steal) now; `end()` notes them again and returns both. */
export function trackLoad(read: () => number = loadAverage1m, times: () => { total: number; steal: number } | undefined = cpuTimes): { end(): LoadSpan } {
  const startLoad1m = read();
  const before = times();
  return {
    end: () => {
      const after = times();
      const elapsed = before && after ? after.total - before.total : 0;
      const stealPercent = before && after && elapsed > 0 ? Math.round((1000 * (after.steal - before.steal)) / elapsed) / 10 : undefined;
      return { startLoad1m, endLoad1m: read(), ...(stealPercent === undefined ? {} : { stealPercent }) };
    },
  };
}

/**
 * What every table's heading says about the machine while it measured: the load average at
 * the start and end of its measurements, and "ran loaded" when the quiet gate gave up waiting.
 */
export function loadLine(span: LoadSpan, machine?: Pick<MachineDescription, 'loaded' | 'loadAverage1m'>): string {
  const loaded = machine ? loadedMark(machine) : '';
  const steal = span.stealPercent === undefined ? '' : `, CPU steal ${span.stealPercent} %`;
  return `load average (1 min) ${span.startLoad1m} at start, ${span.endLoad1m} at end${steal}${loaded ? `; ${loaded}` : ''}`;
}
