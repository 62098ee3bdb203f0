import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SimUser } from '../../src/sim/index.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { readPngChunks } from '../support/png.ts';
import { buttonsOf, textOf, waitText } from '../support/chat.ts';

const ADMIN = 9301;
const CUSTOMER_RU = 8301;
const CUSTOMER_EN = 8302;
const CUSTOMER_KK = 8303;


describe('the billing preset in its first hour: support, staff adjustments, the generator', () => {
  let lavka: TestLavka;
  let dir: string;
  let admin: SimUser;
  let russian: SimUser;
  let english: SimUser;
  let kazakh: SimUser;
  const outboxRows = (dedupePrefix: string) =>
    lavka.app.database.db.selectFrom('outbox').select(['method', 'status', 'dedupe_key', 'payload']).where('dedupe_key', 'like', `${dedupePrefix}%`).orderBy('id').execute();

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lavka-billing-first-hour-'));
    const config = path.join(dir, 'config.yaml');
    // A demo job of two and a half seconds with progress every quarter second: short, yet longer
    // than the one second a chat waits between two messages, so a progress edit is always
    // delivered before the result supersedes the ones still waiting (even on a loaded machine).
    writeFileSync(config, 'settings:\n  generate:\n    stepMs: 250\n    progressEveryMs: 250\n');
    lavka = await startTestLavka({ preset: 'billing', adminIds: [ADMIN], env: { LAVKA_CONFIG: config } });
    admin = lavka.sim.user({ id: ADMIN, first_name: 'Staff', language_code: 'en', hasStartedBot: true });
    russian = lavka.sim.user({ id: CUSTOMER_RU, first_name: 'Дана', language_code: 'ru' });
    english = lavka.sim.user({ id: CUSTOMER_EN, first_name: 'Dana', language_code: 'en' });
    kazakh = lavka.sim.user({ id: CUSTOMER_KK, first_name: 'Дана', language_code: 'kk' });
    for (const customer of [russian, english, kazakh]) {
      await customer.send('/start');
      await customer.waitForMessage();
    }
  });
  after(async () => {
    await lavka?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the billing main menu has a support entry that shows the contacts and hours in the customer’s language', async () => {
    await english.send('/start');
    const menu = await waitText(english, 'main menu');
    const support = buttonsOf(menu).find((button) => button.callback_data === 'support:contact');
    assert.equal(support?.text, '💬 Contact us');
    await english.pressButton('💬 Contact us');
    const contacts = await waitText(english, 'How to reach us');
    assert.match(textOf(contacts), /Telegram: @lavka_support/);
    assert.match(textOf(contacts), /Opening hours/);
    assert.doesNotMatch(textOf(contacts), /[А-Яа-яЁё]/, 'no Russian text for an English-speaking customer');
  });

  test('a staff /adjust tells the customer, in their language and through the outbox, what changed and the new balance', async () => {
    await admin.send(`/adjust ${CUSTOMER_RU} +50 компенсация за сбой`);
    await waitText(admin, `Balance of ${CUSTOMER_RU} changed by +50. New balance: 50.`);
    const notice = await waitText(russian, 'Вам начислено');
    assert.equal(textOf(notice), '➕ Вам начислено токенов: 50.\nПричина: компенсация за сбой\nБаланс: 50.');

    await admin.send(`/adjust ${CUSTOMER_EN} +30 welcome bonus`);
    await waitText(english, /^➕ 30 tokens were added to your balance\.\nReason: welcome bonus\nBalance: 30\.$/);
    await admin.send(`/adjust ${CUSTOMER_EN} -1 correction`);
    await waitText(admin, `Balance of ${CUSTOMER_EN} changed by -1. New balance: 29.`);
    await waitText(english, /^➖ 1 token was taken from your balance\.\nReason: correction\nBalance: 29\.$/);

    const rows = await outboxRows('wallet:adjustment:');
    assert.equal(rows.length, 3, 'one outbox notice per adjustment');
    assert.ok(rows.every((row) => row.method === 'sendMessage'));
  });

  test('an adjustment that cannot be made tells nobody and changes nothing', async () => {
    await admin.send(`/adjust ${CUSTOMER_EN} -1000 too much`);
    await waitText(admin, 'Not enough tokens');
    await admin.send('/adjust 424242 +10 typo');
    await waitText(admin, 'There is no user with this id');
    assert.equal((await outboxRows('wallet:adjustment:')).length, 3, 'no notice for a refused adjustment');
    assert.equal(await lavka.app.services.wallet!.balance(CUSTOMER_EN), 29);
  });

  test('/generate edits one message from queued through progress to done via the outbox and sends a picture with the prompt', async () => {
    await admin.send(`/adjust ${CUSTOMER_KK} +100 demo`);
    await waitText(kazakh, 'токен есептелді');
    await kazakh.send('/generate көк теңіздегі кит');
    const queued = await waitText(kazakh, /^🕐 Тапсырма кезекте \(10 токен жұмсалды, баланс 90\)\n░{10} 0%$/);
    const seen: string[] = [];
    let last = queued;
    while (!textOf(last).startsWith('✅')) {
      last = await kazakh.waitForMessage((message) => message.message_id === queued.message_id, { timeoutMs: 5000 });
      seen.push(textOf(last));
    }
    assert.ok(
      seen.some((text) => /^⏳ Генерациялап жатырмын…\n▓+░* (\d+)%$/.test(text) && !text.endsWith(' 100%')),
      `a progress step between queued and done was shown: ${seen.join(' | ')}`,
    );
    assert.equal(textOf(last), '✅ Дайын — сурет төменде.\n(10 токен жұмсалды)');
    // The picture is sent before the progress message turns into "done".
    const picture = kazakh.chat().messages.findLast((message) => Boolean(message.photo));
    assert.ok(picture, 'the picture was sent');
    assert.equal(textOf(picture), '🎨 «көк теңіздегі кит»\n10 токен жұмсалды.');
    const file = lavka.sim.file(picture.photo?.at(-1)?.file_id ?? '');
    assert.ok(file, 'the photo was uploaded');
    const header = readPngChunks(file.data ?? Buffer.alloc(0)).find((chunk) => chunk.type === 'IHDR');
    assert.deepEqual([header?.data.readUInt32BE(0), header?.data.readUInt32BE(4)], [512, 512], 'a 512×512 PNG picture');

    const job = await lavka.app.database.db.selectFrom('generate_jobs').selectAll().where('user_id', '=', CUSTOMER_KK).executeTakeFirstOrThrow();
    assert.equal(job.status, 'done');
    const edits = await outboxRows(`generate:${job.id}:`);
    assert.ok(edits.length >= 2 && edits.every((row) => row.method === 'editMessageText'), 'progress and the result were edits through the outbox');
    assert.ok(edits.some((row) => row.dedupe_key?.includes(':progress:') && row.status === 'sent'), 'a progress edit was delivered');
    assert.equal(edits.at(-1)?.dedupe_key, `generate:${job.id}:done`);
    assert.equal(kazakh.chat().messages.filter((message) => message.message_id === queued.message_id).length, 1, 'one progress message, edited in place');
    assert.equal(await lavka.app.services.wallet!.balance(CUSTOMER_KK), 90);
  });
});
