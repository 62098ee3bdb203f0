import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DroppedRequestError } from './api-error.ts';
import { createSimulator } from './simulator.ts';
import { call } from './test-helpers.ts';

describe('fault injection in-process', () => {
  test('server_error fires for its count on the named method only, then calls recover', async () => {
    const sim = createSimulator();
    sim.injectFault({ method: 'getMe', kind: 'server_error', count: 2 });
    assert.deepEqual(await call(sim, 'getWebhookInfo'), { ok: true, result: { url: '', has_custom_certificate: false, pending_update_count: 0 } });
    assert.deepEqual(await call(sim, 'getMe'), { ok: false, error_code: 500, description: 'Internal Server Error' });
    assert.equal((await call(sim, 'getMe')).ok, false);
    assert.equal((await call(sim, 'getMe')).ok, true);
    assert.equal(sim.stats().faultsFired, 2);
    await sim.close();
  });

  test('slow delays the answer by delayMs', async () => {
    const sim = createSimulator();
    sim.injectFault({ kind: 'slow', delayMs: 60 });
    const startedMs = Date.now();
    assert.equal((await call(sim, 'getMe')).ok, true);
    assert.ok(Date.now() - startedMs >= 50);
    await sim.close();
  });

  test('drop rejects in-process; with afterEffect the message is stored first, as in a lost response', async () => {
    const sim = createSimulator({ rateLimits: false });
    const user = sim.user({ id: 1, first_name: 'A', hasStartedBot: true });
    sim.injectFault({ method: 'sendMessage', kind: 'drop' });
    await assert.rejects(call(sim, 'sendMessage', { chat_id: 1, text: 'lost' }), DroppedRequestError);
    assert.equal(user.chat().messages.length, 0);
    sim.injectFault({ method: 'sendMessage', kind: 'drop', afterEffect: true });
    await assert.rejects(call(sim, 'sendMessage', { chat_id: 1, text: 'delivered' }), DroppedRequestError);
    assert.deepEqual(user.chat().messages.map((m) => m.text), ['delivered']);
    sim.clearFaults();
    await sim.close();
  });

  test('bad_request answers 400 with its description, even with afterEffect, and the call changes nothing', async () => {
    const sim = createSimulator({ rateLimits: false });
    const user = sim.user({ id: 1, first_name: 'A', hasStartedBot: true });
    sim.injectFault({ method: 'sendMessage', kind: 'bad_request', description: 'Bad Request: PAYMENT_PROVIDER_INVALID', afterEffect: true });
    assert.deepEqual(await call(sim, 'sendMessage', { chat_id: 1, text: 'refused' }), { ok: false, error_code: 400, description: 'Bad Request: PAYMENT_PROVIDER_INVALID' });
    assert.equal(user.chat().messages.length, 0);
    assert.equal((await call(sim, 'sendMessage', { chat_id: 1, text: 'next' })).ok, true);
    await sim.close();
  });
});
