import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino, type Logger } from 'pino';
import { updateLogger } from './update-logger.ts';

/** A parent logger writing JSON lines into an array, counting the children made of it. */
function capturingLogger(options: { level: string; redact?: string[] }): { logger: Logger; lines: Record<string, unknown>[]; children: () => number } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ ...options, base: null, timestamp: false }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<Logger['child']>) => {
    children += 1;
    return child(...args);
  }) as Logger['child'];
  return { logger, lines, children: () => children };
}

describe('the update logger', () => {
  test('an update that logs nothing, or only below the level, makes no child logger', () => {
    const parent = capturingLogger({ level: 'info' });
    const log = updateLogger(parent.logger, { update_id: 7, user_id: 42 });
    log.debug('not written at info');
    log.trace({ detail: 1 }, 'nor this');
    assert.equal(parent.children(), 0);
    assert.deepEqual(parent.lines, []);
  });

  test('its first message makes one child with the update’s fields, and every message carries them', () => {
    const parent = capturingLogger({ level: 'debug' });
    const log = updateLogger(parent.logger, { update_id: 7, user_id: 42 });
    log.info({ status: 'member' }, 'bot membership changed');
    log.warn('made %s calls', 'two');
    log.debug('duplicate update dropped');
    assert.equal(parent.children(), 1);
    assert.deepEqual(parent.lines, [
      { level: 30, update_id: 7, user_id: 42, status: 'member', msg: 'bot membership changed' },
      { level: 40, update_id: 7, user_id: 42, msg: 'made two calls' },
      { level: 20, update_id: 7, user_id: 42, msg: 'duplicate update dropped' },
    ]);
  });

  test('errors are serialised and bound fields redacted as pino does for a child', () => {
    const parent = capturingLogger({ level: 'info', redact: ['token'] });
    const log = updateLogger(parent.logger, { update_id: 8, token: 'secret' });
    log.error({ err: new Error('the database is down') }, 'handler failed');
    const [line] = parent.lines;
    assert.equal(line?.token, '[Redacted]');
    assert.equal((line?.err as { message?: string } | undefined)?.message, 'the database is down');
    assert.equal(line?.msg, 'handler failed');
  });
});
