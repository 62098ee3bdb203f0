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
}

/** Notes the load average now; `end()` notes it again and returns both. */
export function trackLoad(read: () => number = loadAverage1m): { end(): LoadSpan } {
  const startLoad1m = read();
  return { end: () => ({ startLoad1m, endLoad1m: read() }) };
}

/**
 * What every table's heading says about the machine while it measured: the load average at
 * the start and end of its measurements, and "ran loaded" when the quiet gate gave up waiting.
 */
export function loadLine(span: LoadSpan, machine?: Pick<MachineDescription, 'loaded' | 'loadAverage1m'>): string {
  const loaded = machine ? loadedMark(machine) : '';
  return `load average (1 min) ${span.startLoad1m} at start, ${span.endLoad1m} at end${loaded ? `; ${loaded}` : ''}`;
}
