import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ApiUpdate } from './api-types.ts';
import { createSimulator } from './simulator.ts';
import type { TelegramSimulator } from './simulator.ts';
import { drainUpdates, ok } from './test-helpers.ts';

let sim: TelegramSimulator;
beforeEach(() => {
  sim = createSimulator({ rateLimits: false });
});
afterEach(async () => {
  await sim.close();
});

describe('the user actor API', () => {
  test('waitForMessage returns each bot message once, in order, including ones that came before the wait', async () => {
    const user = sim.user({ id: 1, first_name: 'A' });
    await user.send('go');
    await ok(sim, 'sendMessage', { chat_id: 1, text: 'first' });
    await ok(sim, 'sendMessage', { chat_id: 1, text: 'second' });
    assert.equal((await user.waitForMessage()).text, 'first');
    assert.equal((await user.waitForMessage()).text, 'second');
    const later = user.waitForMessage((m) => m.text === 'third', { timeoutMs: 1000 });
    await ok(sim, 'sendMessage', { chat_id: 1, text: 'third' });
    assert.equal((await later).text, 'third');
  });

  test('a new action skips bot messages that arrived before it, and a wait with nothing coming times out', async () => {
    const user = sim.user({ id: 1, first_name: 'A' });
    await user.send('go');
    await ok(sim, 'sendMessage', { chat_id: 1, text: 'old' });
    await user.send('again');
    await assert.rejects(user.waitForMessage(undefined, { timeoutMs: 30 }), /no matching bot message/);
  });

  test('edits count as messages for waitForMessage', async () => {
    const user = sim.user({ id: 1, first_name: 'A' });
    await user.send('go');
    const sent = await ok<{ message_id: number }>(sim, 'sendMessage', { chat_id: 1, text: 'v1' });
    await user.waitForMessage();
    await ok(sim, 'editMessageText', { chat_id: 1, message_id: sent.message_id, text: 'v2' });
    const edited = await user.waitForMessage();
    assert.deepEqual([edited.text, edited.edited], ['v2', true]);
  });

  test('pressing a missing button explains what is visible', async () => {
    const user = sim.user({ id: 1, first_name: 'A', hasStartedBot: true });
    await ok(sim, 'sendMessage', { chat_id: 1, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'y' }]] } });
    await assert.rejects(user.pressButton('No'), /no inline button "No" in chat 1; visible: "Yes" \(message 1\)/);
  });

  test('pressCallback sends any data for a message and resolves with the answer, or undefined on silence', async () => {
    const user = sim.user({ id: 1, first_name: 'A', hasStartedBot: true });
    const sent = await ok<{ message_id: number }>(sim, 'sendMessage', { chat_id: 1, text: 'x' });
    const answered = user.pressCallback(sent.message_id, 'forged:1', { timeoutMs: 1000 });
    const [update] = await drainUpdates(sim);
    const query = update?.callback_query as { id: string; data: string };
    assert.equal(query.data, 'forged:1');
    await ok(sim, 'answerCallbackQuery', { callback_query_id: query.id, text: 'Out of date' });
    assert.equal((await answered)?.text, 'Out of date');
    assert.equal(await user.pressCallback(sent.message_id, 'ignored', { timeoutMs: 20 }), undefined);
  });

  test('changing the live profile changes the sender the bot sees next', async () => {
    const user = sim.user({ id: 1, first_name: 'Айгерим', language_code: 'ru' });
    user.profile.first_name = 'Aigerim';
    await user.send('hi');
    const [update] = (await ok<ApiUpdate[]>(sim, 'getUpdates', {})) as Array<{ message?: { from: { first_name: string }; chat: { first_name: string } } }>;
    assert.equal(update?.message?.from.first_name, 'Aigerim');
    assert.equal(update?.message?.chat.first_name, 'Aigerim');
  });

  test('a user photo is stored so the bot can getFile it', async () => {
    const user = sim.user({ id: 1, first_name: 'A' });
    const sent = await user.sendPhoto(Buffer.from('not really an image'), 'receipt');
    const file = await ok<{ file_path: string; file_size: number }>(sim, 'getFile', { file_id: sent.photo?.[0]?.file_id });
    assert.equal(file.file_size, 19);
    assert.deepEqual(sim.fileByPath(file.file_path)?.data, Buffer.from('not really an image'));
  });
});
