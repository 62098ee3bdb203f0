import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registeredRoutes, type RouteEntry } from '../../src/http/api.ts';
import type { StaffRole } from '../../src/platform/roles.ts';
import { concrete, ROLES, SAFE_METHODS, staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';

const OWNER_TG = 900;

// The shop's routes are checked in depth by admin-security.test.ts; these presets add their own
// modules' staff routes (bookings, tickets, wallet, custom orders, the Stars reseller).
for (const preset of ['clinic', 'billing', 'print3d', 'stars']) {
  describe(`the admin gate with the ${preset} preset`, () => {
    let lavka: TestLavka;
    let routes: RouteEntry[];
    let sessions: Map<StaffRole, StaffSession>;
    const inject = (entry: RouteEntry, headers: Record<string, string>) =>
      lavka.app.http.inject({
        method: entry.method as 'GET',
        url: concrete(entry.url),
        headers: SAFE_METHODS.has(entry.method) ? headers : { ...headers, 'content-type': 'application/json' },
        ...(SAFE_METHODS.has(entry.method) ? {} : { payload: '{}' }),
      });

    before(async () => {
      lavka = await startTestLavka({ preset, adminIds: [OWNER_TG] });
      sessions = await staffSessions(lavka, OWNER_TG);
      // The integration API (API keys) and the Mini App's API (initData) have checks of their own.
      routes = registeredRoutes(lavka.app.http).filter((entry) => entry.url.startsWith('/api/') && !entry.url.startsWith('/api/v1/') && !entry.url.startsWith('/api/miniapp/') && entry.method !== 'HEAD');
    });
    after(async () => {
      await lavka?.stop();
    });

    test('every staff route is gated, refusing anonymous and forged sessions with 401', async () => {
      const moduleRoutes = routes.filter((entry) => !entry.url.startsWith('/api/admin/'));
      assert.ok(moduleRoutes.length > 3, `the preset's modules have staff routes (${moduleRoutes.length})`);
      for (const entry of registeredRoutes(lavka.app.http).filter((item) => item.url.startsWith('/api/miniapp/'))) {
        assert.ok(entry.miniApp === true && entry.staffRoles === undefined, `${entry.method} ${entry.url} is behind the Mini App's initData check`);
      }
      for (const entry of routes) {
        assert.ok(entry.staffRoles?.includes('owner'), `${entry.method} ${entry.url} is gated`);
        for (const headers of [{}, { cookie: 'lavka_admin=forged-session-value' }] as Record<string, string>[]) {
          const response = await inject(entry, headers);
          assert.equal(response.statusCode, 401, `${entry.method} ${entry.url}: ${response.body}`);
        }
      }
    });

    test('every staff route refuses the roles it does not allow, and changes need the CSRF token', async () => {
      for (const entry of routes) {
        for (const role of ROLES.filter((item) => !(entry.staffRoles ?? []).includes(item))) {
          const session = sessions.get(role) as StaffSession;
          const response = await inject(entry, { cookie: session.cookie, 'x-csrf-token': session.csrf });
          assert.equal(response.statusCode, 403, `${role} must not ${entry.method} ${entry.url}: ${response.body}`);
        }
        if (!SAFE_METHODS.has(entry.method)) {
          const owner = sessions.get('owner') as StaffSession;
          const response = await inject(entry, { cookie: owner.cookie });
          assert.equal(response.statusCode, 403, `${entry.method} ${entry.url} without CSRF: ${response.body}`);
          assert.equal(response.json().error, 'admin.csrf_invalid');
        }
      }
    });
  });
}
