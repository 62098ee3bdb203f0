// The owner changes settings in the admin panel's API while Lavka runs, and the bot follows at
// once, through the simulator: business hours (and whether the shop is open) in three
// languages, the time zone, the mandatory channels of the gate, the payment methods and the
// transfer requisites; bad input is refused and stores nothing; two instances on one
// PostgreSQL database converge.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DAILY_REPORT_JOB } from '../../src/delivery/daily-report.ts';
import { zonedToEpochMs } from '../../src/delivery/zoned-time.ts';
import type { StaffRole } from '../../src/platform/roles.ts';
import type { ApiInlineButton, SimUser, ViewMessage } from '../../src/sim/index.ts';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import { hasPostgres, postgresTestDatabase } from '../support/services.ts';

const OWNER = 900;
const textOf = (message: ViewMessage) => message.text ?? message.caption ?? '';
const buttonsOf = (message: ViewMessage | undefined) => message?.reply_markup?.inline_keyboard.flat() ?? [];
const labelsOf = (message: ViewMessage | undefined) => buttonsOf(message).map((button) => button.text);

function waitText(user: SimUser, match: RegExp | string, timeoutMs = 5000) {
  const matches = (value: string) => (typeof match === 'string' ? value.includes(match) : match.test(value));
  return user.waitForMessage((message) => matches(textOf(message)), { timeoutMs });
}

