import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort, startTestLavka, TEST_BOT_TOKEN, type TestLavka } from '../support/harness.ts';
import { probeModule } from '../support/probe-module.ts';
import { sqliteTestDatabase } from '../support/services.ts';

const texts = (messages: { text?: string; caption?: string }[]) => messages.map((message) => message.text ?? message.caption ?? '');

describe('the bot through the simulator (polling)', () => {
  let lavka: TestLavka;
  before(async () => {
    lavka = await startTestLavka({ preset: 'shop', extraModules: [probeModule], adminIds: [900] });
  });
  after(async () => {
    await lavka?.stop();
  });

  for (const [language, welcome, faqLabel] of [
    ['ru', 'Здравствуйте, Айгерим!', 'Вопросы и ответы'],
    ['en', 'Hello, Aigerim!', 'FAQ'],
    ['kk', 'Сәлеметсіз бе, Айгерим!', 'Сұрақ-жауап'],
  ] as const) {
    test(`/start registers a ${language} user and shows the main menu in ${language}`, async () => {
      const id = { ru: 2001, en: 2002, kk: 2003 }[language];
      const user = lavka.sim.user({ id, first_name: 'Айгерим', language_code: language });
      if (language !== 'ru') user.profile.first_name = 'Aigerim';
      await user.send('/start');
      const menu = await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 5000 });
      const shown = texts(user.chat().messages);
      assert.ok(shown.some((text) => text.startsWith(welcome.replace('Айгерим', user.profile.first_name))), `welcome in ${language}: ${shown.join(' | ')}`);
      const buttons = menu.reply_markup?.inline_keyboard.flat().map((button) => button.text) ?? [];
      assert.ok(buttons.some((text) => text.includes(faqLabel)), `menu in ${language}: ${buttons.join(', ')}`);
      const stored = await lavka.app.services.users?.get(id);
      assert.equal(stored?.language_code, language);
      assert.equal(stored?.first_name, user.profile.first_name);
    });
  }

  test('/language switches the language of replies and of the command menu', async () => {
    const user = lavka.sim.user({ id: 2010, first_name: 'Dana', language_code: 'ru' });
    await user.send('/language');
    await user.waitForMessage((message) => message.text === 'Выберите язык:', { timeoutMs: 5000 });
    await user.pressButton('English');
    await user.waitForMessage((message) => Boolean(message.text?.includes('main menu')), { timeoutMs: 5000 });
    assert.equal((await lavka.app.services.users?.get(2010))?.locale, 'en');
    await user.send('/help');
    const help = await user.waitForMessage((message) => Boolean(message.text?.startsWith('Here is what I can do')), { timeoutMs: 5000 });
    assert.match(help.text ?? '', /\/language — Change the language/);
    const commands = await lavka.sim.commandsFor({ chatId: 2010, languageCode: 'ru' });
    assert.ok(commands.some((command) => command.command === 'language' && command.description === 'Change the language'));
  });

  test('the FAQ module answers a question from the demo data', async () => {
    const user = lavka.sim.user({ id: 2020, first_name: 'Erlan', language_code: 'en' });
    await user.send('/faq');
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('Frequently asked questions')), { timeoutMs: 5000 });
    await user.pressButton('How much is delivery?');
    const answer = await user.waitForMessage((message) => Boolean(message.text?.includes('Pickup is free')), { timeoutMs: 5000 });
    assert.match(answer.text ?? '', /How much is delivery\?/);
  });

  test('a forged button gets "menu out of date" and a fresh menu, and changes nothing', async () => {
    const user = lavka.sim.user({ id: 2030, first_name: 'Forger', language_code: 'en' });
    await user.send('/start');
    const menu = await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 5000 });
    const answer = await user.pressCallback(menu.message_id, 'faq:q:999999:1');
    assert.equal(answer?.text, 'This menu is out of date. Here is a fresh one.');
    const localeBefore = (await lavka.app.services.users?.get(2030))?.locale;
    const langAnswer = await user.pressCallback(menu.message_id, 'core:lang:xx');
    assert.equal(langAnswer?.text, 'This menu is out of date. Here is a fresh one.');
    assert.equal((await lavka.app.services.users?.get(2030))?.locale, localeBefore);
  });

  test('a handler that throws is logged, the user gets an apology, and the bot keeps serving', async () => {
    const user = lavka.sim.user({ id: 2040, first_name: 'Boom', language_code: 'en' });
    await user.send('/boom');
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('Something went wrong on our side')), { timeoutMs: 5000 });
    await user.send('/help');
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('Here is what I can do')), { timeoutMs: 5000 });
    const metrics = await lavka.app.metrics.registry.getSingleMetricAsString('lavka_update_errors_total');
    assert.match(metrics, /lavka_update_errors_total\{type="message"\} [1-9]/);
  });

  test('an invoice no module handles is refused at pre-checkout with a clear message, and nothing is charged', async () => {
    const user = lavka.sim.user({ id: 2080, first_name: 'Payer', language_code: 'en' });
    await user.send('/orphan_invoice');
    const invoice = await user.waitForMessage((message) => Boolean(message.invoice), { timeoutMs: 5000 });
    const result = await user.payInvoice(invoice.message_id);
    assert.equal(result.status, 'declined');
    assert.equal(result.status === 'declined' ? result.errorMessage : '', 'This invoice is no longer valid. Nothing was charged.');
    assert.ok(!user.chat().messages.some((message) => message.successful_payment), 'no payment went through');
  });

  test('a flow survives a restart: state is in the database', async () => {
    const user = lavka.sim.user({ id: 2050, first_name: 'Restart', language_code: 'en' });
    await user.send('/ask');
    await user.waitForMessage((message) => message.text === 'What is your name?', { timeoutMs: 5000 });
    await user.send('Aruzhan');
    await user.waitForMessage((message) => message.text === 'Which city?', { timeoutMs: 5000 });
    await lavka.restart();
    await user.send('Almaty');
    const done = await user.waitForMessage((message) => message.text === 'Aruzhan from Almaty', { timeoutMs: 10_000 });
    assert.ok(done);
  });

  test('/cancel leaves a flow at any step', async () => {
    const user = lavka.sim.user({ id: 2060, first_name: 'Cancel', language_code: 'en' });
    await user.send('/ask');
    await user.waitForMessage((message) => message.text === 'What is your name?', { timeoutMs: 5000 });
    await user.send('/cancel');
    await user.waitForMessage((message) => message.text === 'Cancelled. Nothing was changed.', { timeoutMs: 5000 });
    await user.send('Aruzhan');
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('I did not understand that')), { timeoutMs: 5000 });
  });

  test('blocking the bot marks the user as blocked; writing again unblocks them', async () => {
    const user = lavka.sim.user({ id: 2070, first_name: 'Blocker', language_code: 'en' });
    await user.send('/start');
    await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 5000 });
    await user.blockBot();
    await waitUntil(async () => (await lavka.app.services.users?.get(2070))?.is_blocked === 1);
    await user.unblockBot();
    await user.send('/help');
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('Here is what I can do')), { timeoutMs: 5000 });
    assert.equal((await lavka.app.services.users?.get(2070))?.is_blocked, 0);
  });

  test('health, readiness and metrics answer over HTTP', async () => {
    const base = lavka.app.url as string;
    assert.deepEqual(await (await fetch(`${base}/health`)).json(), { status: 'ok' });
    const ready = await fetch(`${base}/health/ready`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { checks: { name: string; ok: boolean }[] };
    // The admin (900) never pressed Start: a warning, which leaves the instance ready.
    assert.deepEqual(body.checks.map((check) => [check.name, check.ok]), [['database', true], ['telegram', true], ['staff-chats', false]]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /lavka_updates_total\{type="message"\}/);
    assert.match(metrics, /lavka_bot_api_calls_total\{method="sendMessage"\}/);
    assert.match(metrics, /lavka_update_duration_seconds_bucket/);
  });

  test('readiness reports 503 when Telegram cannot be reached', async () => {
    lavka.sim.injectFault({ method: 'getMe', kind: 'server_error', count: 10 });
    try {
      const ready = await fetch(`${lavka.app.url}/health/ready`);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { checks: { name: string; ok: boolean }[] };
      assert.equal(body.checks.find((check) => check.name === 'telegram')?.ok, false);
    } finally {
      lavka.sim.clearFaults();
    }
  });
});

