// One benchmarked system per child process, so that its peak RSS, heap and JIT state are
// its own. The parent passes the job as JSON in an environment variable and gets one result
// message back over IPC; the child's stdout (Lavka's logs) goes to a file the parent picks.

import { fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** Environment variable carrying the job to a child. */
export const JOB_ENV = 'LAVKA_BENCH_JOB';

/** What a child reports when it ends. */
export type ChildMessage<R> = { type: 'result'; result: R } | { type: 'error'; message: string };

/**
 * Runs `script` in a child Node process with `job`, and resolves with the child's result.
 * Rejects if the child fails, exits without a result, or outlives `timeoutMs`.
 */
export function runChild<J, R>(script: string, job: J, options: { stdoutFile?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<R> {
  const stdout = options.stdoutFile ? openSync(options.stdoutFile, 'a') : 'ignore';
  const child = fork(script, [], {
    // LAVKA_BENCH_NODE_ARGS passes flags to every child, e.g. "--cpu-prof" to profile a run.
    execArgv: ['--expose-gc', ...(process.env.LAVKA_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    env: { ...process.env, ...options.env, [JOB_ENV]: JSON.stringify(job) },
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
  });
  if (typeof stdout === 'number') closeSync(stdout);
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${options.timeoutMs} ms`));
    }, options.timeoutMs ?? 600_000);
    child.on('message', (message: ChildMessage<R>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (message.type === 'result') resolve(message.result);
      else reject(new Error(message.message));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(new Error(`${script} exited with ${signal ?? code} before reporting a result`));
    });
  });
}

/** A child that stays up between messages (a server under load, a load generator). */
export interface LongChild {
  pid: number;
  /** Resolves with the next message of this `type` the child sends. */
  waitFor<T>(type: string, timeoutMs?: number): Promise<T>;
  send(message: { type: string } & Record<string, unknown>): void;
  /** Resolves when the child has exited. */
  exited: Promise<number | null>;
  kill(): void;
}

/**
 * Starts `script` as a long-lived child: messages are `{ type, ... }` objects both ways.
 * The child reads its job with {@link readJob}.
 */
export function spawnChild<J>(script: string, job: J, options: { stdoutFile?: string; env?: Record<string, string> } = {}): LongChild {
  const stdout = options.stdoutFile ? openSync(options.stdoutFile, 'a') : 'ignore';
  const child = fork(script, [], {
    execArgv: ['--expose-gc', ...(process.env.LAVKA_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    env: { ...process.env, ...options.env, [JOB_ENV]: JSON.stringify(job) },
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
  });
  if (typeof stdout === 'number') closeSync(stdout);
  const queued: { type: string }[] = [];
  const waiters: { type: string; resolve(message: unknown): void }[] = [];
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  child.on('message', (message: { type: string }) => {
    // A failing child sends { type: 'error' }: whoever waits, for whatever, gets the failure.
    const index = message.type === 'error' ? (waiters.length > 0 ? 0 : -1) : waiters.findIndex((waiter) => waiter.type === message.type);
    if (index >= 0) waiters.splice(index, 1)[0]?.resolve(message);
    else queued.push(message);
  });
  return {
    pid: child.pid ?? 0,
    waitFor<T>(type: string, timeoutMs = 600_000) {
      const index = queued.findIndex((message) => message.type === type);
      if (index >= 0) return Promise.resolve(queued.splice(index, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script} sent no "${type}" within ${timeoutMs} ms`)), timeoutMs);
        const waiter = {
          type,
          resolve: (message: unknown) => {
            clearTimeout(timer);
            const error = (message as { type: string; message?: string }).type === 'error';
            if (error) reject(new Error((message as { message?: string }).message));
            else resolve(message as T);
          },
        };
        waiters.push(waiter);
        void exited.then((code) => {
          if (waiters.includes(waiter)) {
            clearTimeout(timer);
            reject(new Error(`${script} exited with ${code ?? exitCode} while a "${type}" message was awaited`));
          }
        });
      });
    },
    send: (message) => child.send(message),
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}

/** In a child: the next message of `type` from the parent. */
export function nextParentMessage<T extends { type: string }>(type: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: T) => {
      if (message.type !== type) return;
      process.off('message', listener);
      resolve(message);
    };
    process.on('message', listener);
  });
}

/** In a child: reads the job the parent passed. */
export function readJob<J>(): J {
  const raw = process.env[JOB_ENV];
  if (!raw) throw new Error(`${JOB_ENV} is not set: this file is started by a benchmark, not directly`);
  return JSON.parse(raw) as J;
}

/** In a child: sends a message to the parent, resolved once it has left. */
export function sendToParent(message: Record<string, unknown>): Promise<void> {
  return new Promise<void>((resolve) => process.send?.(message, () => resolve()) ?? resolve());
}

/** In a child: sends the result (or the error) to the parent, then exits. */
export async function reportAndExit<R>(work: () => Promise<R>): Promise<void> {
  let message: ChildMessage<R>;
  try {
    message = { type: 'result', result: await work() };
  } catch (error) {
    message = { type: 'error', message: (error as Error).stack ?? String(error) };
  }
  await new Promise<void>((resolve) => process.send?.(message, () => resolve()) ?? resolve());
  // Open handles (pools, timers of a stopped app) must not keep the child alive.
  process.exit(message.type === 'result' ? 0 : 1);
}

/** Peak resident set size of this process so far, in MB (from the kernel's maxrss). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Current resident set size, in MB. */
export function rssMb(): number {
  return process.memoryUsage.rss() / 1024 / 1024;
}
