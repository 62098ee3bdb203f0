import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ApiMessage } from './api-types.ts';
import { createSimulator } from './simulator.ts';
import type { TelegramSimulator } from './simulator.ts';
import { TINY_PNG, call, drainUpdates, ok, rejects } from './test-helpers.ts';

let sim: TelegramSimulator;
beforeEach(() => {
  sim = createSimulator({ rateLimits: false });
});
afterEach(async () => {
  await sim.close();
});

async function startedUser(id = 42) {
  const user = sim.user({ id, first_name: 'Ann', language_code: 'en' });
  await user.send('/start');
  await drainUpdates(sim);
  return user;
}

describe('sending messages', () => {
  test('a sent message appears in the chat view with its entities, keyboard and from_bot flag', async () => {
    const user = await startedUser();
    const sent = await ok<ApiMessage>(sim, 'sendMessage', {
      chat_id: 42,
      text: '<b>Hello</b>, Ann',
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Shop', callback_data: 'shop' }]] },
    });
    assert.equal(sent.text, 'Hello, Ann');
    assert.deepEqual(sent.entities, [{ type: 'bold', offset: 0, length: 5 }]);
    const last = user.lastMessage();
    assert.equal(last?.message_id, sent.message_id);
    assert.equal(last?.from_bot, true);
    assert.equal(last?.edited, false);
    assert.deepEqual(user.chat().messages.map((m) => [m.text, m.from_bot]), [['/start', false], ['Hello, Ann', true]]);
  });

  test('a user who never wrote to the bot cannot be messaged first', async () => {
    sim.user({ id: 7, first_name: 'Stranger' });
    await rejects(sim, 'sendMessage', { chat_id: 7, text: 'hi' }, 403, "Forbidden: bot can't initiate conversation with a user");
  });

  test('a user who blocked the bot makes sends fail with 403 and the bot hears my_chat_member', async () => {
    const user = await startedUser();
    await user.blockBot();
    await rejects(sim, 'sendMessage', { chat_id: 42, text: 'hi' }, 403, 'Forbidden: bot was blocked by the user');
    const [update] = await drainUpdates(sim);
    assert.equal((update?.my_chat_member as { new_chat_member: { status: string } }).new_chat_member.status, 'kicked');
    await user.unblockBot();
    await ok(sim, 'sendMessage', { chat_id: 42, text: 'welcome back' });
  });

  test('an unknown chat is "chat not found"', async () => {
    await rejects(sim, 'sendMessage', { chat_id: 999, text: 'hi' }, 400, 'Bad Request: chat not found');
  });

  test('text over 4096 characters and a caption over 1024 are refused, counted after parsing', async () => {
    await startedUser();
    await rejects(sim, 'sendMessage', { chat_id: 42, text: 'a'.repeat(4097) }, 400, 'Bad Request: message is too long');
    await ok(sim, 'sendMessage', { chat_id: 42, text: `<b>${'a'.repeat(4096)}</b>`, parse_mode: 'HTML' });
    await rejects(sim, 'sendPhoto', { chat_id: 42, photo: 'attach://p', caption: 'c'.repeat(1025) }, 400, 'Bad Request: message caption is too long', new Map([['p', { filename: 'p.png', mimeType: 'image/png', data: TINY_PNG }]]));
  });

  test('empty text after trimming is "message text is empty"', async () => {
    await startedUser();
    await rejects(sim, 'sendMessage', { chat_id: 42, text: '  <b> </b> ', parse_mode: 'HTML' }, 400, 'Bad Request: message text is empty');
  });

  test('callback_data over 64 bytes is BUTTON_DATA_INVALID and a button without an action is refused', async () => {
    await startedUser();
    await rejects(sim, 'sendMessage', { chat_id: 42, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'я'.repeat(33) }]] } }, 400, 'Bad Request: BUTTON_DATA_INVALID');
    await rejects(sim, 'sendMessage', { chat_id: 42, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'b' }]] } }, 400, /^Bad Request: can't parse inline keyboard button: Text buttons are unallowed/);
    await rejects(sim, 'sendMessage', { chat_id: 42, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'b', url: 'https://a.com', callback_data: 'c' }]] } }, 400, /exactly one of the optional fields/);
  });

  test('an unknown method is 404 and a spec method the simulator lacks says so', async () => {
    await rejects(sim, 'sendTelepathy', {}, 404, 'Not Found');
    await rejects(sim, 'sendDice', { chat_id: 1 }, 400, 'Bad Request: method sendDice is not implemented by the Lavka Telegram simulator');
  });

  test('a wrong token is 401 Unauthorized', async () => {
    const response = await sim.callApi('1:WRONG', 'getMe', {});
    assert.deepEqual(response, { ok: false, error_code: 401, description: 'Unauthorized' });
  });

  test('a media group with attach:// uploads creates one message per item sharing a media_group_id', async () => {
    const user = await startedUser();
    const files = new Map([
      ['one', { filename: 'one.png', mimeType: 'image/png', data: TINY_PNG }],
      ['two', { filename: 'two.pdf', mimeType: 'application/pdf', data: Buffer.from('%PDF') }],
    ]);
    await rejects(sim, 'sendMediaGroup', { chat_id: 42, media: [{ type: 'photo', media: 'attach://one' }] }, 400, /2-10 items/, files);
    const sent = await ok<ApiMessage[]>(sim, 'sendMediaGroup', {
      chat_id: 42,
      media: JSON.stringify([{ type: 'photo', media: 'attach://one', caption: 'first' }, { type: 'photo', media: 'attach://one' }]),
    }, files);
    assert.equal(sent.length, 2);
    assert.equal(sent[0]?.media_group_id, sent[1]?.media_group_id);
    assert.deepEqual(sent[0]?.photo?.map((p) => [p.width, p.height]), [[1, 1]]);
    assert.equal(user.chat().messages.filter((m) => m.media_group_id).length, 2);
  });

  test('a photo re-sent by file_id reuses the stored file and an unknown file_id is refused', async () => {
    await startedUser();
    const first = await ok<ApiMessage>(sim, 'sendPhoto', { chat_id: 42, photo: 'attach://p' }, new Map([['p', { filename: 'p.png', mimeType: 'image/png', data: TINY_PNG }]]));
    const fileId = first.photo?.[0]?.file_id;
    const again = await ok<ApiMessage>(sim, 'sendPhoto', { chat_id: 42, photo: fileId });
    assert.equal(again.photo?.[0]?.file_unique_id, first.photo?.[0]?.file_unique_id);
    await rejects(sim, 'sendPhoto', { chat_id: 42, photo: 'no-such-file' }, 400, 'Bad Request: wrong file identifier/HTTP URL specified');
    const byUrl = await ok<ApiMessage>(sim, 'sendPhoto', { chat_id: 42, photo: 'https://example.com/cat.jpg' });
    assert.equal(sim.file(byUrl.photo?.[0]?.file_id ?? '')?.url, 'https://example.com/cat.jpg');
  });

  test('getFile refuses files over 20 MB', async () => {
    await startedUser();
    const big = Buffer.alloc(21 * 1024 * 1024, 1);
    const sent = await ok<ApiMessage>(sim, 'sendDocument', { chat_id: 42, document: 'attach://d' }, new Map([['d', { filename: 'big.bin', mimeType: 'application/octet-stream', data: big }]]));
    await rejects(sim, 'getFile', { file_id: sent.document?.file_id }, 400, 'Bad Request: file is too big');
  });

  test('sendChatAction is recorded with its time and a wrong action is refused', async () => {
    const user = await startedUser();
    await ok(sim, 'sendChatAction', { chat_id: 42, action: 'typing' });
    assert.equal(user.chat().lastChatAction?.action, 'typing');
    await rejects(sim, 'sendChatAction', { chat_id: 42, action: 'dancing' }, 400, 'Bad Request: wrong parameter action in request');
  });

  test('a reply keyboard shows in the chat view, a contact button shares the user\'s phone and a remove hides it', async () => {
    const user = sim.user({ id: 42, first_name: 'Ann', phone_number: '+15550001122' });
    await user.send('/start');
    await ok(sim, 'sendMessage', {
      chat_id: 42,
      text: 'Share?',
      reply_markup: { keyboard: [[{ text: 'Send phone', request_contact: true }], [{ text: 'Later' }]], one_time_keyboard: true },
    });
    assert.deepEqual(user.chat().replyKeyboard?.keyboard.flat().map((b) => b.text), ['Send phone', 'Later']);
    const contact = await user.pressReplyButton('Send phone');
    assert.deepEqual(contact.contact, { phone_number: '+15550001122', first_name: 'Ann', user_id: 42 });
    assert.equal(user.chat().replyKeyboardCollapsed, true);
    await ok(sim, 'sendMessage', { chat_id: 42, text: 'Thanks', reply_markup: { remove_keyboard: true } });
    assert.equal(user.chat().replyKeyboard, null);
  });
});

