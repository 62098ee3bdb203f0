import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registeredRoutes, type RouteEntry } from '../../src/http/api.ts';
import type { LavkaModule } from '../../src/modules/module.ts';
import { route } from '../../src/platform/route.ts';
import type { StaffRole } from '../../src/platform/roles.ts';
import { concrete, ROLES, SAFE_METHODS as SAFE, staffSessions, type StaffSession as Session } from '../support/admin-gate.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';

const OWNER_TG = 900;
/** A module that exists only in this test: staff routes for accountants, one of them a read-only POST. */
const probeModule: LavkaModule = {
  name: 'admin_probe',
  setup: () => ({
    staffRoles: ['accountant'],
    routes: [
      route({ method: 'GET', url: '/ping', summary: 'Answers pong', handler: async () => ({ pong: true }) }),
      route({ method: 'POST', url: '/count', summary: 'Counts without changing anything', audit: false, handler: async () => ({ count: 3 }) }),
      route({ method: 'POST', url: '/change', summary: 'Changes something', handler: async () => ({ changed: true }) }),
    ],
  }),
};

describe('the admin gate in front of every staff endpoint', () => {
  let lavka: TestLavka;
  let apiRoutes: RouteEntry[];
  const sessions = new Map<StaffRole, Session>();

  const inject = (method: string, url: string, options: { session?: Session; csrf?: string | false; cookie?: string; origin?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    const cookie = options.cookie ?? (options.session ? options.session.cookie : undefined);
    if (cookie) headers.cookie = cookie;
    if (options.csrf !== false && options.session && !SAFE.has(method)) headers['x-csrf-token'] = options.csrf ?? options.session.csrf;
    if (options.origin) headers.origin = options.origin;
    const body = SAFE.has(method) ? undefined : (options.body ?? {});
    if (body !== undefined) headers['content-type'] = 'application/json';
    return lavka.app.http.inject({ method: method as 'GET', url, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  };

  before(async () => {
    lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER_TG], extraModules: [probeModule] });
    for (const [role, session] of await staffSessions(lavka, OWNER_TG)) sessions.set(role, session);
    // The integration API (API keys) and the Mini App's API (initData) have checks of their own.
    apiRoutes = registeredRoutes(lavka.app.http).filter((entry) => entry.url.startsWith('/api/') && !entry.url.startsWith('/api/v1/') && !entry.url.startsWith('/api/miniapp/') && entry.method !== 'HEAD');
  });
  after(async () => {
    await lavka?.stop();
  });

  test('the inventory sees the admin API and every enabled module’s staff routes, all of them gated', () => {
    const urls = new Set(apiRoutes.map((entry) => `${entry.method} ${entry.url}`));
    for (const expected of [
      'GET /api/admin/auth/me',
      'GET /api/admin/dashboard',
      'POST /api/admin/customers/:id/message',
      'GET /api/orders',
      'POST /api/orders/:id/status',
      'GET /api/catalog/products',
      'PUT /api/catalog/products/:id/photo',
      'POST /api/catalog/import',
      'GET /api/payments/:id/receipt',
      'POST /api/support/:userId/reply',
      'GET /api/admin/settings',
      'PUT /api/admin/settings/business',
      'PUT /api/admin/settings/hours',
      'DELETE /api/admin/settings/hours',
      'PUT /api/admin/settings/time-zone',
      'DELETE /api/admin/settings/time-zone',
      'PUT /api/admin/settings/gate',
      'DELETE /api/admin/settings/gate',
      'PUT /api/admin/settings/payments',
      'DELETE /api/admin/settings/payments',
    ]) {
      assert.ok(urls.has(expected), `${expected} is registered (have: ${[...urls].join(', ')})`);
    }
    for (const entry of apiRoutes) assert.ok(entry.staffRoles?.includes('owner'), `${entry.method} ${entry.url} is gated`);
    const miniApp = registeredRoutes(lavka.app.http).filter((entry) => entry.url.startsWith('/api/miniapp/') && entry.method !== 'HEAD');
    assert.ok(miniApp.length > 0, 'the shop has its Mini App API');
    for (const entry of miniApp) assert.ok(entry.miniApp === true && entry.staffRoles === undefined, `${entry.method} ${entry.url} is behind the initData check, not a staff session`);
  });

  test('every staff endpoint refuses an anonymous request with 401', async () => {
    for (const entry of apiRoutes) {
      const response = await inject(entry.method, concrete(entry.url));
      assert.equal(response.statusCode, 401, `${entry.method} ${entry.url}: ${response.body}`);
      assert.equal(response.json().error, 'admin.unauthenticated');
    }
  });

  test('every staff endpoint refuses a forged or altered session cookie with 401', async () => {
    const real = sessions.get('owner') as Session;
    const token = real.cookie.split('=')[1] as string;
    const altered = `lavka_admin=${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const forged = `lavka_admin=${Buffer.from('owner:1:forged-session-cookie-value').toString('base64url')}`;
    for (const entry of apiRoutes) {
      for (const cookie of [altered, forged, 'lavka_admin=', 'lavka_admin=%E0%A4%A']) {
        const response = await inject(entry.method, concrete(entry.url), { cookie, session: { cookie, csrf: real.csrf } });
        assert.equal(response.statusCode, 401, `${entry.method} ${entry.url} with ${cookie.slice(0, 24)}…: ${response.body}`);
      }
    }
  });

  test('every staff endpoint refuses a role it does not allow with 403, and lets the allowed roles past the gate', async () => {
    let refusals = 0;
    for (const entry of apiRoutes) {
      const allowed = entry.staffRoles ?? [];
      for (const role of ROLES) {
        // Changes by allowed roles would really happen; only reads are replayed for them.
        if (allowed.includes(role) && !SAFE.has(entry.method)) continue;
        const response = await inject(entry.method, concrete(entry.url), { session: sessions.get(role) });
        if (allowed.includes(role)) {
          assert.ok(![401, 403].includes(response.statusCode), `${role} may ${entry.method} ${entry.url}, got ${response.statusCode}: ${response.body}`);
        } else {
          assert.equal(response.statusCode, 403, `${role} must not ${entry.method} ${entry.url}: ${response.body}`);
          assert.equal(response.json().error, 'admin.forbidden');
          refusals += 1;
        }
      }
    }
    assert.ok(refusals > 20, `the test exercised the role checks (${refusals} refusals)`);
  });

  test('every state-changing staff endpoint refuses a request without the CSRF token, or with another session’s, with 403', async () => {
    const unsafe = apiRoutes.filter((entry) => !SAFE.has(entry.method));
    assert.ok(unsafe.length > 5);
    const owner = sessions.get('owner') as Session;
    const otherCsrf = (sessions.get('manager') as Session).csrf;
    for (const entry of unsafe) {
      for (const csrf of [false, otherCsrf, ''] as const) {
        const response = await inject(entry.method, concrete(entry.url), { session: owner, csrf });
        assert.equal(response.statusCode, 403, `${entry.method} ${entry.url} with csrf=${String(csrf).slice(0, 6)}: ${response.body}`);
        assert.equal(response.json().error, 'admin.csrf_invalid');
      }
    }
  });

  test('a state change sent from another website is refused even with a valid token', async () => {
    const owner = sessions.get('owner') as Session;
    const response = await inject('POST', '/api/admin/customers/1/tags', { session: owner, origin: 'https://evil.example', body: { tag: 'x' } });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error, 'admin.origin_invalid');
  });

  test('a successful change is written to the audit log with who did what, and secrets are not', async () => {
    const owner = sessions.get('owner') as Session;
    await lavka.app.services.users?.register({ id: 7001, first_name: 'Customer' });
    const tagged = await inject('POST', '/api/admin/customers/7001/tags', { session: owner, body: { tag: 'VIP' } });
    assert.equal(tagged.statusCode, 200, tagged.body);
    const created = await inject('POST', '/api/admin/staff', { session: owner, body: { displayName: 'Cashier', role: 'accountant', login: 'cashier', password: 'cashier password 1' } });
    assert.equal(created.statusCode, 201, created.body);
    const entries = await lavka.app.services.audit?.list({ limit: 10 });
    const tagEntry = entries?.find((entry) => entry.action === 'admin.POST /api/admin/customers/:id/tags');
    assert.ok(tagEntry, 'the tag change is audited');
    assert.equal(tagEntry.actor_type, 'admin');
    assert.equal(tagEntry.subject_type, 'user');
    assert.equal(tagEntry.subject_id, '7001');
    assert.deepEqual((tagEntry.details as { body: unknown }).body, { tag: 'VIP' });
    const staffEntry = entries?.find((entry) => entry.action === 'admin.POST /api/admin/staff');
    assert.ok(staffEntry);
    assert.equal((staffEntry.details as { body: { password: string } }).body.password, '<redacted>');
    assert.ok(!JSON.stringify(entries).includes('cashier password 1'));
  });

  test('a module route that records its actor gets the logged-in staff member, not what the body claims', async () => {
    const manager = sessions.get('manager') as Session;
    const before = (await lavka.app.services.audit?.list({ limit: 1 }))?.[0]?.id ?? 0;
    const response = await inject('POST', '/api/orders/999999/status', { session: manager, body: { to: 'confirmed', actorId: 'owner-impersonated' } });
    assert.equal(response.statusCode, 404);
    // A refused change writes no audit entry.
    assert.equal((await lavka.app.services.audit?.list({ limit: 1 }))?.[0]?.id ?? 0, before);
  });

  test('a module’s staffRoles decide who may use its routes, and a read-only POST can opt out of the audit log', async () => {
    const accountant = sessions.get('accountant') as Session;
    assert.equal((await inject('GET', '/api/admin_probe/ping', { session: accountant })).statusCode, 200);
    assert.equal((await inject('GET', '/api/admin_probe/ping', { session: sessions.get('manager') })).statusCode, 403);
    const before = (await lavka.app.services.audit?.list({ limit: 1 }))?.[0]?.id ?? 0;
    assert.equal((await inject('POST', '/api/admin_probe/count', { session: accountant })).statusCode, 200);
    assert.equal((await lavka.app.services.audit?.list({ limit: 1 }))?.[0]?.id ?? 0, before, 'the read-only POST wrote no audit entry');
    assert.equal((await inject('POST', '/api/admin_probe/change', { session: accountant })).statusCode, 200);
    const latest = (await lavka.app.services.audit?.list({ limit: 1 }))?.[0];
    assert.equal(latest?.action, 'admin_probe.POST /api/admin_probe/change');
    assert.equal((latest?.details as { role: string }).role, 'accountant');
  });

  test('recounting a broadcast audience writes no audit entry, and segments come with their labels in every panel language', async () => {
    const manager = sessions.get('manager') as Session;
    const before = (await lavka.app.services.audit?.list({ limit: 1 }))?.[0]?.id ?? 0;
    const counted = await inject('POST', '/api/broadcasts/audience-size', { session: manager, body: { audience: { kind: 'everyone' } } });
    assert.equal(counted.statusCode, 200, counted.body);
    assert.equal((await lavka.app.services.audit?.list({ limit: 1 }))?.[0]?.id ?? 0, before);
    const segments = await inject('GET', '/api/broadcasts/segments?locale=kk', { session: manager });
    const ordered = (segments.json() as { modules: { name: string; label: string; title: string; titles: Record<string, string> }[] }).modules.find((item) => item.name === 'orders.ordered_within_days');
    assert.ok(ordered, segments.body);
    for (const locale of ['ru', 'en', 'kk']) assert.equal(ordered.titles[locale], lavka.app.i18n.t(locale as 'ru', ordered.label));
    assert.equal(ordered.title, ordered.titles.kk);
    assert.notEqual(ordered.titles.en, ordered.label, 'a label, not its message id');
  });

  test('public routes stay outside the gate', async () => {
    const faq = await lavka.app.http.inject({ method: 'GET', url: '/public/faq?locale=en' });
    assert.equal(faq.statusCode, 200);
    const login = await lavka.app.http.inject({ method: 'POST', url: '/public/admin/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ login: 'nobody', password: 'nothing-here' }) });
    assert.equal(login.statusCode, 401);
    assert.equal(login.json().error, 'admin.bad_credentials');
  });

  test('the OpenAPI document describes every admin API route', async () => {
    const response = await inject('GET', '/api/admin/openapi.json', { session: sessions.get('support') });
    assert.equal(response.statusCode, 200);
    const document = response.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.equal(document.openapi, '3.1.0');
    for (const entry of apiRoutes.filter((item) => item.url.startsWith('/api/admin/'))) {
      const path = entry.url.replace(/:([A-Za-z_]\w*)/g, '{$1}');
      assert.ok(document.paths[path]?.[entry.method.toLowerCase()], `${entry.method} ${path} is documented`);
    }
  });
});

describe('logging in to the admin panel', () => {
  let lavka: TestLavka;
  const clock = { offsetMs: 0 };
  before(async () => {
    lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER_TG], now: () => Date.now() + clock.offsetMs });
  });
  after(async () => {
    await lavka?.stop();
  });

  const linkFor = async (userId: number, firstName = 'Owner') => {
    const user = lavka.sim.user({ id: userId, first_name: firstName, language_code: 'en' });
    await user.send('/admin');
    const reply = await user.waitForMessage(undefined, { timeoutMs: 5000 });
    return { text: reply.text ?? '', url: /https?:\/\/\S+/.exec(reply.text ?? '')?.[0] };
  };
  const redeem = (token: string, headers: Record<string, string> = {}) =>
    lavka.app.http.inject({ method: 'POST', url: '/public/admin/link', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify({ token }) });

  test('an owner’s /admin link starts a session with an HttpOnly SameSite cookie, and works only once', async () => {
    const { url = '' } = await linkFor(OWNER_TG);
    assert.ok(url.startsWith(`${lavka.app.url}/admin/link#`), url);
    const token = url.split('#')[1] as string;
    const first = await redeem(token);
    assert.equal(first.statusCode, 200, first.body);
    // The Set-Cookie header read back by the injector's cookie parser.
    assert.equal(first.cookies.length, 1);
    const [cookie] = first.cookies;
    assert.ok(cookie);
    assert.equal(cookie.name, 'lavka_admin');
    assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual({ path: cookie.path, httpOnly: cookie.httpOnly, sameSite: cookie.sameSite }, { path: '/api', httpOnly: true, sameSite: 'Strict' });
    const me = await lavka.app.http.inject({ method: 'GET', url: '/api/admin/auth/me', headers: { cookie: `lavka_admin=${cookie.value}` } });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().staff.role, 'owner');
    const second = await redeem(token);
    assert.equal(second.statusCode, 410);
    assert.equal(second.json().error, 'admin.link_used');
  });

  test('an expired link is refused', async () => {
    const { url } = await linkFor(OWNER_TG);
    clock.offsetMs += 6 * 60_000;
    try {
      const response = await redeem((url as string).split('#')[1] as string);
      assert.equal(response.statusCode, 410);
      assert.equal(response.json().error, 'admin.link_expired');
    } finally {
      clock.offsetMs -= 6 * 60_000;
    }
  });

  test('someone who is not staff gets a clear refusal and no link; staff with a role get a link for their role', async () => {
    const stranger = await linkFor(4242, 'Stranger');
    assert.equal(stranger.url, undefined);
    assert.match(stranger.text, /for the business's staff only.*Telegram id 4242 /s);
    await lavka.app.services.admin?.createStaff({ telegramId: 4343, displayName: 'Dana', role: 'support' });
    const support = await linkFor(4343, 'Dana');
    assert.match(support.text, /\(support\)/);
    const response = await redeem((support.url as string).split('#')[1] as string);
    assert.equal(response.json().staff.role, 'support');
  });

  test('a link is sent only in a private chat', async () => {
    const owner = lavka.sim.user({ id: OWNER_TG, first_name: 'Owner', language_code: 'en' });
    lavka.sim.group({ id: -100500, title: 'Staff', members: [OWNER_TG] });
    await owner.send('/admin', { chatId: -100500 });
    const reply = await owner.waitForMessage(undefined, { chatId: -100500, timeoutMs: 5000 });
    assert.match(reply.text ?? '', /private chat/);
    assert.doesNotMatch(reply.text ?? '', /http/);
  });

  test('asking the bot for too many links is refused for a while', async () => {
    const id = 4444;
    await lavka.app.services.admin?.createStaff({ telegramId: id, displayName: 'Spammy', role: 'manager' });
    const limit = lavka.app.services.admin?.limits.linksPerStaff ?? 5;
    for (let index = 0; index < limit; index += 1) assert.ok((await linkFor(id, 'Spammy')).url);
    const refused = await linkFor(id, 'Spammy');
    assert.equal(refused.url, undefined);
    assert.match(refused.text, /too many login links/);
  });

  test('a login from another website, or not sent as JSON, is refused', async () => {
    const crossSite = await redeem('x'.repeat(43), { origin: 'https://evil.example' });
    assert.equal(crossSite.statusCode, 403);
    const form = await lavka.app.http.inject({ method: 'POST', url: '/public/admin/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'login=a&password=b' });
    assert.equal(form.statusCode, 415);
  });

  test('password logins are rate-limited per login name', async () => {
    await lavka.app.services.admin?.createOwner({ login: 'boss', password: 'a long owner password' });
    const attempt = (password: string) =>
      lavka.app.http.inject({ method: 'POST', url: '/public/admin/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ login: 'boss', password }) });
    const ok = await attempt('a long owner password');
    assert.equal(ok.statusCode, 200);
    const statuses: number[] = [];
    for (let index = 0; index < 6; index += 1) statuses.push((await attempt(`wrong guess ${index}`)).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const locked = await attempt('a long owner password');
    assert.equal(locked.statusCode, 429);
    assert.ok(locked.headers['retry-after']);
  });

  test('logging out ends the session at once', async () => {
    const admin = lavka.app.services.admin;
    assert.ok(admin);
    const owner = await admin.staffForTelegram({ id: OWNER_TG, first_name: 'Owner' });
    const session = await admin.startSession(owner?.id as number, { ip: '127.0.0.1' });
    const headers = { cookie: `lavka_admin=${session.token}`, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' };
    const out = await lavka.app.http.inject({ method: 'POST', url: '/api/admin/auth/logout', headers, payload: '{}' });
    assert.equal(out.statusCode, 200);
    assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
    const after = await lavka.app.http.inject({ method: 'GET', url: '/api/admin/auth/me', headers: { cookie: headers.cookie } });
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().error, 'admin.session_invalid');
  });
});
