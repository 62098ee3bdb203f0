import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Api } from 'grammy';
import { startSimulatorServer } from '../../sim/index.ts';
import { createGateService, gateSettingsSchema, isMember, type GateChannel, type MemberStatus } from './gate.service.ts';
import { checkChannelAccess, gatePanelSchema, gateSettingsSection } from './gate.settings.ts';

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

describe('the mandatory channels edited while the bot runs', () => {
  test('a channel given as text, by number or by @username, gets a join link when it can have one', () => {
    const parsed = gatePanelSchema.parse({ channels: [{ chatId: ' -1001234567890 ', title: 'News', url: 'https://t.me/+AbCdEf' }, { chatId: '@deals_channel', title: 'Deals' }] });
    assert.deepEqual(parsed.channels, [
      { chatId: -1001234567890, title: 'News', url: 'https://t.me/+AbCdEf' },
      { chatId: '@deals_channel', title: 'Deals', url: 'https://t.me/deals_channel' },
    ]);
    const issues = (input: unknown) => (gatePanelSchema.safeParse(input).error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    assert.deepEqual(issues({ channels: [{ chatId: -1001, title: 'News' }] }), ['channels.0.url: a join link is needed for a channel given by its numeric id']);
    assert.deepEqual(issues({ channels: [{ chatId: -1001, title: 'News', url: 't.me/news' }] }), ['channels.0.url: expected an https:// or tg:// link, such as https://t.me/lavka_news']);
    assert.deepEqual(issues({ channels: [{ chatId: 'news', title: 'News', url: 'https://t.me/news' }] }), ['channels.0.chatId: expected a chat id such as -1001234567890 or a public @username such as @lavka_news']);
    assert.deepEqual(issues({ channels: [NEWS, { ...NEWS, title: 'News again' }] }), ['channels.1.chatId: -1001 is listed twice']);
  });

  test('a new channel list takes effect at once and forgets only what was cached about the channels that changed', async () => {
    const { gate, lookup, members, calls } = setup([NEWS, DEALS]);
    members.set('-1001:5', { status: 'member' });
    assert.deepEqual(await gate.missingChannels(5, lookup), [DEALS]);
    assert.equal(gate.cachedAnswers, 2);
    const SHOP: GateChannel = { chatId: -1002, title: 'Shop', url: 'https://t.me/shop_channel' };
    gate.setChannels([NEWS, SHOP]);
    assert.deepEqual(gate.channels, [NEWS, SHOP]);
    assert.equal(gate.cachedAnswers, 1, 'the answer about Deals is gone, the one about News stays');
    assert.deepEqual(await gate.missingChannels(5, lookup), [SHOP]);
    assert.deepEqual(calls, ['-1001:5', '@deals_channel:5', '-1002:5'], 'News was not asked again');
    gate.setChannels([]);
    assert.equal(gate.enabled, false);
    assert.equal(gate.cachedAnswers, 0);
  });

  test('Telegram is asked whether the bot can see a new channel’s members before it is added', async () => {
    const server = await startSimulatorServer();
    const api = new Api(server.sim.token, { apiRoot: server.apiRoot });
    try {
      server.sim.channel({ id: -1003001, title: 'Open news', username: 'open_news', botIsAdmin: true });
      server.sim.channel({ id: -1003002, title: 'Closed news', botIsAdmin: false });
      server.sim.group({ id: -1003003, title: 'Customers chat', members: [] });
      const channel = (chatId: number | string, title: string) => ({ chatId, title, url: 'https://t.me/x_channel' });
      assert.equal(await checkChannelAccess(api, channel('@open_news', 'Open news')), undefined);
      assert.equal(await checkChannelAccess(api, channel(-1003003, 'Customers chat')), undefined, 'in a group a member may look members up');
      assert.equal((await checkChannelAccess(api, channel(-1003002, 'Closed news')))?.reason, 'bot_not_admin');
      assert.match((await checkChannelAccess(api, channel(-1003002, 'Closed news')))?.message ?? '', /Make the bot an administrator of the channel first/);
      assert.equal((await checkChannelAccess(api, channel(-1003999, 'Nowhere')))?.reason, 'chat_not_found');

      const gate = setup([]).gate;
      const section = gateSettingsSection({ gate, configured: [] });
      const tools = { telegram: () => api };
      const value = gatePanelSchema.parse({ channels: [channel(-1003002, 'Closed news')] });
      assert.equal((await section.check?.(value, { channels: [] }, tools))?.reason, 'bot_not_admin');
      server.sim.setBotAdmin(-1003002, true);
      assert.equal(await section.check?.(value, { channels: [] }, tools), undefined);
      // Channels already on the list are not asked about again (reordering, a new title).
      server.sim.setBotAdmin(-1003002, false);
      assert.equal(await section.check?.(value, value, tools), undefined);
    } finally {
      await server.close();
    }
  });
});