describe('editing and deleting', () => {
  test('editing a missing message, with identical content, or a user\'s message is refused with Telegram\'s wording', async () => {
    await startedUser();
    await rejects(sim, 'editMessageText', { chat_id: 42, message_id: 999, text: 'x' }, 400, 'Bad Request: message to edit not found');
    const sent = await ok<ApiMessage>(sim, 'sendMessage', { chat_id: 42, text: 'same', reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'a' }]] } });
    await rejects(
      sim,
      'editMessageText',
      { chat_id: 42, message_id: sent.message_id, text: 'same', reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'a' }]] } },
      400,
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
    await rejects(sim, 'editMessageText', { chat_id: 42, message_id: 1, text: 'x' }, 400, "Bad Request: message can't be edited");
  });

  test('an edit changes the chat view, marks it edited and drops the keyboard when reply_markup is omitted', async () => {
    const user = await startedUser();
    const sent = await ok<ApiMessage>(sim, 'sendMessage', { chat_id: 42, text: 'v1', reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'a' }]] } });
    const edited = await ok<ApiMessage>(sim, 'editMessageText', { chat_id: 42, message_id: sent.message_id, text: 'v2' });
    assert.equal(edited.text, 'v2');
    assert.equal(edited.reply_markup, undefined);
    assert.equal(typeof edited.edit_date, 'number');
    const view = user.chat().messages.find((m) => m.message_id === sent.message_id);
    assert.equal(view?.text, 'v2');
    assert.equal(view?.edited, true);
  });

  test('editMessageText on a photo and editMessageCaption on text are refused', async () => {
    await startedUser();
    const text = await ok<ApiMessage>(sim, 'sendMessage', { chat_id: 42, text: 'plain' });
    const photo = await ok<ApiMessage>(sim, 'sendPhoto', { chat_id: 42, photo: 'https://example.com/a.png' });
    await rejects(sim, 'editMessageText', { chat_id: 42, message_id: photo.message_id, text: 'x' }, 400, 'Bad Request: there is no text in the message to edit');
    await rejects(sim, 'editMessageCaption', { chat_id: 42, message_id: text.message_id, caption: 'x' }, 400, 'Bad Request: there is no caption in the message to edit');
    const captioned = await ok<ApiMessage>(sim, 'editMessageCaption', { chat_id: 42, message_id: photo.message_id, caption: '<i>new</i>', parse_mode: 'HTML' });
    assert.deepEqual([captioned.caption, captioned.caption_entities], ['new', [{ type: 'italic', offset: 0, length: 3 }]]);
  });

  test('deleting removes the message from the view and deleting it again is "message to delete not found"', async () => {
    const user = await startedUser();
    const sent = await ok<ApiMessage>(sim, 'sendMessage', { chat_id: 42, text: 'bye' });
    assert.equal(await ok(sim, 'deleteMessage', { chat_id: 42, message_id: sent.message_id }), true);
    assert.equal(user.chat().messages.some((m) => m.message_id === sent.message_id), false);
    await rejects(sim, 'deleteMessage', { chat_id: 42, message_id: sent.message_id }, 400, 'Bad Request: message to delete not found');
  });
});