async function press(user: SimUser, label: string | ((button: ApiInlineButton) => boolean), options: { messageId?: number } = {}) {
  const result = await user.pressButton(label, options);
  if (result.type !== 'callback') throw new Error(`not a callback button: ${String(label)}`);
  return user.waitForCallbackAnswer(result.callbackQueryId, { timeoutMs: 5000 });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

/** Calls the admin API as a staff member, with the CSRF token on changes. */
function apiAs(lavka: TestLavka, session: StaffSession) {
  return async (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, body?: unknown) => {
    const headers: Record<string, string> = { cookie: session.cookie };
    if (method !== 'GET') Object.assign(headers, { 'x-csrf-token': session.csrf, 'content-type': 'application/json' });
    const response = await lavka.app.http.inject({ method, url, headers, ...(method === 'GET' ? {} : { payload: JSON.stringify(body ?? {}) }) });
    return { status: response.statusCode, json: response.json() as Record<string, unknown> & { error?: string; message?: string; reason?: string } };
  };
}

/** A session of the owner (ADMIN_IDS) alone, for instances that share their staff table. */
async function ownerSession(lavka: TestLavka): Promise<StaffSession> {
  const admin = lavka.app.services.admin;
  assert.ok(admin);
  const owner = await admin.staffForTelegram({ id: OWNER, first_name: 'Owner' });
  assert.ok(owner);
  const started = await admin.startSession(owner.id, { ip: '127.0.0.1' });
  return { cookie: `lavka_admin=${started.token}`, csrf: started.csrfToken };
}

const interval = (from: string, to: string) => [{ from, to }];
const WEEKDAYS_9_TO_18 = { mon: interval('09:00', '18:00'), tue: interval('09:00', '18:00'), wed: interval('09:00', '18:00'), thu: interval('09:00', '18:00'), fri: interval('09:00', '18:00') };

describe('settings changed in the panel reach the bot at once (shop)', () => {
  let lavka: TestLavka;
  let api: ReturnType<typeof apiAs>;
  let sessions: Map<StaffRole, StaffSession>;
  const clock = { offsetMs: 0 };
  /** Moves Lavka's clock (only ever forward) to an instant given with its offset. */
  const setClock = (iso: string) => {
    clock.offsetMs = Date.parse(iso) - Date.now();
  };
  const storedKeys = async () => (await lavka.app.database.db.selectFrom('admin_settings').select('key').execute()).map((row) => row.key).sort();
  const customers = {
    ru: 7101,
    en: 7102,
    kk: 7103,
  } as const;
  const user = (locale: keyof typeof customers) => lavka.sim.user({ id: customers[locale], first_name: `Client ${locale}`, language_code: locale });
  const contacts = async (locale: keyof typeof customers) => {
    const customer = user(locale);
    await customer.send('/support');
    return textOf(await waitText(customer, { ru: 'Как с нами связаться', en: 'How to reach us', kk: 'Бізбен қалай байланысуға болады' }[locale]));
  };

  before(async () => {
    // Wednesday 10 March 2027, 11:00 in Almaty (the shop's time zone). Ahead of the real
    // clock, which the job scheduler keeps: what is scheduled for "tomorrow" stays waiting.
    setClock('2027-03-10T11:00:00+05:00');
    lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER], now: () => Date.now() + clock.offsetMs });
    sessions = await staffSessions(lavka, OWNER);
    api = apiAs(lavka, sessions.get('owner') as StaffSession);
  });
  after(async () => {
    await lavka?.stop();
  });

  test('the settings page lists every live section with the config file’s value, and a manager may not change them', async () => {
    const page = await api('GET', '/api/admin/settings');
    assert.equal(page.status, 200);
    const sections = page.json.sections as Record<string, { value: unknown; fallback: unknown; overridden: boolean; facts: Record<string, unknown> }>;
    assert.deepEqual(Object.keys(sections).sort(), ['business', 'catalog-feed', 'gate', 'hours', 'miniapp', 'payments', 'phone-country', 'time-zone']);
    assert.deepEqual(sections['time-zone']?.value, { timeZone: 'Asia/Almaty' });
    assert.equal(sections.hours?.overridden, false);
    assert.deepEqual((sections.payments?.facts.methods as { id: string; ready: boolean; reason?: string }[]).find((method) => method.id === 'card'), { id: 'card', ready: false, reason: 'needs_provider_token' });
    const manager = apiAs(lavka, sessions.get('manager') as StaffSession);
    const refused = await manager('PUT', '/api/admin/settings/time-zone', { timeZone: 'Europe/Moscow' });
    assert.equal(refused.status, 403);
    assert.equal(lavka.app.config.business.timeZone, 'Asia/Almaty');
  });

  test('bad input is a clear 400 that stores nothing, changes nothing and writes no audit entry', async () => {
    const auditBefore = (await lavka.app.services.audit?.list({ limit: 1 }))?.[0]?.id ?? 0;
    const zone = await api('PUT', '/api/admin/settings/time-zone', { timeZone: 'Mars/Olympus' });
    assert.equal(zone.status, 400);
    assert.equal(zone.json.error, 'admin.invalid_input');
    assert.equal(zone.json.message, 'timeZone: expected an IANA time zone such as Asia/Almaty');
    const link = await api('PUT', '/api/admin/settings/gate', { channels: [{ chatId: -1009001, title: 'Lavka News', url: 'ftp://lavka_news' }] });
    assert.equal(link.status, 400);
    assert.equal(link.json.message, 'channels.0.url: expected an https:// or tg:// link, such as https://t.me/lavka_news');
    const requisites = await api('PUT', '/api/admin/settings/payments', {
      methods: ['stars', 'manual'],
      manual: { variants: [{ id: 'kaspi', label: { ru: 'Kaspi перевод' }, requisites: { ru: ' ', en: '', kk: '' } }] },
    });
    assert.equal(requisites.status, 400);
    assert.match(requisites.json.message ?? '', /manual\.variants\.0\.requisites: .*empty/);
    const hours = await api('PUT', '/api/admin/settings/hours', { weekly: { mon: [{ from: '10:00', to: '13:00' }, { from: '12:00', to: '19:00' }] } });
    assert.equal(hours.status, 400);
    assert.equal(hours.json.message, 'weekly.mon: 10:00–13:00 and 12:00–19:00 overlap');
    const backwards = await api('PUT', '/api/admin/settings/hours', { weekly: { tue: [{ from: '19:00', to: '10:00' }] } });
    assert.equal(backwards.status, 400);

    assert.deepEqual(await storedKeys(), []);
    assert.equal(lavka.app.config.business.timeZone, 'Asia/Almaty');
    assert.equal(lavka.app.config.business.hours?.weekly?.mon[0]?.from, '10:00', 'the preset’s hours are still in effect');
    assert.equal((await lavka.app.services.audit?.list({ limit: 1 }))?.[0]?.id ?? 0, auditBefore);
  });

  test('business hours appear with the contacts in Russian, English and Kazakh, open now at 11:00 in Almaty', async () => {
    const saved = await api('PUT', '/api/admin/settings/hours', { weekly: WEEKDAYS_9_TO_18, note: 'Closed on public holidays' });
    assert.equal(saved.status, 200, JSON.stringify(saved.json));
    const audit = (await lavka.app.services.audit?.list({ limit: 1 }))?.[0];
    assert.equal(audit?.action, 'admin.PUT /api/admin/settings/hours');
    assert.deepEqual([audit?.subject_type, audit?.subject_id, audit?.actor_type], ['setting', 'hours', 'admin']);

    const ru = await contacts('ru');
    assert.match(ru, /🕘 Часы работы:\nПн–Пт: 09:00–18:00\nСб–Вс: выходной\n🟢 Сейчас открыто, до 18:00\nClosed on public holidays/);
    const en = await contacts('en');
    assert.match(en, /🕘 Opening hours:\nMon–Fri: 09:00–18:00\nSat–Sun: closed\n🟢 Open now, until 18:00/);
    const kk = await contacts('kk');
    assert.match(kk, /🕘 Жұмыс уақыты:\n.+: 09:00–18:00\n.+: демалыс\n🟢 Қазір ашық\. Жабылу уақыты: 18:00/);
  });

  test('in the evening the contacts say when the shop opens, and a customer who writes is told when they will be answered', async () => {
    setClock('2027-03-10T20:00:00+05:00');
    assert.match(await contacts('en'), /🔴 Closed now, opens tomorrow at 09:00/);
    assert.match(await contacts('ru'), /🔴 Сейчас закрыто, откроемся завтра в 09:00/);
    const customer = user('en');
    await press(customer, '✍️ Write to us here');
    await waitText(customer, 'Write your message');
    await customer.send('Is the blue mug back in stock?');
    const sent = await waitText(customer, 'Sent! Our team will get back to you.');
    assert.match(textOf(sent), /\nWe are closed now and will answer after we open tomorrow at 09:00\.$/);
  });

  test('a new time zone changes what "today" and "09:00" mean without a restart; instants already stored keep theirs', async () => {
    const draft = async () => {
      const created = await api('POST', '/api/broadcasts', { text: 'Spring sale', audience: { kind: 'everyone' } });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      return (created.json.broadcast as { id: number }).id;
    };
    const schedule = async (id: number) => {
      const scheduled = await api('POST', `/api/broadcasts/${id}/schedule`, { at: '2027-03-11 09:00' });
      assert.equal(scheduled.status, 200, JSON.stringify(scheduled.json));
      return (scheduled.json.broadcast as { scheduledAt: number }).scheduledAt;
    };
    const dailyReportAt = async () => (await lavka.app.database.db.selectFrom('scheduled_jobs').select('run_at').where('dedupe_key', '=', DAILY_REPORT_JOB).executeTakeFirstOrThrow()).run_at;

    const first = await draft();
    assert.equal(await schedule(first), Date.parse('2027-03-11T09:00:00+05:00'));
    assert.equal(await dailyReportAt(), zonedToEpochMs({ year: 2027, month: 3, day: 11, hour: 9, minute: 0 }, 'Asia/Almaty'));

    const changed = await api('PUT', '/api/admin/settings/time-zone', { timeZone: 'America/New_York' });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));
    assert.equal(lavka.app.config.business.timeZone, 'America/New_York');

    const second = await draft();
    assert.equal(await schedule(second), Date.parse('2027-03-11T09:00:00-05:00'), '09:00 is now New York’s');
    assert.equal((await lavka.app.services.broadcasts?.get(first))?.scheduled_at, Date.parse('2027-03-11T09:00:00+05:00'), 'the first keeps its instant');
    // 20:00 in Almaty is 10:00 in New York: the daily report moves to 09:00 there tomorrow.
    assert.equal(await dailyReportAt(), Date.parse('2027-03-11T09:00:00-05:00'));
    // And the shop is open again: its hours are New York's now.
    assert.match(await contacts('en'), /🟢 Open now, until 18:00/);

    const reset = await api('DELETE', '/api/admin/settings/time-zone');
    assert.equal(reset.status, 200);
    assert.equal(lavka.app.config.business.timeZone, 'Asia/Almaty');
    assert.equal(await dailyReportAt(), Date.parse('2027-03-11T09:00:00+05:00'));
  });

  test('a channel added in the panel stops customers at once, joining lets them in, and removing it lifts the gate', async () => {
    const CHANNEL = -1009001;
    lavka.sim.channel({ id: CHANNEL, title: 'Lavka News', username: 'lavka_news_ch', botIsAdmin: false });
    const channels = { channels: [{ chatId: String(CHANNEL), title: 'Lavka News', url: 'https://t.me/lavka_news_ch' }] };

    const refused = await api('PUT', '/api/admin/settings/gate', channels);
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error, 'admin.setting_refused');
    assert.equal(refused.json.reason, 'bot_not_admin');
    assert.match(refused.json.message ?? '', /Make the bot an administrator of the channel first/);
    assert.ok(!(await storedKeys()).includes('gate'));
    assert.equal(lavka.app.services.gate?.enabled, false);

    lavka.sim.setBotAdmin(CHANNEL, true);
    const added = await api('PUT', '/api/admin/settings/gate', channels);
    assert.equal(added.status, 200, JSON.stringify(added.json));
    assert.deepEqual((added.json.section as { value: unknown }).value, { channels: [{ chatId: CHANNEL, title: 'Lavka News', url: 'https://t.me/lavka_news_ch' }] });

    const customer = lavka.sim.user({ id: 7201, first_name: 'Gated', language_code: 'en' });
    await customer.send('/start');
    const gate = await waitText(customer, 'please join our channels first');
    assert.match(textOf(gate), /• Lavka News/);
    assert.equal(buttonsOf(gate).find((button) => button.url)?.url, 'https://t.me/lavka_news_ch');
    await customer.joinChannel(CHANNEL);
    const welcome = await press(customer, '🔄 Check again');
    assert.equal(welcome.text, 'Thank you for subscribing!');
    await customer.waitForMessage((message) => labelsOf(message).includes('🛍 Catalogue'));

    const other = lavka.sim.user({ id: 7202, first_name: 'Newcomer', language_code: 'en' });
    await other.send('/start');
    await waitText(other, 'please join our channels first');
    const removed = await api('PUT', '/api/admin/settings/gate', { channels: [] });
    assert.equal(removed.status, 200);
    await other.send('/start');
    await other.waitForMessage((message) => labelsOf(message).includes('🛍 Catalogue'));
  });

  test('the owner turns the Mini App off: its page and API answer 404; on again, the API checks initData again', async () => {
    const off = await api('PUT', '/api/admin/settings/miniapp', { enabled: false, initDataMaxAgeSeconds: 3600 });
    assert.equal(off.status, 200);
    assert.equal((await fetch(`${lavka.app.url}/app/`)).status, 404);
    const call = await fetch(`${lavka.app.url}/api/miniapp/app/session`, { headers: { authorization: 'tma anything' } });
    assert.equal(call.status, 404);
    assert.equal(((await call.json()) as { error: { code: string } }).error.code, 'miniapp.disabled');
    const on = await api('PUT', '/api/admin/settings/miniapp', { enabled: true, initDataMaxAgeSeconds: 3600 });
    assert.equal(on.status, 200);
    assert.equal((await fetch(`${lavka.app.url}/api/miniapp/app/session`, { headers: { authorization: 'tma anything' } })).status, 401);
  });
});

