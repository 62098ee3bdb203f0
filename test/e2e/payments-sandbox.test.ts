import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import pino from 'pino';
import { startLavka } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { SANDBOX_ADMIN_ID } from '../../src/http/sandbox.routes.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import type { SimUser, ViewMessage } from '../../src/sim/index.ts';
import { testIdentity } from '../support/clinic.ts';
import { sqliteTestDatabase } from '../support/services.ts';

const textOf = (message: ViewMessage) => message.text ?? message.caption ?? '';
const labels = (message: ViewMessage) => message.reply_markup?.inline_keyboard.flat().map((button) => button.text) ?? [];

async function press(user: SimUser, label: string | ((text: string) => boolean)) {
  const result = await user.pressButton(typeof label === 'string' ? label : (button) => label(button.text));
  if (result.type !== 'callback') throw new Error('not a callback button');
  await user.waitForCallbackAnswer(result.callbackQueryId, { timeoutMs: 5000 });
}

/** Starts a preset the way `npm start` does without a token: the sandbox with its demo data. */
async function startSandbox(preset: string) {
  const database = sqliteTestDatabase();
  const app = await startLavka({ env: parseEnv({ LAVKA_PRESET: preset, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, LOG_LEVEL: 'silent' }), logger: silentLogger(), sandbox: { rateLimits: false } });
  assert.equal(app.mode, 'sandbox');
  return {
    app,
    async stop() {
      await app.stop();
      await database.drop();
    },
  };
}

