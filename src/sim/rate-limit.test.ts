import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiResponse } from './api-types.ts';
import { createSimulator } from './simulator.ts';
import type { SimulatorOptions } from './simulator.ts';
import { call } from './test-helpers.ts';

function world(options: SimulatorOptions = {}) {
  const clock = { nowMs: 1_700_000_000_000 };
  const sim = createSimulator({ clock: () => clock.nowMs, ...options });
  return { sim, clock };
}

const send = (sim: ReturnType<typeof createSimulator>, chatId: number, extra: Record<string, unknown> = {}): Promise<ApiResponse> =>
  call(sim, 'sendMessage', { chat_id: chatId, text: 'x', ...extra });

function assert429(response: ApiResponse, retryAfterSec: number): void {
  assert.equal(response.ok, false);
  if (response.ok) return;
  assert.deepEqual(response, {
    ok: false,
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfterSec}`,
    parameters: { retry_after: retryAfterSec },
  });
}

describe('flood limits', () => {
  test('a private chat takes a burst of 3, then answers 429 with retry_after until a second passes', async () => {
    const { sim, clock } = world();
    sim.user({ id: 1, first_name: 'A', hasStartedBot: true });
    for (let i = 0; i < 3; i++) assert.equal((await send(sim, 1)).ok, true);
    assert429(await send(sim, 1), 1);
    clock.nowMs += 1000;
    assert.equal((await send(sim, 1)).ok, true);
    assert429(await send(sim, 1), 1);
    assert.equal(sim.stats().tooManyRequests, 2);
    assert.equal(sim.stats().messagesSentByChat['1'], 4);
    await sim.close();
  });

  test('about 30 messages a second across chats, then 429; paid broadcast draws from its own, larger budget', async () => {
    const { sim, clock } = world();
    for (let id = 1; id <= 40; id++) sim.user({ id, first_name: `U${id}`, hasStartedBot: true });
    for (let id = 1; id <= 30; id++) assert.equal((await send(sim, id)).ok, true, `message ${id}`);
    assert429(await send(sim, 31), 1);
    for (let id = 31; id <= 40; id++) assert.equal((await send(sim, id, { allow_paid_broadcast: true })).ok, true, `paid ${id}`);
    clock.nowMs += 1000;
    assert.equal((await send(sim, 31)).ok, true);
    await sim.close();
  });

  test('after a quiet spell the bot still gets no more than 30 messages into any one second', async () => {
    const { sim, clock } = world();
    for (let id = 1; id <= 60; id++) sim.user({ id, first_name: `U${id}`, hasStartedBot: true });
    clock.nowMs += 60_000;
    for (let id = 1; id <= 15; id++) assert.equal((await send(sim, id)).ok, true, `message ${id}`);
    clock.nowMs += 500;
    for (let id = 16; id <= 30; id++) assert.equal((await send(sim, id)).ok, true, `message ${id}`);
    // Half a second later the first fifteen are still within the last second.
    clock.nowMs += 499;
    assert429(await send(sim, 31), 1);
    clock.nowMs += 1;
    for (let id = 31; id <= 45; id++) assert.equal((await send(sim, id)).ok, true, `message ${id}`);
    assert429(await send(sim, 46), 1);
    await sim.close();
  });

  test('a group takes 20 messages a minute and asks to wait whole seconds after that', async () => {
    const { sim, clock } = world();
    sim.group({ id: -10, title: 'G', members: [] });
    for (let i = 0; i < 20; i++) assert.equal((await send(sim, -10)).ok, true);
    assert429(await send(sim, -10), 3);
    clock.nowMs += 3000;
    assert.equal((await send(sim, -10)).ok, true);
    await sim.close();
  });

  test('edits and chat actions are not counted, and rateLimits: false turns limits off', async () => {
    const { sim } = world();
    sim.user({ id: 1, first_name: 'A', hasStartedBot: true });
    for (let i = 0; i < 3; i++) await send(sim, 1);
    assert.equal((await call(sim, 'sendChatAction', { chat_id: 1, action: 'typing' })).ok, true);
    assert.equal((await call(sim, 'editMessageText', { chat_id: 1, message_id: 1, text: 'edited' })).ok, true);
    await sim.close();
    const unlimited = world({ rateLimits: false }).sim;
    unlimited.user({ id: 1, first_name: 'A', hasStartedBot: true });
    for (let i = 0; i < 50; i++) assert.equal((await send(unlimited, 1)).ok, true);
    await unlimited.close();
  });
});
