import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BreakerOpen, createBreaker } from './breaker.ts';

class Down extends Error {}
class No extends Error {}

describe('the circuit breaker', () => {
  const setup = () => {
    let nowMs = 0;
    const events: string[] = [];
    const breaker = createBreaker({
      failures: 3,
      pauseMs: 1000,
      now: () => nowMs,
      isFailure: (error) => error instanceof Down,
      onOpen: () => events.push('open'),
      onClose: () => events.push('close'),
    });
    let calls = 0;
    const call = (outcome: 'ok' | 'down' | 'no') =>
      breaker.run(async () => {
        calls += 1;
        if (outcome === 'down') throw new Down('down');
        if (outcome === 'no') throw new No('no');
        return 'ok';
      });
    return { breaker, events, call, calls: () => calls, advance: (ms: number) => (nowMs += ms) };
  };

  test('opens after failures in a row only: a refusal in between is an answer and resets the count', async () => {
    const { breaker, events, call } = setup();
    await assert.rejects(call('down'), Down);
    await assert.rejects(call('down'), Down);
    await assert.rejects(call('no'), No);
    await assert.rejects(call('down'), Down);
    await assert.rejects(call('down'), Down);
    assert.equal(breaker.state(), 'closed');
    await assert.rejects(call('down'), Down);
    assert.equal(breaker.state(), 'open');
    assert.deepEqual(events, ['open']);
  });

  test('while open nothing is called; after the pause calls go through again, a failure pauses again and a success closes', async () => {
    const { breaker, events, call, calls, advance } = setup();
    for (let index = 0; index < 3; index += 1) await assert.rejects(call('down'), Down);
    const before = calls();
    await assert.rejects(call('ok'), BreakerOpen);
    assert.equal(calls(), before, 'not called while paused');
    advance(1000);
    assert.equal(breaker.state(), 'half_open');
    await assert.rejects(call('down'), Down);
    assert.equal(breaker.state(), 'open', 'a failed trial pauses again');
    assert.deepEqual(events, ['open'], 'the staff hear of one outage once');
    advance(1000);
    assert.equal(await call('ok'), 'ok');
    assert.equal(breaker.state(), 'closed');
    assert.deepEqual(events, ['open', 'close']);
  });
});
