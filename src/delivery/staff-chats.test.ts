import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api } from 'grammy';
import { silentLogger } from '../observability/logger.ts';
import { createSimulator, startSimulatorServer, type SimulatorServer, type TelegramSimulator } from '../sim/index.ts';
import { createStaffChatsCheck, staffChatIds, type StaffChatsDeps } from './staff-chats.ts';

const TOKEN = '777001:STAFF-CHATS-TEST';
const STARTED = 3001;
const NOT_STARTED = 3002;
const GROUP_WITH_BOT = -4001;
const GROUP_WITHOUT_BOT = -4002;
const MUTED_GROUP = -4003;
const UNKNOWN_GROUP = -4999;

describe('the staff-chat check', () => {
  let sim: TelegramSimulator;
  let server: SimulatorServer;
  let api: Api;

  before(async () => {
    sim = createSimulator({ token: TOKEN, rateLimits: false });
    server = await startSimulatorServer({ sim });
    api = new Api(TOKEN, { apiRoot: server.apiRoot });
    sim.user({ id: STARTED, first_name: 'Owner', hasStartedBot: true });
    sim.user({ id: NOT_STARTED, first_name: 'Manager' });
    sim.group({ id: GROUP_WITH_BOT, title: 'Orders', members: [STARTED] });
    sim.group({ id: GROUP_WITHOUT_BOT, title: 'Old orders', members: [STARTED] });
    sim.setMember(GROUP_WITHOUT_BOT, sim.botInfo.id, 'kicked');
    sim.group({ id: MUTED_GROUP, title: 'Muted', members: [STARTED] });
    sim.setMember(MUTED_GROUP, sim.botInfo.id, 'restricted');
  });
  after(async () => {
    await server.close();
  });

  const checkFor = (chatIds: number[], overrides: Partial<StaffChatsDeps> = {}) =>
    createStaffChatsCheck({
      api,
      chatIds: () => chatIds,
      me: async () => sim.botInfo,
      logger: silentLogger(),
      keptForMs: 3 * 86_400_000,
      ...overrides,
    });

  test('a staff member who pressed Start and a group the bot is in are reachable', async () => {
    const states = await checkFor([STARTED, GROUP_WITH_BOT]).check();
    assert.deepEqual(states, [
      { chatId: STARTED, state: 'reachable' },
      { chatId: GROUP_WITH_BOT, state: 'reachable' },
    ]);
  });

  test('a staff member who never pressed Start is named, with the bot\'s link and how long their messages are kept', async () => {
    const [state] = await checkFor([NOT_STARTED]).check();
    assert.equal(state?.state, 'unreachable');
    assert.equal(
      state?.reason,
      `Staff chat ${NOT_STARTED} cannot be reached: this Telegram user has not started the bot. Ask them to open t.me/${sim.botInfo.username} and press Start; their notifications are kept for 3 days and sent then.`,
    );
  });

  test('a group the bot was removed from, one where it may not post and one Telegram does not know each say to add the bot and let it post', async () => {
    const states = await checkFor([GROUP_WITHOUT_BOT, MUTED_GROUP, UNKNOWN_GROUP]).check();
    assert.deepEqual(
      states.map((item) => item.state),
      ['unreachable', 'unreachable', 'unreachable'],
    );
    assert.match(states[0]?.reason ?? '', /the bot is not a member of this group\. To fix it, add the bot to the group and allow it to post messages there/);
    assert.match(states[1]?.reason ?? '', /the bot may not post in this group/);
    assert.match(states[2]?.reason ?? '', /Telegram knows no such group for this bot/);
  });

  test('the answer is reused for a minute, then Telegram is asked again', async () => {
    let nowMs = 1_000_000;
    const check = checkFor([STARTED], { clock: () => nowMs });
    sim.resetStats();
    await check.check();
    await check.check();
    assert.equal(sim.stats().calls.getChat, 1);
    nowMs += 61_000;
    await check.check();
    assert.equal(sim.stats().calls.getChat, 2);
  });

  test('an answer in doubt (Telegram failing) is reported as not checked and asked again next time', async () => {
    const check = checkFor([STARTED]);
    sim.injectFault({ method: 'getChat', kind: 'server_error', count: 1 });
    const [doubtful] = await check.check();
    assert.equal(doubtful?.state, 'unknown');
    assert.match(doubtful?.reason ?? '', /could not be checked just now/);
    const [again] = await check.check();
    assert.equal(again?.state, 'reachable');
  });

  test('readiness lists the check as non-critical, failing with the reasons when a chat cannot be reached', async () => {
    const readiness = checkFor([STARTED, NOT_STARTED]).readiness();
    assert.equal(readiness.name, 'staff-chats');
    assert.equal(readiness.critical, false);
    const result = await readiness.check();
    assert.equal(result.ok, false);
    assert.match(result.detail ?? '', new RegExp(`^Staff chat ${NOT_STARTED} cannot be reached`));
    assert.deepEqual(await checkFor([STARTED]).readiness().check(), { ok: true, detail: '1 staff chat reachable' });
  });

  test('staff chats are the configured staff groups when there are any, else the admins', () => {
    assert.deepEqual(staffChatIds({ adminChatIds: [GROUP_WITH_BOT] }, [STARTED]), [GROUP_WITH_BOT]);
    assert.deepEqual(staffChatIds({ adminChatIds: [] }, [STARTED, NOT_STARTED]), [STARTED, NOT_STARTED]);
  });
});
