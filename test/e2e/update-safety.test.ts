import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { sqliteFingerprint } from '../support/db-snapshot.ts';
import { freePort, startTestLavka, type TestLavka } from '../support/harness.ts';
import { probeModule } from '../support/probe-module.ts';
import { sqliteTestDatabase } from '../support/services.ts';

// What the bot does with updates that go wrong: handlers that throw, updates that do not fit
// the Bot API, forged or oversized webhook requests, buttons pressed on stale messages, and a
// payment that must be answered while its chat is busy.

const SECRET = 'update-safety-webhook-secret';
/** Tables only timers write; the rest must not change when an update is refused. */
const TIMER_TABLES = ['scheduled_jobs'];

const nowSec = () => Math.floor(Date.now() / 1000);
const privateChat = (id: number) => ({ id, type: 'private', first_name: 'Test' });
const sender = (id: number, extra: Record<string, unknown> = {}) => ({ id, is_bot: false, first_name: 'Test', language_code: 'en', ...extra });
const textMessage = (updateId: number, userId: number, text: unknown, from: Record<string, unknown> = sender(userId)) => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    date: nowSec(),
    chat: privateChat(userId),
    from,
    text,
    ...(typeof text === 'string' && text.startsWith('/') ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } : {}),
  },
});

async function metricValue(lavka: TestLavka, name: string, type: string): Promise<number> {
  const text = await (await fetch(`${lavka.app.url}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name}{type="${type}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('updates that go wrong, in webhook mode', () => {
  let lavka: TestLavka;
  let webhookUrl: string;
  const post = (body: unknown, secret: string | undefined = SECRET) =>
    fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  before(async () => {
    const port = await freePort();
    webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
    lavka = await startTestLavka({
      database: sqliteTestDatabase(),
      extraModules: [probeModule],
      env: { BOT_MODE: 'webhook', WEBHOOK_URL: webhookUrl, WEBHOOK_SECRET: SECRET, PORT: String(port) },
    });
  });
  after(async () => {
    await lavka?.stop();
  });

  test('a handler that throws answers 200 without its internals, the user gets an apology, and a resend is handled again', async () => {
    const user = lavka.sim.user({ id: 5101, first_name: 'Boom', language_code: 'en' });
    await user.send('/start');
    await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 5000 });
    const update = textMessage(880001, 5101, '/boom');
    for (let delivery = 1; delivery <= 2; delivery += 1) {
      const response = await post(update);
      const body = await response.text();
      assert.equal(response.status, 200, body);
      assert.doesNotMatch(body, /exploded|Error|stack/i, 'nothing internal in the answer');
      await eventually(
        () => user.chat().messages.filter((message) => message.text?.startsWith('Something went wrong')).length === delivery,
        `apology number ${delivery}`,
      );
    }
  });

  test('an update whose text is a number is refused with 200, counted, and writes nothing', async () => {
    const user = lavka.sim.user({ id: 5102, first_name: 'Num', language_code: 'en' });
    await user.send('/start');
    await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 5000 });
    const messagesBefore = user.chat().messages.length;
    const refusedBefore = await metricValue(lavka, 'lavka_updates_refused_total', 'message');
    const before = await sqliteFingerprint(lavka.app.database.db, { skipTables: TIMER_TABLES });
    const response = await post(textMessage(880002, 5102, 12345));
    assert.equal(response.status, 200);
    assert.equal(await sqliteFingerprint(lavka.app.database.db, { skipTables: TIMER_TABLES }), before, 'the database is unchanged');
    assert.equal(await metricValue(lavka, 'lavka_updates_refused_total', 'message'), refusedBefore + 1);
    assert.equal(user.chat().messages.length, messagesBefore, 'no reply to a refused update');
  });

  test('a successful_payment without a proper telegram_payment_charge_id is refused and credits nothing', async () => {
    const before = await sqliteFingerprint(lavka.app.database.db, { skipTables: TIMER_TABLES });
    const base = { currency: 'XTR', total_amount: 50, invoice_payload: 'pay:1', provider_payment_charge_id: '' };
    let updateId = 880010;
    for (const chargeId of [undefined, null, 42, '', { id: 'x' }]) {
      const payment = chargeId === undefined ? base : { ...base, telegram_payment_charge_id: chargeId };
      const response = await post({ update_id: (updateId += 1), message: { message_id: updateId, date: nowSec(), chat: privateChat(5103), from: sender(5103), successful_payment: payment } });
      assert.equal(response.status, 200);
    }
    assert.equal(await sqliteFingerprint(lavka.app.database.db, { skipTables: TIMER_TABLES }), before);
  });

  test('a request without the secret is refused before its body is read', async () => {
    const url = new URL(webhookUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(24 * 1024 * 1024) } });
      const timer = setTimeout(() => {
        request.destroy();
        reject(new Error('no answer while the body was still coming: the server waited for the whole body'));
      }, 5000);
      request.on('response', (response) => {
        clearTimeout(timer);
        response.resume();
        request.destroy();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      // A first part of a large body, and then nothing: the answer must not wait for the rest.
      request.write(Buffer.alloc(64 * 1024, 0x20));
    });
    assert.equal(status, 401);
  });

  test('a body larger than any update is refused with 413 even with the right secret', async () => {
    const huge = JSON.stringify(textMessage(880020, 5104, 'x'.repeat(2 * 1024 * 1024)));
    const response = await post(huge);
    assert.equal(response.status, 413);
    assert.equal(await lavka.app.services.users?.get(5104), undefined);
  });

  test('a body that is not an update gets a clear 400, never a 500', async () => {
    for (const body of ['[]', '"text"', '{"update_id":"7"}', '{"update_id":1.5}', '{not json']) {
      const response = await post(body);
      assert.equal(response.status, 400, body);
    }
  });
});

describe('updates that go wrong, in polling mode', () => {
  let lavka: TestLavka;
  before(async () => {
    lavka = await startTestLavka({ preset: 'shop', extraModules: [probeModule] });
  });
  after(async () => {
    await lavka?.stop();
  });

  test('an object where the language code belongs is refused, and the user is not stored', async () => {
    const refusedBefore = await metricValue(lavka, 'lavka_updates_refused_total', 'message');
    const before = await sqliteFingerprint(lavka.app.database.db, { skipTables: TIMER_TABLES });
    lavka.sim.injectUpdate('message', textMessage(0, 5201, '/start', sender(5201, { language_code: { evil: true } })).message);
    await eventually(async () => (await metricValue(lavka, 'lavka_updates_refused_total', 'message')) === refusedBefore + 1, 'the update was refused');
    assert.equal(await sqliteFingerprint(lavka.app.database.db, { skipTables: TIMER_TABLES }), before);
    assert.equal(await lavka.app.services.users?.get(5201), undefined);
    // The same person with a proper update is served as usual.
    const user = lavka.sim.user({ id: 5201, first_name: 'Proper', language_code: 'en' });
    await user.send('/start');
    await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 5000 });
  });

  test('a handler that fails after answering its button tells the user in the chat, without answering twice', async () => {
    const user = lavka.sim.user({ id: 5202, first_name: 'Fragile', language_code: 'en' });
    await user.send('/fragile');
    await user.waitForMessage((message) => message.text === 'A fragile button:', { timeoutMs: 5000 });
    const errorsBefore = lavka.sim.stats().errors['400'] ?? 0;
    const press = await user.pressButton('Break');
    assert.ok(press);
    await user.waitForMessage((message) => Boolean(message.text?.startsWith('Something went wrong')), { timeoutMs: 5000 });
    assert.deepEqual(user.callbackAnswers().map((answer) => answer.text), ['Working on it']);
    assert.equal(lavka.sim.stats().errors['400'] ?? 0, errorsBefore, 'no call Telegram refuses');
  });

  test('a forged button on the main menu gets "menu out of date" and no edit that would change nothing', async () => {
    const user = lavka.sim.user({ id: 5203, first_name: 'Forger', language_code: 'en' });
    await user.send('/start');
    const menu = await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 5000 });
    const before = lavka.sim.stats();
    const answer = await user.pressCallback(menu.message_id, 'catalog:forged:999999', { timeoutMs: 5000 });
    assert.match(answer?.text ?? '', /out of date/i);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = lavka.sim.stats();
    assert.equal(after.calls.editMessageText ?? 0, before.calls.editMessageText ?? 0, 'the menu was not redrawn over itself');
    assert.equal(after.errors['400'] ?? 0, before.errors['400'] ?? 0);
  });

  test('a button that does change the screen still edits it', async () => {
    const user = lavka.sim.user({ id: 5204, first_name: 'Editor', language_code: 'en' });
    await user.send('/start');
    await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 5000 });
    const before = lavka.sim.stats().calls.editMessageText ?? 0;
    await user.pressButton((button) => button.callback_data === 'core:language');
    await user.waitForMessage((message) => message.text === 'Choose your language:', { timeoutMs: 5000 });
    assert.equal(lavka.sim.stats().calls.editMessageText ?? 0, before + 1);
  });

  test('a pre-checkout query is answered at once while an earlier update of the same chat is still running', async () => {
    const user = lavka.sim.user({ id: 5205, first_name: 'Payer', language_code: 'en' });
    await user.send('/orphan_invoice');
    const invoice = await user.waitForMessage((message) => Boolean(message.invoice), { timeoutMs: 5000 });
    // The chat is busy for 4 s; Telegram would give up on the pre-checkout after 10 s, this
    // test after 2 s.
    await user.send('/slow 4000');
    const result = await user.payInvoice(invoice.message_id, { timeoutMs: 2000 });
    assert.equal(result.status, 'declined', 'answered (the probe invoice belongs to no module), not timed out');
    await user.waitForMessage((message) => message.text === 'Done, slowly.', { timeoutMs: 8000 });
  });
});