describe('payment methods and requisites changed in the panel (billing)', () => {
  let lavka: TestLavka;
  let api: ReturnType<typeof apiAs>;
  let customer: SimUser;
  const CUSTOMER = 7301;

  const methodsOffered = async () => {
    await customer.send('/buy');
    await waitText(customer, 'Choose a token pack:');
    await press(customer, (button) => button.text.startsWith('100 tokens'));
    return labelsOf(await waitText(customer, 'Choose how to pay:'));
  };
  const panelPayments = async () => ((await api('GET', '/api/admin/settings')).json.sections as Record<string, { value: { methods: string[]; qr: { receiver: string }; manual: { variants: unknown[] } } }>).payments?.value;

  before(async () => {
    lavka = await startTestLavka({ preset: 'billing', adminIds: [OWNER] });
    api = apiAs(lavka, (await staffSessions(lavka, OWNER)).get('owner') as StaffSession);
    customer = lavka.sim.user({ id: CUSTOMER, first_name: 'Dana', language_code: 'en' });
  });
  after(async () => {
    await lavka?.stop();
  });

  test('a transfer opened before the change keeps its requisites; turning transfers off removes them from the bot’s choice', async () => {
    assert.deepEqual(await methodsOffered(), ['⭐ Telegram Stars', '📱 QR payment', '🏦 Transfer to a Russian card', '🏢 Bank transfer', '🪙 Crypto (USDT)', '« Main menu']);
    await press(customer, '🏦 Transfer to a Russian card');
    const opened = await waitText(customer, /^Transfer request #(\d+):/);
    assert.match(textOf(opened), /Card: 2200 0000 0000 0000/);
    const openedId = Number(/#(\d+)/.exec(textOf(opened))?.[1]);
    await customer.send('/cancel');

    const current = await panelPayments();
    // Card payments and the crypto gateway are on in the config file, but not offered without their secrets.
    assert.deepEqual(current?.methods, ['stars', 'card', 'heleket', 'qr', 'manual']);
    const off = await api('PUT', '/api/admin/settings/payments', { ...current, methods: ['stars', 'qr'] });
    assert.equal(off.status, 200, JSON.stringify(off.json));
    assert.deepEqual(await methodsOffered(), ['⭐ Telegram Stars', '📱 QR payment', '« Main menu']);

    const card = await api('PUT', '/api/admin/settings/payments', { ...current, methods: ['card', 'stars'] });
    assert.equal(card.status, 400);
    assert.equal(card.json.reason, 'needs_provider_token');
    assert.match(card.json.message ?? '', /PAYMENTS_PROVIDER_TOKEN/);
    const noRequisites = await api('PUT', '/api/admin/settings/payments', { ...current, methods: ['manual'], manual: { variants: [] } });
    assert.equal(noRequisites.status, 400);
    assert.equal(noRequisites.json.reason, 'needs_requisites');
    assert.deepEqual((await panelPayments())?.methods, ['stars', 'qr'], 'refused changes stored nothing');

    // The request opened before keeps the requisites and label it was opened with.
    const payment = await lavka.app.services.payments?.get(openedId);
    assert.match(JSON.parse(payment?.details ?? '{}').requisites, /Card: 2200 0000 0000 0000/);
  });

  test('new requisites and a new order of methods show in the next payment; the QR receiver is shown with the code', async () => {
    const current = await panelPayments();
    assert.ok(current);
    const saved = await api('PUT', '/api/admin/settings/payments', {
      methods: ['manual', 'qr', 'stars'],
      qr: { receiver: 'Lavka Tokens LLP' },
      manual: {
        variants: [
          {
            id: 'kaspi',
            label: { ru: '🏦 Kaspi перевод', en: '🏦 Kaspi transfer', kk: '🏦 Kaspi аударым' },
            requisites: { ru: 'Kaspi Gold 4400 1111 2222 3333, Айгерим С.', en: 'Kaspi Gold 4400 1111 2222 3333, Aigerim S.', kk: 'Kaspi Gold 4400 1111 2222 3333, Әйгерім С.' },
          },
        ],
      },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.json));
    assert.deepEqual(await methodsOffered(), ['🏦 Kaspi transfer', '📱 QR payment', '⭐ Telegram Stars', '« Main menu']);
    await press(customer, '🏦 Kaspi transfer');
    const requisites = await waitText(customer, /^Transfer request #(\d+):/);
    assert.match(textOf(requisites), /Kaspi Gold 4400 1111 2222 3333, Aigerim S\./);
    await customer.send('/cancel');

    await methodsOffered();
    await press(customer, '📱 QR payment');
    const qr = await waitText(customer, /^Payment #\d+/);
    assert.match(textOf(qr), /\nReceiver: Lavka Tokens LLP$/);
  });

  test('a section of a module the preset does not run is not offered', async () => {
    const page = await api('GET', '/api/admin/settings');
    assert.ok(!('gate' in (page.json.sections as Record<string, unknown>)));
    const put = await api('PUT', '/api/admin/settings/gate', { channels: [] });
    assert.equal(put.status, 404);
  });
});

describe('two Lavka instances on one PostgreSQL database', { skip: !(await hasPostgres()) && 'PostgreSQL is not reachable' }, () => {
  let first: TestLavka;
  let second: TestLavka;

  before(async () => {
    const database = await postgresTestDatabase();
    first = await startTestLavka({ preset: 'shop', adminIds: [OWNER], database });
    // The second instance shares the database; only the first drops it at the end.
    second = await startTestLavka({ preset: 'shop', adminIds: [OWNER], database: { ...database, drop: async () => {} } });
  });
  after(async () => {
    await second?.stop();
    await first?.stop();
  });

  test('a change made on one instance is applied by the other within seconds, and its bot shows it', async () => {
    const api = apiAs(first, await ownerSession(first));
    const saved = await api('PUT', '/api/admin/settings/hours', { weekly: { sat: interval('10:00', '14:00') }, note: 'Only Saturdays' });
    assert.equal(saved.status, 200, JSON.stringify(saved.json));
    const zone = await api('PUT', '/api/admin/settings/time-zone', { timeZone: 'Europe/Berlin' });
    assert.equal(zone.status, 200);
    const tookMs = await until(() => second.app.config.business.timeZone === 'Europe/Berlin' && second.app.config.business.hours?.note === 'Only Saturdays', 8000, 'the second instance to follow');
    assert.ok(tookMs < 8000);
    const customer = second.sim.user({ id: 7401, first_name: 'Far', language_code: 'en' });
    await customer.send('/support');
    const screen = await waitText(customer, 'How to reach us');
    assert.match(textOf(screen), /Mon–Fri: closed\nSat: 10:00–14:00\nSun: closed\n.+\nOnly Saturdays/);

    // A reset on the second instance reaches the first.
    const other = apiAs(second, await ownerSession(second));
    assert.equal((await other('DELETE', '/api/admin/settings/time-zone')).status, 200);
    await until(() => first.app.config.business.timeZone === 'Asia/Almaty', 8000, 'the first instance to follow the reset');
  });

  test('a bot text edited on one instance is what the other instance says too, and its reset as well', async () => {
    const api = apiAs(first, await ownerSession(first));
    const edited = await api('PUT', '/api/admin/content/texts/en/start-welcome', { text: 'Hi { $name }, glad to see you at { $business }!' });
    assert.equal(edited.status, 200, JSON.stringify(edited.json));
    await until(() => second.app.i18n.t('en', 'start-welcome', { name: 'Far', business: 'Lavka Shop' }) === 'Hi Far, glad to see you at Lavka Shop!', 8000, 'the second instance to load the text');
    const customer = second.sim.user({ id: 7402, first_name: 'Far', language_code: 'en' });
    await customer.send('/start');
    await waitText(customer, 'Hi Far, glad to see you at');

    assert.equal((await api('DELETE', '/api/admin/content/texts/en/start-welcome')).status, 200);
    await until(() => second.app.i18n.t('en', 'start-welcome', { name: 'Far', business: 'Lavka Shop' }).startsWith('Hello, Far!'), 8000, 'the second instance to drop the text');
  });
});