describe('the billing and stars presets in the sandbox', () => {
  test('billing: the menu offers the wallet, a Stars pack can be bought and the balance shows it', async () => {
    const sandbox = await startSandbox('billing');
    try {
      const ready = await fetch(`${sandbox.app.url}/health/ready`);
      assert.equal(ready.status, 200);
      const user = sandbox.app.sandbox!.user({ id: 555_001, first_name: 'Sandy', language_code: 'ru' });
      await user.send('/start');
      const menu = await user.waitForMessage((message) => labels(message).includes('💰 Баланс'), { timeoutMs: 5000 });
      for (const label of ['🛒 Купить токены', '✨ Сгенерировать', '📜 История', '🏷 Цены', '❓ Вопросы и ответы']) assert.ok(labels(menu).some((text) => text.includes(label.slice(2))), `${label} in ${labels(menu).join(', ')}`);
      await press(user, '🛒 Купить токены');
      await user.waitForMessage((message) => textOf(message) === 'Выберите пакет токенов:', { timeoutMs: 5000 });
      await press(user, (text) => text.startsWith('100 токенов'));
      await user.waitForMessage((message) => textOf(message).includes('Выберите способ оплаты:'), { timeoutMs: 5000 });
      await press(user, '⭐ Telegram Stars');
      const invoice = await user.waitForMessage((message) => Boolean(message.invoice), { timeoutMs: 5000 });
      assert.equal((await user.payInvoice(invoice.message_id)).status, 'paid');
      await user.waitForMessage((message) => textOf(message).startsWith('✅ +100 токенов'), { timeoutMs: 5000 });
      assert.equal(await sandbox.app.services.wallet!.balance(555_001), 100);
      // The sandbox's simulated admin sees the staff commands work.
      const admin = sandbox.app.sandbox!.user({ id: SANDBOX_ADMIN_ID, first_name: 'Owner', language_code: 'en' });
      await admin.send('/health');
      await admin.waitForMessage((message) => textOf(message).startsWith('📊 Health'), { timeoutMs: 5000 });
    } finally {
      await sandbox.stop();
    }
  });

  test('stars: the menu sells packages and an order can be placed and paid by a manual crypto transfer', async () => {
    const sandbox = await startSandbox('stars');
    try {
      const user = sandbox.app.sandbox!.user({ id: 555_002, first_name: 'Sandy', username: 'sandy_s', language_code: 'en' });
      await user.send('/start');
      await user.waitForMessage((message) => labels(message).includes('⭐ Buy Stars'), { timeoutMs: 5000 });
      await press(user, '⭐ Buy Stars');
      await user.waitForMessage((message) => textOf(message).includes('100 Stars cost $1.80'), { timeoutMs: 5000 });
      await press(user, '500 ⭐ — $9.00');
      await user.waitForMessage((message) => textOf(message).includes('Who gets them?'), { timeoutMs: 5000 });
      await press(user, 'To me (@sandy_s)');
      await user.waitForMessage((message) => textOf(message).includes('500 ⭐ for @sandy_s, $9.00'), { timeoutMs: 5000 });
      await press(user, '💳 Pay $9.00');
      const methods = await user.waitForMessage((message) => textOf(message).includes('Choose how to pay:'), { timeoutMs: 5000 });
      assert.deepEqual(labels(methods).slice(0, 1), ['🪙 USDT transfer'], 'without gateway credentials the crypto transfer is offered');
      await press(user, '🪙 USDT transfer');
      await user.waitForMessage((message) => textOf(message).includes('USDT (TRC-20)'), { timeoutMs: 5000 });
      await user.sendPhoto(Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
      await user.waitForMessage((message) => textOf(message).startsWith('Receipt received.'), { timeoutMs: 5000 });
      const [request] = await sandbox.app.services.payments!.awaitingAdmin(5);
      await sandbox.app.services.payments!.confirm(request!.id, { type: 'admin', id: SANDBOX_ADMIN_ID });
      await user.waitForMessage((message) => /Order S-\d+ is paid/.test(textOf(message)), { timeoutMs: 8000 });
    } finally {
      await sandbox.stop();
    }
  });
});

describe('physical goods in the sandbox: a simulated card provider instead of Telegram Stars', () => {
  test('shop: the checkout offers a bank card and no Stars, and the card pays the order end to end through the simulator’s test provider', async () => {
    const sandbox = await startSandbox('shop');
    try {
      const sim = sandbox.app.sandbox!;
      const user = sim.user({ id: 555_003, first_name: 'Sandy', language_code: 'en', phone_number: '+77011234567' });
      const product = (await sandbox.app.services.catalog!.search('Lavka mug', 1, 'en')).products[0];
      assert.ok(product);
      await user.send(`/start p_${product.id}`);
      await user.waitForMessage((message) => Boolean(message.photo) && textOf(message).startsWith('Lavka mug'), { timeoutMs: 5000 });
      await press(user, '🛒 Add to cart');
      await user.send('/cart');
      await user.waitForMessage((message) => textOf(message).includes('🧺 Your cart'), { timeoutMs: 5000 });
      await press(user, '✅ Checkout');
      await user.waitForMessage((message) => textOf(message).includes('How would you like to get your order?'), { timeoutMs: 5000 });
      await user.pressReplyButton('🏪 Pickup');
      await user.waitForMessage((message) => textOf(message).includes('Choose a pickup point'), { timeoutMs: 5000 });
      await user.pressReplyButton('10 Abay Ave, Almaty');
      await user.waitForMessage((message) => textOf(message).includes('Share your phone number'), { timeoutMs: 5000 });
      await user.pressReplyButton('📱 Share my phone number');
      await user.waitForMessage((message) => textOf(message).includes('Any comment for the order?'), { timeoutMs: 5000 });
      await user.pressReplyButton('Skip');
      await user.waitForMessage((message) => textOf(message).includes('Please check your order:'), { timeoutMs: 5000 });
      await user.pressReplyButton('✅ Confirm the order');
      const screen = await user.waitForMessage((message) => labels(message).includes('📦 My orders') && textOf(message).includes('How would you like to pay?'), { timeoutMs: 8000 });
      assert.deepEqual(labels(screen), ['💳 Bank card', '🤝 Pay on delivery', '📦 My orders', '« Main menu'], 'no Telegram Stars for a mug');

      await press(user, '💳 Bank card');
      const invoice = await user.waitForMessage((message) => Boolean(message.invoice), { timeoutMs: 5000 });
      assert.deepEqual([invoice.invoice?.currency, invoice.invoice?.total_amount], ['KZT', 349_000], 'tenge in tiyn, not Stars');
      const paid = await user.payInvoice(invoice.message_id);
      assert.equal(paid.status, 'paid');
      const successful = paid.status === 'paid' ? (paid.message.successful_payment as { provider_payment_charge_id?: string; currency?: string }) : {};
      assert.ok(successful.provider_payment_charge_id, 'the simulated provider names its charge');
      await user.waitForMessage((message) => /^✅ Payment received: ₸3,490 for order A-\d+/.test(textOf(message)), { timeoutMs: 8000 });
      const [payment] = await sandbox.app.services.payments!.listForUser(555_003, 5);
      assert.deepEqual([payment?.provider, payment?.status, payment?.amount_minor, payment?.currency], ['telegram_card', 'paid', 349_000, 'KZT']);
      const order = await sandbox.app.services.orders!.get(Number(payment?.purpose_ref));
      assert.deepEqual([order?.status, order?.payment_method], ['paid', 'card']);
    } finally {
      await sandbox.stop();
    }
  });

  test('clinic and print3d offer no Telegram Stars in the sandbox: their visits and printed parts are physical', async () => {
    for (const [preset, purpose] of [['clinic', 'visit'], ['print3d', 'print']] as const) {
      const sandbox = await startSandbox(preset);
      try {
        const payments = sandbox.app.services.payments!;
        assert.ok(payments.hasPurpose(purpose));
        assert.equal(payments.starsNotice(), undefined, `${preset}: its preset does not turn Stars on`);
        const facts = payments.methodsStatus();
        assert.equal(facts.find((method) => method.provider === 'telegram_card')?.configured, true, `${preset}: the simulated card provider is ready`);
        assert.equal(facts.find((method) => method.provider === 'telegram_stars')?.configured, false, `${preset}: Stars are not offered`);
      } finally {
        await sandbox.stop();
      }
    }
  });
});

describe('a configuration asking for Stars for something physical', () => {
  test('starts with warnings that explain Telegram’s rule, and the clinic still offers no Stars', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lavka-stars-rule-'));
    const configFile = path.join(dir, 'config.yaml');
    // An older clinic config: Stars listed for visits, with a Stars price per visit.
    writeFileSync(configFile, 'settings:\n  booking:\n    minorPerStar: 1000\n  payments:\n    methods: [qr, stars, card]\n');
    const warnings: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          const entry = JSON.parse(line) as { level: number; msg: string };
          if (entry.level === 40) warnings.push(entry.msg);
        }
        done();
      },
    });
    const database = sqliteTestDatabase();
    const env = parseEnv({ LAVKA_PRESET: 'clinic', LAVKA_CONFIG: configFile, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
    const app = await startLavka({ env, logger: pino({ level: 'warn' }, sink), sandbox: { rateLimits: false } });
    try {
      assert.ok(warnings.some((text) => text.startsWith('settings.booking.minorPerStar is ignored: a visit is a physical service')), warnings.join('\n'));
      assert.ok(warnings.some((text) => /offers Telegram Stars, but everything this bot sells is physical \(visit\).*Telegram allows Stars only for digital goods and services/.test(text)), warnings.join('\n'));
      const payments = app.services.payments!;
      assert.match(payments.starsNotice() ?? '', /\(visit\)/);
      assert.equal(payments.methodsStatus().find((method) => method.provider === 'telegram_stars')?.configured, true, 'Stars are turned on by the config');
      // …yet a visit is never offered them, nor can a Stars payment be opened for one.
      const patient = app.sandbox!.user({ id: 555_010, first_name: 'Aru', language_code: 'en' });
      await patient.send('/start');
      await patient.waitForMessage((message) => labels(message).length > 0, { timeoutMs: 5000 });
      await app.services.patients!.register(555_010, { fullName: 'Тестова Ару', phone: '+77015550010', ...testIdentity(555_010) });
      const booking = app.services.booking!;
      const [branch] = await booking.listBranches();
      const service = (await booking.listServices()).find((item) => item.price_minor > 0);
      assert.ok(branch && service);
      const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const to = new Date(Date.now() + 15 * 86_400_000).toISOString().slice(0, 10);
      const [slot] = await booking.freeSlots({ branchId: branch.id, serviceId: service.id, fromDate: from, toDate: to });
      assert.ok(slot, 'the demo clinic has a free slot within two weeks');
      const visit = await booking.book({ patientId: 555_010, branchId: branch.id, serviceId: service.id, startMs: slot.startMs, locale: 'en' });
      const offer = await payments.offer('visit', String(visit.id), 555_010, 'en');
      assert.deepEqual(offer?.methods.map((method) => method.id), ['qr', 'card'], 'QR and the (simulated) card, no Stars');
      await assert.rejects(payments.start({ userId: 555_010, purpose: 'visit', ref: String(visit.id), method: 'stars', locale: 'en' }), { code: 'payments.stars_not_allowed' });
      assert.deepEqual(await payments.listForPurpose('visit', String(visit.id)), [], 'nothing was written');
    } finally {
      await app.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