describe('callback queries', () => {
  test('pressing a button queues a callback_query; answering twice is refused as too old', async () => {
    const user = await startedUser();
    await ok(sim, 'sendMessage', { chat_id: 42, text: 'Pick', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'pick:a' }, { text: 'Site', url: 'https://lavka.example' }]] } });
    const press = await user.pressButton('A');
    assert.equal(press.type, 'callback');
    const [update] = await drainUpdates(sim);
    const query = update?.callback_query as { id: string; data: string; message: ApiMessage; from: { id: number } };
    assert.equal(query.data, 'pick:a');
    assert.equal(query.from.id, 42);
    assert.equal(query.message.text, 'Pick');
    await rejects(sim, 'answerCallbackQuery', { callback_query_id: query.id, text: 'x'.repeat(201) }, 400, 'Bad Request: MESSAGE_TOO_LONG');
    await ok(sim, 'answerCallbackQuery', { callback_query_id: query.id, text: 'Picked A', show_alert: true });
    assert.deepEqual(user.callbackAnswers().map((a) => [a.text, a.showAlert, a.data]), [['Picked A', true, 'pick:a']]);
    const tooOld = 'Bad Request: query is too old and response timeout expired or query ID is invalid';
    await rejects(sim, 'answerCallbackQuery', { callback_query_id: query.id }, 400, tooOld);
    await rejects(sim, 'answerCallbackQuery', { callback_query_id: 'nope' }, 400, tooOld);
    assert.deepEqual(await user.pressButton('Site'), { type: 'url', url: 'https://lavka.example', messageId: query.message.message_id });
  });

  test('a callback query expires after the configured time', async () => {
    let nowMs = 1_000_000;
    const timed = createSimulator({ rateLimits: false, clock: () => nowMs, callbackQueryTtlMs: 60_000 });
    try {
      const user = timed.user({ id: 5, first_name: 'Tim', hasStartedBot: true });
      await ok(timed, 'sendMessage', { chat_id: 5, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] } });
      const press = await user.pressButton('Go');
      nowMs += 61_000;
      assert.equal(press.type, 'callback');
      if (press.type === 'callback') {
        await rejects(timed, 'answerCallbackQuery', { callback_query_id: press.callbackQueryId }, 400, /query is too old/);
      }
    } finally {
      await timed.close();
    }
  });
});

