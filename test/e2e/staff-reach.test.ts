// Staff chats the bot cannot write to yet. Telegram refuses to write first to a user who never
// pressed Start: Lavka names such a staff chat at start-up and on /health/ready (without taking
// the instance out of service), keeps their notifications, and sends them once they press Start.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { startLavka } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { enqueueOutbox } from '../../src/delivery/outbox.ts';
import { SANDBOX_ADMIN_ID } from '../../src/http/sandbox.routes.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { staffSessions } from '../support/admin-gate.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { sqliteTestDatabase } from '../support/services.ts';
import { textOf } from '../support/chat.ts';
import { pickupOrder } from '../support/shop.ts';

const ADMIN = 9101;
const CUSTOMER = 8101;
const STRANGER = 8102;



interface ReadyBody {
  status: string;
  checks: { name: string; ok: boolean; detail?: string; critical?: boolean }[];
  warnings?: string[];
}

/** Polls the outbox rows of `chatId` until `done` holds for them. */
async function outboxUntil(lavka: TestLavka, chatId: number, done: (rows: { status: string; error_code: string | null; last_error: string | null }[]) => boolean) {
  const deadline = Date.now() + 8000;
  for (;;) {
    const rows = await lavka.app.database.db.selectFrom('outbox').select(['status', 'error_code', 'last_error']).where('chat_id', '=', chatId).orderBy('id').execute();
    if (rows.length > 0 && done(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`the outbox of ${chatId} never got there: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a staff member who has not pressed Start', () => {
  let lavka: TestLavka;
  const logged: { level: number; msg: string }[] = [];

  before(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as { level: number; msg: string }) });
    lavka = await startTestLavka({ preset: 'shop', adminIds: [ADMIN], logger });
    // Known to Telegram (they are in the business's contacts), but they never opened the bot.
    lavka.sim.user({ id: ADMIN, first_name: 'Staff', language_code: 'en' });
    lavka.sim.user({ id: CUSTOMER, first_name: 'Aigerim', language_code: 'en', hasStartedBot: true });
    await lavka.app.services.users!.register({ id: CUSTOMER, first_name: 'Aigerim', language_code: 'en' });
  });
  after(async () => {
    await lavka?.stop();
  });

  test('is named at start-up in a warning that says how to fix it', () => {
    const warning = logged.find((entry) => entry.level === 40 && entry.msg.startsWith(`Staff chat ${ADMIN} cannot be reached`));
    assert.ok(warning, JSON.stringify(logged.filter((entry) => entry.level >= 40)));
    assert.match(warning.msg, /this Telegram user has not started the bot\. Ask them to open t\.me\/\w+ and press Start; their notifications are kept for 3 days and sent then\./);
  });

  test('is named on /health/ready, and the instance still answers 200 "ready"', async () => {
    const response = await lavka.app.http.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as ReadyBody;
    assert.equal(body.status, 'ready');
    const check = body.checks.find((item) => item.name === 'staff-chats');
    assert.equal(check?.ok, false);
    assert.equal(check?.critical, false);
    assert.match(check?.detail ?? '', new RegExp(`Staff chat ${ADMIN} cannot be reached: this Telegram user has not started the bot`));
    assert.equal(body.warnings?.length, 1);
    assert.match(body.warnings?.[0] ?? '', /^staff-chats: Staff chat 9101 cannot be reached/);
  });

  test('the admin panel\'s system page lists it as a warning, not a failure', async () => {
    const session = (await staffSessions(lavka, ADMIN)).get('owner')!;
    const response = await lavka.app.http.inject({ method: 'GET', url: '/api/admin/system', headers: { cookie: session.cookie } });
    assert.equal(response.statusCode, 200, response.body);
    const { checks } = response.json() as { checks: { name: string; ok: boolean; critical: boolean; detail: string | null }[] };
    assert.deepEqual(
      checks.map((check) => [check.name, check.ok, check.critical]),
      [
        ['database', true, true],
        ['telegram', true, true],
        ['staff-chats', false, false],
      ],
    );
    assert.match(checks.find((check) => check.name === 'staff-chats')?.detail ?? '', /Ask them to open t\.me\//);
  });

  test('a new order\'s notification to them is kept, and arrives once after they press Start', async () => {
    const order = await lavka.app.services.orders!.place(pickupOrder(CUSTOMER));
    const kept = await outboxUntil(lavka, ADMIN, (rows) => rows.every((row) => row.status === 'pending' && row.error_code === 'unreachable'));
    assert.match(kept[0]?.last_error ?? '', /can't initiate conversation/);
    const staff = lavka.sim.user({ id: ADMIN, first_name: 'Staff', language_code: 'en' });
    assert.deepEqual(staff.chat().messages, [], 'nothing reached them yet');

    await staff.send('/start');
    const notification = await staff.waitForMessage((message) => textOf(message).includes(order.number), { timeoutMs: 8000 });
    assert.ok(notification);
    await outboxUntil(lavka, ADMIN, (rows) => rows.every((row) => row.status === 'sent'));
    const copies = staff.chat().messages.filter((message) => message.from_bot && textOf(message).includes(order.number));
    assert.equal(copies.length, 1, 'the notification arrives exactly once');

    const ready = (await lavka.app.http.inject({ method: 'GET', url: '/health/ready' })).json() as ReadyBody;
    assert.equal(ready.checks.find((item) => item.name === 'staff-chats')?.ok, true, 'pressing Start makes the next check ask again');
    assert.equal(ready.warnings, undefined);
  });

  test('a notification kept longer than the bound fails with Telegram\'s reason, as before', async () => {
    const other = 9102;
    lavka.sim.user({ id: other, first_name: 'Other staff', language_code: 'en' });
    const fourDaysAgo = Date.now() - 4 * 86_400_000;
    await enqueueOutbox(lavka.app.database.db, { chatId: other, method: 'sendMessage', payload: { text: 'an old alert' }, notBefore: Date.now() }, fourDaysAgo);
    lavka.app.delivery.sender.wake();
    const rows = await outboxUntil(lavka, other, (list) => list.every((row) => row.status === 'failed'));
    assert.equal(rows[0]?.error_code, 'forbidden');
    assert.equal(rows[0]?.last_error, "403: Forbidden: bot can't initiate conversation with a user");
  });

  test('a broadcast to a user who never started the bot is not kept: it fails as before', async () => {
    lavka.sim.user({ id: STRANGER, first_name: 'Reader', language_code: 'en' });
    await enqueueOutbox(lavka.app.database.db, { chatId: STRANGER, method: 'sendMessage', payload: { text: 'news' }, priority: 'bulk' });
    lavka.app.delivery.sender.wake();
    const rows = await outboxUntil(lavka, STRANGER, (list) => list.every((row) => row.status !== 'pending' && row.status !== 'sending'));
    assert.deepEqual(
      rows.map((row) => [row.status, row.error_code]),
      [['failed', 'forbidden']],
    );
  });
});

describe('the sandbox', () => {
  test('its simulated admin has pressed Start already: staff notifications reach them at once', async () => {
    const database = sqliteTestDatabase();
    const app = await startLavka({
      env: parseEnv({ LAVKA_PRESET: 'shop', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, LOG_LEVEL: 'silent' }),
      logger: silentLogger(),
      sandbox: { rateLimits: false },
    });
    try {
      const ready = (await app.http.inject({ method: 'GET', url: '/health/ready' })).json() as ReadyBody;
      assert.deepEqual(ready.checks.find((item) => item.name === 'staff-chats'), { name: 'staff-chats', ok: true, detail: '1 staff chat reachable', critical: false });
      await app.services.users!.register({ id: CUSTOMER, first_name: 'Aigerim', language_code: 'ru' });
      const order = await app.services.orders!.place(pickupOrder(CUSTOMER));
      const admin = app.sandbox!.user({ id: SANDBOX_ADMIN_ID, first_name: 'Owner' });
      await admin.waitForMessage((message) => textOf(message).includes(order.number), { timeoutMs: 8000 });
    } finally {
      await app.stop();
      await database.drop();
    }
  });
});