describe('the bot through the simulator (webhook)', () => {
  let lavka: TestLavka;
  let webhookUrl: string;
  const secret = 'test-webhook-secret-123';
  before(async () => {
    const port = await freePort();
    webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
    lavka = await startTestLavka({
      database: sqliteTestDatabase(),
      env: { BOT_MODE: 'webhook', WEBHOOK_URL: webhookUrl, WEBHOOK_SECRET: secret, PORT: String(port) },
    });
  });
  after(async () => {
    await lavka?.stop();
  });

  test('Telegram pushes updates to the webhook with the secret and the bot answers', async () => {
    const user = lavka.sim.user({ id: 3001, first_name: 'Hook', language_code: 'en' });
    await user.send('/start');
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('Hello, Hook!')), { timeoutMs: 5000 });
  });

  test('a webhook request with a wrong or missing secret is refused with 401 and not processed', async () => {
    const update = { update_id: 990001, message: { message_id: 1, date: 1, chat: { id: 3002, type: 'private', first_name: 'X' }, from: { id: 3002, is_bot: false, first_name: 'X' }, text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] } };
    for (const headers of [{ 'x-telegram-bot-api-secret-token': 'wrong-secret-value-xx' }, {}] as Record<string, string>[]) {
      const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(update) });
      assert.equal(response.status, 401);
    }
    assert.equal(await lavka.app.services.users?.get(3002), undefined, 'the refused update registered nobody');
  });

  test('the same update delivered twice is handled once', async () => {
    const user = lavka.sim.user({ id: 3003, first_name: 'Twice', language_code: 'en' });
    await user.send('/help');
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('Here is what I can do')), { timeoutMs: 5000 });
    const update = {
      update_id: 990100,
      message: { message_id: 50, date: Math.floor(Date.now() / 1000), chat: { id: 3003, type: 'private', first_name: 'Twice' }, from: { id: 3003, is_bot: false, first_name: 'Twice', language_code: 'en' }, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] },
    };
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(update) });
      assert.equal(response.status, 200);
    }
    const helps = user.chat().messages.filter((message) => message.text?.startsWith('Here is what I can do'));
    assert.equal(helps.length, 2, 'one answer for the first /help, one for the re-delivered update, not two');
    const info = await (await fetch(`${lavka.sim.apiRootForTests}/bot${TEST_BOT_TOKEN}/getWebhookInfo`)).json() as { result: { url: string } };
    assert.equal(info.result.url, webhookUrl);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('module HTTP routes', () => {
  let lavka: TestLavka;
  before(async () => {
    lavka = await startTestLavka({ preset: 'clinic' });
  });
  after(async () => {
    await lavka?.stop();
  });

  test('the public FAQ answers per language and refuses an unknown one with a clear error', async () => {
    const kk = (await (await fetch(`${lavka.app.url}/public/faq?locale=kk`)).json()) as { entries: { question: string }[] };
    assert.ok(kk.entries.some((entry) => entry.question === 'Қабылдауға қалай жазылуға болады?'));
    const bad = await fetch(`${lavka.app.url}/public/faq?locale=de`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: string }).error, 'faq.invalid_locale');
  });
});
