import type { Bindings, Level, Logger } from 'pino';

/** The log methods a handler has on `ctx.log`. */
export type UpdateLogger = Pick<Logger, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'>;

/**
 * `ctx.log`: the bot's logger with the update's fields bound, made into a pino child only when
 * the update logs something. pino serialises (and redacts) a child's bindings as it creates
 * the child, a cost every update paid though few of them ever log.
 */
export function updateLogger(parent: Logger, bindings: Bindings): UpdateLogger {
  return new DeferredChild(parent, bindings);
}

class DeferredChild implements UpdateLogger {
  readonly #parent: Logger;
  readonly #bindings: Bindings;
  #child: Logger | undefined;

  constructor(parent: Logger, bindings: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }

  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }

  info(...args: unknown[]): void {
    this.#write('info', args);
  }

  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }

  error(...args: unknown[]): void {
    this.#write('error', args);
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }

  #write(level: Level, args: unknown[]): void {
    if (!this.#parent.isLevelEnabled(level)) return;
    this.#child ??= this.#parent.child(this.#bindings);
    // pino's overloads cannot be called with a spread of unknowns; the caller's arguments were
    // checked against them already (the methods above accept what pino's LogFn accepts).
    (this.#child[level] as (...values: unknown[]) => void)(...args);
  }
}
