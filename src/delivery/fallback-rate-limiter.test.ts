import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withLocalFallback } from './fallback-rate-limiter.ts';
import { createRateLimiter, type SendRateLimiter } from './rate-limiter.ts';

/** A shared limiter whose store is gone: every call fails as a Redis command does while it reconnects. */
function brokenShared(calls: string[]): SendRateLimiter {
  const fail = (name: string) => {
    calls.push(name);
    return Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
  };
  return {
    limits: createRateLimiter().limits,
    tryAcquire: () => fail('tryAcquire'),
    acquire: () => fail('acquire'),
    pauseUntil: () => fail('pauseUntil'),
  };
}

describe('the send limiter while Redis is down', () => {
  test('a failing shared limiter hands the send to the local one, which then counts it', async () => {
    const calls: string[] = [];
    const fallbacks: unknown[] = [];
    const limiter = withLocalFallback({
      shared: brokenShared(calls),
      local: createRateLimiter({ limits: { privatePerSecond: 1 } }),
      available: () => true,
      onFallback: (error) => fallbacks.push(error),
    });
    // A fresh limiter lets the first message out after a moment (see createRateLimiter).
    let first = await limiter.tryAcquire({ chatId: 42 });
    if (!first.ok) {
      assert.equal(first.scope, 'global');
      await new Promise((resolve) => setTimeout(resolve, first.ok ? 0 : first.waitMs + 5));
      first = await limiter.tryAcquire({ chatId: 42 });
    }
    assert.equal(first.ok, true);
    // The local window now holds the chat's one message for this second.
    const second = await limiter.tryAcquire({ chatId: 42 });
    assert.deepEqual(second.ok ? 'ok' : second.scope, 'chat');
    await limiter.acquire({});
    assert.ok(calls.length >= 3 && calls.every((name) => name === 'tryAcquire' || name === 'acquire'), calls.join());
    assert.equal(fallbacks.length, calls.length);
  });

  test('while the store is known to be disconnected the shared limiter is not even asked, and a 429 pause still holds', async () => {
    const calls: string[] = [];
    const limiter = withLocalFallback({ shared: brokenShared(calls), local: createRateLimiter(), available: () => false });
    await limiter.pauseUntil(Date.now() + 60_000);
    const permit = await limiter.tryAcquire({ chatId: 7 });
    assert.equal(permit.ok, false);
    assert.deepEqual(calls, []);
  });
});
