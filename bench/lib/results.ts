import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeMachine, type MachineDescription } from './machine.ts';

/** Where results go unless a test says otherwise. */
export const RESULTS_DIR = path.join(import.meta.dirname, '..', 'results');

/** What every result file holds besides the benchmark's own figures. */
export interface ResultEnvelope<T> {
  benchmark: string;
  /** ISO time the benchmark finished. */
  finishedAt: string;
  /** `BENCH_SCALE` of the run. */
  scale: string;
  /** The command that produced it, for the README. */
  command: string;
  machine: MachineDescription;
  data: T;
}

/** The merged `latest.json`: the newest result of each benchmark. */
export interface LatestResults {
  updatedAt: string;
  benchmarks: Record<string, ResultEnvelope<unknown>>;
}

/** A file-name-safe UTC timestamp, e.g. `20260311T061502Z`. */
export function fileTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/**
 * Writes `<name>-<timestamp>.json` and replaces this benchmark's entry in `latest.json`, so
 * that benchmarks run one by one still leave one file with the newest figures of each.
 */
export function writeResults<T>(
  name: string,
  data: T,
  options: { dir?: string; scale: string; command: string; machine?: MachineDescription; now?: Date },
): { file: string; latest: string; envelope: ResultEnvelope<T> } {
  const dir = options.dir ?? RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const now = options.now ?? new Date();
  const envelope: ResultEnvelope<T> = {
    benchmark: name,
    finishedAt: now.toISOString(),
    scale: options.scale,
    command: options.command,
    machine: options.machine ?? describeMachine(),
    data,
  };
  const file = path.join(dir, `${name}-${fileTimestamp(now)}.json`);
  writeAtomically(file, `${JSON.stringify(envelope, null, 2)}\n`);
  const latest = path.join(dir, 'latest.json');
  let merged: LatestResults = { updatedAt: envelope.finishedAt, benchmarks: {} };
  if (existsSync(latest)) {
    try {
      merged = JSON.parse(readFileSync(latest, 'utf8')) as LatestResults;
    } catch {
      // A damaged latest.json is rebuilt from this result rather than blocking the run.
    }
  }
  merged.updatedAt = envelope.finishedAt;
  merged.benchmarks = { ...merged.benchmarks, [name]: envelope };
  writeAtomically(latest, `${JSON.stringify(merged, null, 2)}\n`);
  return { file, latest, envelope };
}

/** Writes a chart (or any text file) into the results folder and returns its path. */
export function writeResultFile(fileName: string, text: string, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, fileName);
  writeAtomically(file, text);
  return file;
}
