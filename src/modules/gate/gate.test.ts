import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGateService, gateSettingsSchema, isMember, type GateChannel, type MemberStatus } from './gate.service.ts';

const NEWS: GateChannel = { chatId: -1001, title: 'News', url: 'https://t.me/news_channel' };
const DEALS: GateChannel = { chatId: '@deals_channel', title: 'Deals', url: 'https://t.me/deals_channel' };

function setup(channels: GateChannel[] = [NEWS, DEALS], cacheSeconds = 60) {
  let nowMs = 1_000_000;
  const errors: unknown[] = [];
  const members = new Map<string, MemberStatus>();
  const calls: string[] = [];
  const gate = createGateService({
    settings: gateSettingsSchema.parse({ channels, cacheSeconds }),
    now: () => nowMs,
    onLookupError: (_channel, error) => errors.push(error),
  });
  const lookup = async (chatId: number | string, userId: number): Promise<MemberStatus> => {
    calls.push(`${chatId}:${userId}`);
    if (chatId === -999) throw new Error('Bad Request: member list is inaccessible');
    return members.get(`${chatId}:${userId}`) ?? { status: 'left' };
  };
  return { gate, lookup, members, calls, errors, advance: (ms: number) => (nowMs += ms) };
}

describe('the channel subscription gate', () => {
  test('members, admins, the creator and restricted members still in the chat pass; others do not', () => {
    for (const status of ['member', 'administrator', 'creator']) assert.equal(isMember({ status }), true, status);
    assert.equal(isMember({ status: 'restricted', is_member: true }), true);
    assert.equal(isMember({ status: 'restricted', is_member: false }), false);
    for (const status of ['left', 'kicked']) assert.equal(isMember({ status }), false, status);
  });

  test('a user sees exactly the channels they have not joined', async () => {
    const { gate, lookup, members } = setup();
    assert.deepEqual(await gate.missingChannels(1, lookup), [NEWS, DEALS]);
    members.set('-1001:2', { status: 'member' });
    assert.deepEqual(await gate.missingChannels(2, lookup), [DEALS]);
  });

  test('answers are cached briefly, and "Check again" asks Telegram anew', async () => {
    const { gate, lookup, members, calls, advance } = setup([NEWS]);
    assert.equal((await gate.missingChannels(3, lookup)).length, 1);
    members.set('-1001:3', { status: 'member' });
    assert.equal((await gate.missingChannels(3, lookup)).length, 1, 'still the cached answer');
    assert.equal(calls.length, 1);
    assert.equal((await gate.missingChannels(3, lookup, { force: true })).length, 0);
    assert.equal(calls.length, 2);
    members.set('-1001:3', { status: 'left' });
    assert.equal((await gate.missingChannels(3, lookup)).length, 0, 'cached for up to a minute');
    advance(61_000);
    assert.equal((await gate.missingChannels(3, lookup)).length, 1, 'asked again after the cache expired');
  });

  test('a channel the bot cannot check lets the user through and is reported', async () => {
    const { gate, lookup, errors } = setup([{ chatId: -999, title: 'Broken', url: 'https://t.me/broken' }]);
    assert.deepEqual(await gate.missingChannels(4, lookup), []);
    assert.equal(errors.length, 1);
  });

  test('without channels the gate is off, and bad channel settings are refused', () => {
    assert.equal(setup([]).gate.enabled, false);
    assert.equal(setup().gate.enabled, true);
    assert.throws(() => gateSettingsSchema.parse({ channels: [{ chatId: -1, title: 'X', url: 'http://insecure.example' }] }));
    assert.throws(() => gateSettingsSchema.parse({ channels: [{ chatId: 'no-at-sign', title: 'X', url: 'https://t.me/x' }] }));
  });
});
