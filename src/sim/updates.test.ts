import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ApiUpdate } from './api-types.ts';
import { createSimulator } from './simulator.ts';
import type { TelegramSimulator } from './simulator.ts';
import { call, ok, rejects } from './test-helpers.ts';

let sim: TelegramSimulator;
beforeEach(() => {
  sim = createSimulator({ rateLimits: false });
});
afterEach(async () => {
  await sim.close();
});

const texts = (updates: ApiUpdate[]) => updates.map((u) => (u.message as { text?: string } | undefined)?.text);

describe('getUpdates', () => {
  test('updates stay queued until a higher offset confirms them; limit caps one batch', async () => {
    const user = sim.user({ id: 1, first_name: 'A' });
    for (const text of ['one', 'two', 'three']) await user.send(text);
    const firstBatch = await ok<ApiUpdate[]>(sim, 'getUpdates', { limit: 2 });
    assert.deepEqual(texts(firstBatch), ['one', 'two']);
    assert.deepEqual(texts(await ok<ApiUpdate[]>(sim, 'getUpdates', {})), ['one', 'two', 'three'], 'nothing confirmed yet');
    const second = firstBatch[1] as ApiUpdate;
    assert.deepEqual(texts(await ok<ApiUpdate[]>(sim, 'getUpdates', { offset: second.update_id + 1 })), ['three']);
    assert.deepEqual(texts(await ok<ApiUpdate[]>(sim, 'getUpdates', { offset: second.update_id })), ['three'], 'confirmed updates are gone for good');
  });

  test('a negative offset keeps only the newest updates', async () => {
    const user = sim.user({ id: 1, first_name: 'A' });
    for (const text of ['one', 'two', 'three']) await user.send(text);
    assert.deepEqual(texts(await ok<ApiUpdate[]>(sim, 'getUpdates', { offset: -1 })), ['three']);
    assert.deepEqual(texts(await ok<ApiUpdate[]>(sim, 'getUpdates', {})), ['three']);
  });

  test('a long poll waits for the next update and returns it at once', async () => {
    const user = sim.user({ id: 1, first_name: 'A' });
    const startedMs = Date.now();
    const poll = ok<ApiUpdate[]>(sim, 'getUpdates', { timeout: 5 });
    setTimeout(() => void user.send('late'), 30);
    assert.deepEqual(texts(await poll), ['late']);
    assert.ok(Date.now() - startedMs < 2000, 'answered when the update came, not at the timeout');
  });

  test('a long poll with nothing to deliver returns an empty list after its timeout', async () => {
    const short = createSimulator({ longPollMaxMs: 50 });
    try {
      const startedMs = Date.now();
      assert.deepEqual(await ok(short, 'getUpdates', { timeout: 30 }), []);
      const waitedMs = Date.now() - startedMs;
      assert.ok(waitedMs >= 40 && waitedMs < 1000, `waited ${waitedMs} ms (capped by longPollMaxMs)`);
    } finally {
      await short.close();
    }
  });

  test('a second concurrent getUpdates ends the first with 409', async () => {
    const first = call(sim, 'getUpdates', { timeout: 5 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = call(sim, 'getUpdates', { timeout: 0 });
    assert.deepEqual(await first, {
      ok: false,
      error_code: 409,
      description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    assert.deepEqual(await second, { ok: true, result: [] });
  });

  test('allowed_updates filters what gets queued; chat_member needs to be asked for', async () => {
    const user = sim.user({ id: 1, first_name: 'A' });
    sim.group({ id: -7, title: 'G', members: [] });
    await ok(sim, 'getUpdates', { allowed_updates: ['callback_query'] });
    await user.send('ignored');
    assert.deepEqual(await ok(sim, 'getUpdates', {}), []);
    await ok(sim, 'getUpdates', { allowed_updates: [] });
    sim.setMember(-7, 1, 'member');
    await user.send('seen');
    assert.deepEqual(texts(await ok<ApiUpdate[]>(sim, 'getUpdates', {})), ['seen'], 'the chat_member update was not queued');
    await ok(sim, 'getUpdates', { allowed_updates: ['chat_member'], offset: -1 });
    sim.setMember(-7, 1, 'left');
    const [update] = await ok<ApiUpdate[]>(sim, 'getUpdates', { offset: -1 });
    assert.equal((update?.chat_member as { new_chat_member: { status: string } }).new_chat_member.status, 'left');
  });

  test('getUpdates while a webhook is set is a 409 conflict, and deleteWebhook can drop pending updates', async () => {
    const user = sim.user({ id: 1, first_name: 'A' });
    await ok(sim, 'setWebhook', { url: 'http://127.0.0.1:9/hook' });
    await rejects(sim, 'getUpdates', {}, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    await user.send('pending');
    await ok(sim, 'deleteWebhook', { drop_pending_updates: true });
    assert.deepEqual(await ok(sim, 'getUpdates', {}), []);
  });
});
