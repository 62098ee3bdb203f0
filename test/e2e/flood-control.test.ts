import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { SimUser, ViewMessage } from '../../src/sim/index.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { probeModule } from '../support/probe-module.ts';
import { REDIS_URL, hasRedis } from '../support/services.ts';

const ADMIN = 900;
const isHelp = (message: ViewMessage) => message.from_bot && Boolean(message.text?.startsWith('Here is what I can do'));
const slowDown = (seconds: number) =>
  `Please slow down: you are sending messages faster than I can answer them. I will answer again in ${seconds} seconds.`;

const configDirs: string[] = [];
after(() => {
  for (const dir of configDirs) rmSync(dir, { recursive: true, force: true });
});

/** A business config file that sets flood control, as an owner's LAVKA_CONFIG would. */
function floodConfig(settings: { updates: number; perSeconds: number; muteSeconds: number }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-flood-'));
  configDirs.push(dir);
  const file = path.join(dir, 'business.yaml');
  writeFileSync(file, `floodControl:\n  updates: ${settings.updates}\n  perSeconds: ${settings.perSeconds}\n  muteSeconds: ${settings.muteSeconds}\n`);
  return file;
}

/** Updates flood control limited so far, from the instance's /metrics. */
async function limitedCount(lavka: TestLavka): Promise<number> {
  const text = await (await fetch(`${lavka.app.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('lavka_updates_limited_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function waitUntil(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const botTexts = (user: SimUser, predicate: (message: ViewMessage) => boolean) => user.chat().messages.filter((message) => message.from_bot && predicate(message));

describe('flood control', () => {
  test('a user who sends more than the limit gets exactly one "slow down", is ignored until the mute ends, and is answered again after it', async () => {
    // The bot's clock runs with real time; the test moves it forward past the mute.
    const offset = { ms: 0 };
    const lavka = await startTestLavka({ floodControl: true, env: { LAVKA_CONFIG: floodConfig({ updates: 3, perSeconds: 10, muteSeconds: 30 }) }, now: () => Date.now() + offset.ms });
    try {
      const user = lavka.sim.user({ id: 5101, first_name: 'Fast', language_code: 'en' });
      for (let index = 0; index < 3; index++) {
        await user.send('/help');
        await user.waitForMessage(isHelp, { timeoutMs: 5000 });
      }
      // Four more, back to back: the first of them goes over the limit.
      for (let index = 0; index < 4; index++) await user.send('/help');
      await waitUntil('the four updates over the limit to be counted', async () => (await limitedCount(lavka)) === 4);
      assert.deepEqual(
        botTexts(user, (message) => message.text === slowDown(30)).length,
        1,
        'one "slow down", however many updates followed it',
      );
      assert.equal(botTexts(user, isHelp).length, 3, 'nothing over the limit was answered');
      // A button press during the mute is dropped as well: no answer, not even a toast.
      const menu = botTexts(user, isHelp).at(-1) as ViewMessage;
      assert.equal(await user.pressCallback(menu.message_id, 'faq:list', { timeoutMs: 1000 }), undefined);
      await waitUntil('the press to be counted', async () => (await limitedCount(lavka)) === 5);

      offset.ms += 31_000;
      await user.send('/help');
      await user.waitForMessage(isHelp, { timeoutMs: 5000 });
      assert.equal(botTexts(user, isHelp).length, 4);
      assert.equal(botTexts(user, (message) => message.text === slowDown(30)).length, 1);
      assert.equal(await limitedCount(lavka), 5);
    } finally {
      await lavka.stop();
    }
  });

  test('a button press over the limit gets the "slow down" as a toast, not as a message', async () => {
    const lavka = await startTestLavka({ floodControl: true, env: { LAVKA_CONFIG: floodConfig({ updates: 3, perSeconds: 60, muteSeconds: 45 }) } });
    try {
      const user = lavka.sim.user({ id: 5102, first_name: 'Tapper', language_code: 'en' });
      await user.send('/start');
      const menu = await user.waitForMessage((message) => Boolean(message.reply_markup), { timeoutMs: 5000 });
      const data = menu.reply_markup?.inline_keyboard.flat().find((button) => button.callback_data)?.callback_data;
      assert.ok(data, 'the main menu has a button');
      for (let index = 0; index < 2; index++) {
        const answer = await user.pressCallback(menu.message_id, data);
        assert.ok(answer, 'a press within the limit is answered');
        assert.notEqual(answer.text, slowDown(45));
      }
      const over = await user.pressCallback(menu.message_id, data);
      assert.equal(over?.text, slowDown(45));
      assert.equal(botTexts(user, (message) => message.text === slowDown(45)).length, 0);
      assert.equal(await limitedCount(lavka), 1);
    } finally {
      await lavka.stop();
    }
  });

  test('staff sending as fast are never limited', async () => {
    const lavka = await startTestLavka({ floodControl: true, adminIds: [ADMIN], env: { LAVKA_CONFIG: floodConfig({ updates: 3, perSeconds: 60, muteSeconds: 60 }) } });
    try {
      const owner = lavka.sim.user({ id: ADMIN, first_name: 'Owner', language_code: 'en' });
      for (let index = 0; index < 8; index++) await owner.send('/help');
      await waitUntil('eight answers', () => botTexts(owner, isHelp).length === 8);
      assert.equal(botTexts(owner, (message) => message.text?.startsWith('Please slow down') === true).length, 0);
      assert.equal(await limitedCount(lavka), 0);
    } finally {
      await lavka.stop();
    }
  });

  test('a muted user’s payment check is still answered: money is never dropped', async () => {
    const lavka = await startTestLavka({ floodControl: true, extraModules: [probeModule], env: { LAVKA_CONFIG: floodConfig({ updates: 3, perSeconds: 60, muteSeconds: 60 }) } });
    try {
      const user = lavka.sim.user({ id: 5103, first_name: 'Payer', language_code: 'en' });
      await user.send('/orphan_invoice');
      const invoice = await user.waitForMessage((message) => Boolean(message.invoice), { timeoutMs: 5000 });
      for (let index = 0; index < 3; index++) await user.send('/help');
      await waitUntil('the "slow down"', () => botTexts(user, (message) => message.text === slowDown(60)).length === 1);
      // The probe's invoice belongs to no module, so the answer is a refusal — but an answer, not a timeout.
      const result = await user.payInvoice(invoice.message_id, { timeoutMs: 5000 });
      assert.equal(result.status, 'declined');
      assert.equal(result.status === 'declined' ? result.errorMessage : '', 'This invoice is no longer valid. Nothing was charged.');
    } finally {
      await lavka.stop();
    }
  });
});

const redisAvailable = await hasRedis();

describe('flood control across instances', { skip: redisAvailable ? false : 'Redis is not reachable' }, () => {
  test('two Lavka instances sharing one Redis count a user’s updates together', async () => {
    const config = floodConfig({ updates: 3, perSeconds: 60, muteSeconds: 60 });
    const first = await startTestLavka({ floodControl: true, env: { LAVKA_CONFIG: config, REDIS_URL } });
    const second = await startTestLavka({ floodControl: true, env: { LAVKA_CONFIG: config, REDIS_URL } });
    try {
      // A fresh id: counts in a shared Redis outlive the test.
      const id = 6_000_000 + Math.floor(Math.random() * 1_000_000);
      const users = [first, second].map((lavka) => lavka.sim.user({ id, first_name: 'Roamer', language_code: 'en' }));
      const [onFirst, onSecond] = users as [SimUser, SimUser];
      // Updates of one user reach either instance, as behind a load balancer.
      for (const user of [onFirst, onSecond, onFirst]) {
        await user.send('/help');
        await user.waitForMessage(isHelp, { timeoutMs: 5000 });
      }
      await onSecond.send('/help');
      await onSecond.waitForMessage((message) => message.text === slowDown(60), { timeoutMs: 5000 });
      await onFirst.send('/help');
      await onSecond.send('/help');
      await waitUntil('both instances to count the updates over the limit', async () => (await limitedCount(first)) + (await limitedCount(second)) === 3);
      assert.equal(botTexts(onFirst, isHelp).length + botTexts(onSecond, isHelp).length, 3);
      const slowDowns = [onFirst, onSecond].map((user) => botTexts(user, (message) => message.text === slowDown(60)).length);
      assert.deepEqual(slowDowns, [0, 1]);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
