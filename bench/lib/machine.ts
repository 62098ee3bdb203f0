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
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

/** One line for terminals and the README, e.g. "AMD EPYC, 2 cores, 23.5 GB, Node v24.21.0, linux x64". */
export function machineLine(machine: MachineDescription): string {
  return `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, Node ${machine.nodeVersion}, ${machine.platform} (load ${machine.loadAverage1m} at start)`;
}
