import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CircuitOpenError, createCircuitBreaker } from './circuit-breaker.ts';
import { GatewayRejectedError, callWithRetry } from './retry.ts';

const failing = () => Promise.reject(new Error('gateway down'));

describe('circuit breaker', () => {
  test('it opens after the configured number of consecutive failures and then refuses without calling', async () => {
    const breaker = createCircuitBreaker({ name: 'gw', failureThreshold: 3, openMs: 1000, now: () => 0 });
    for (let i = 0; i < 3; i += 1) await assert.rejects(breaker.execute(failing), /gateway down/);
    assert.equal(breaker.state(), 'open');
    let called = false;
    await assert.rejects(breaker.execute(async () => (called = true)), (error: unknown) => error instanceof CircuitOpenError && error.code === 'payments.gateway_unavailable');
    assert.equal(called, false);
    assert.equal(breaker.snapshot().retryAtMs, 1000);
  });

  test('a success in between resets the failure count', async () => {
    const breaker = createCircuitBreaker({ name: 'gw', failureThreshold: 2, openMs: 1000, now: () => 0 });
    await assert.rejects(breaker.execute(failing));
    await breaker.execute(async () => 'ok');
    await assert.rejects(breaker.execute(failing));
    assert.equal(breaker.state(), 'closed');
  });

  test('after the open period one probe goes through; its success closes the circuit', async () => {
    let clock = 0;
    const breaker = createCircuitBreaker({ name: 'gw', failureThreshold: 1, openMs: 500, now: () => clock });
    await assert.rejects(breaker.execute(failing));
    clock = 500;
    assert.equal(breaker.state(), 'half_open');
    let release: () => void = () => undefined;
    const probe = breaker.execute(() => new Promise<string>((resolve) => (release = () => resolve('ok'))));
    assert.equal(breaker.allows(), false, 'only one probe at a time');
    await assert.rejects(breaker.execute(async () => 'second'), CircuitOpenError);
    release();
    assert.equal(await probe, 'ok');
    assert.equal(breaker.state(), 'closed');
  });

  test('a failed probe opens the circuit for another full period', async () => {
    let clock = 0;
    const breaker = createCircuitBreaker({ name: 'gw', failureThreshold: 1, openMs: 500, now: () => clock });
    await assert.rejects(breaker.execute(failing));
    clock = 600;
    await assert.rejects(breaker.execute(failing), /gateway down/);
    assert.equal(breaker.state(), 'open');
    clock = 1000;
    assert.equal(breaker.state(), 'open');
    clock = 1100;
    assert.equal(breaker.state(), 'half_open');
  });
});

describe('retries', () => {
  test('a failing call is retried with growing delays until it succeeds', async () => {
    const delays: number[] = [];
    let attempts = 0;
    const result = await callWithRetry(
      async () => {
        attempts += 1;
        if (attempts < 3) throw new Error('timeout');
        return 'done';
      },
      { attempts: 3, timeoutMs: 1000, backoffMs: 100, sleep: async (ms) => void delays.push(ms) },
    );
    assert.equal(result, 'done');
    assert.deepEqual(delays, [100, 200]);
  });

  test('a request the gateway rejects (4xx) is not retried', async () => {
    let attempts = 0;
    await assert.rejects(
      callWithRetry(
        async () => {
          attempts += 1;
          throw new GatewayRejectedError('invalid sign', 401);
        },
        { attempts: 3, timeoutMs: 1000, backoffMs: 1, sleep: async () => undefined },
      ),
      GatewayRejectedError,
    );
    assert.equal(attempts, 1);
  });

  test('each attempt is aborted after its timeout', async () => {
    const started = Date.now();
    await assert.rejects(
      callWithRetry((signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))), { attempts: 2, timeoutMs: 50, backoffMs: 1 }),
      /aborted/,
    );
    assert.ok(Date.now() - started < 1000);
  });
});