describe('chats, members and commands', () => {
  test('getChatMember in a channel needs the bot to be an admin there', async () => {
    const user = sim.user({ id: 42, first_name: 'Ann' });
    sim.channel({ id: -1001, title: 'News', username: 'lavka_news' });
    await user.joinChannel(-1001);
    await rejects(sim, 'getChatMember', { chat_id: -1001, user_id: 42 }, 400, 'Bad Request: member list is inaccessible');
    sim.setBotAdmin(-1001, true);
    assert.equal((await ok<{ status: string }>(sim, 'getChatMember', { chat_id: '@lavka_news', user_id: 42 })).status, 'member');
    await user.leaveChannel(-1001);
    assert.equal((await ok<{ status: string }>(sim, 'getChatMember', { chat_id: -1001, user_id: 42 })).status, 'left');
  });

  test('the command list follows Telegram\'s scope and language fallback', async () => {
    sim.user({ id: 42, first_name: 'Ann', language_code: 'ru' });
    await ok(sim, 'setMyCommands', { commands: [{ command: 'start', description: 'Start' }] });
    await ok(sim, 'setMyCommands', { commands: [{ command: 'start', description: 'Начать' }], language_code: 'ru' });
    await ok(sim, 'setMyCommands', { commands: [{ command: 'admin', description: 'Admin' }], scope: { type: 'chat', chat_id: 42 } });
    assert.deepEqual(sim.commandsFor({ chatId: 42, languageCode: 'ru' }).map((c) => c.command), ['admin']);
    await ok(sim, 'deleteMyCommands', { scope: { type: 'chat', chat_id: 42 } });
    assert.deepEqual(sim.commandsFor({ chatId: 42, languageCode: 'ru' }).map((c) => c.description), ['Начать']);
    assert.deepEqual(sim.commandsFor({ chatId: 42, languageCode: 'de' }).map((c) => c.description), ['Start']);
    assert.deepEqual(await ok(sim, 'getMyCommands', { language_code: 'ru' }), [{ command: 'start', description: 'Начать' }]);
    await rejects(sim, 'setMyCommands', { commands: [{ command: 'Bad-Command', description: 'x' }] }, 400, 'Bad Request: BOT_COMMAND_INVALID');
  });

  test('a group upgraded to a supergroup refuses sends with the new id, which then works', async () => {
    const user = sim.user({ id: 42, first_name: 'Ann' });
    sim.group({ id: -500, title: 'Team', members: [42] });
    const upgraded = sim.upgradeGroup(-500, -1_000_000_000_500);
    assert.equal(upgraded.type, 'supergroup');
    const refused = await call(sim, 'sendMessage', { chat_id: -500, text: 'hi all' });
    assert.deepEqual(refused, {
      ok: false,
      error_code: 400,
      description: 'Bad Request: group chat was upgraded to a supergroup chat',
      parameters: { migrate_to_chat_id: -1_000_000_000_500 },
    });
    await ok(sim, 'sendMessage', { chat_id: -1_000_000_000_500, text: 'hi all' });
    assert.equal(user.lastMessage({ chatId: -1_000_000_000_500 })?.text, 'hi all');
    assert.throws(() => sim.upgradeGroup(-500, -1_000_000_000_501), /upgraded already/);
  });

  test('a user in a group can talk there and the bot may answer in the group', async () => {
    const user = sim.user({ id: 42, first_name: 'Ann' });
    sim.group({ id: -500, title: 'Team', members: [42] });
    await user.send('hello team', { chatId: -500 });
    const [update] = await drainUpdates(sim);
    assert.equal((update?.message as ApiMessage).chat.type, 'group');
    await ok(sim, 'sendMessage', { chat_id: -500, text: 'hi all' });
    assert.equal(user.lastMessage({ chatId: -500 })?.text, 'hi all');
  });

  test('stored settings round-trip: descriptions and the menu button', async () => {
    await ok(sim, 'setMyDescription', { description: 'A shop bot' });
    assert.deepEqual(await ok(sim, 'getMyDescription', {}), { description: 'A shop bot' });
    await ok(sim, 'setChatMenuButton', { menu_button: { type: 'web_app', text: 'Shop', web_app: { url: 'https://shop.example' } } });
    assert.deepEqual(await ok(sim, 'getChatMenuButton', {}), { type: 'web_app', text: 'Shop', web_app: { url: 'https://shop.example' } });
    const response = await call(sim, 'getMe');
    assert.equal(response.ok && (response.result as { username: string }).username, 'lavka_sim_bot');
  });
});
