import path from 'node:path';
import { mkdirSync } from 'node:fs';
import pino, { type Logger, type LevelWithSilent, type TransportTargetOptions } from 'pino';

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  level: LevelWithSilent;
  /** Human-friendly output on the terminal (`npm run dev`, the sandbox). */
  pretty?: boolean;
  /** Also write JSON to this file, rotated daily and at 20 MB, keeping 10 files. */
  file?: string;
}

/**
 * Creates the process logger: JSON lines on stdout (pretty in development) and, when
 * `LOG_FILE` is set, a rotated file. Secrets are redacted wherever they appear in objects.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { service: 'lavka' },
    redact: { paths: ['token', '*.token', 'secret', '*.secret', 'password', '*.password', 'headers.authorization', 'headers.cookie'], censor: '[redacted]' },
  };
  // JSON on stdout alone (production without LOG_FILE) needs no transport: an asynchronous
  // stream in this thread writes it, flushed on exit. Transports run in a worker thread, whose
  // own V8 heap and start-up a plain JSON line does not need.
  if (!options.pretty && !options.file) return pino(settings, pino.destination({ dest: 1, sync: false }));
  const targets: TransportTargetOptions[] = [
    options.pretty
      ? { target: 'pino-pretty', level: options.level, options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } }
      : { target: 'pino/file', level: options.level, options: { destination: 1 } },
  ];
  if (options.file) {
    mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
    targets.push({
      target: 'pino-roll',
      level: options.level,
      options: { file: path.resolve(options.file), frequency: 'daily', size: '20m', limit: { count: 10 }, mkdir: true },
    });
  }
  return pino({ ...settings, transport: options.level === 'silent' ? undefined : { targets } });
}

/** A logger that writes nothing, for tests and tools. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
