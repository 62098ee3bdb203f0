import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestLavka, type TestLavka } from '../support/harness.ts';

const OWNER_TG = 910;

describe('the admin session cookie behind a TLS-terminating proxy', () => {
  let lavka: TestLavka;

  before(async () => {
    // One trusted proxy hop: its X-Forwarded-Proto tells Lavka whether the browser used https.
    lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER_TG], env: { TRUST_PROXY: '1' } });
  });

  after(async () => {
    await lavka.stop();
  });

  /** A fresh one-time login link's token, as the owner gets it from /admin. */
  const loginToken = async () => {
    const owner = lavka.sim.user({ id: OWNER_TG, first_name: 'Owner', language_code: 'en' });
    await owner.send('/admin');
    const reply = await owner.waitForMessage(undefined, { timeoutMs: 5000 });
    const url = /https?:\/\/\S+/.exec(reply.text ?? '')?.[0] ?? '';
    return url.split('#')[1] as string;
  };
  const redeem = async (proto: 'http' | 'https') =>
    lavka.app.http.inject({
      method: 'POST',
      url: '/public/admin/link',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': proto },
      payload: JSON.stringify({ token: await loginToken() }),
    });

  test('a browser on https gets a Secure, HttpOnly, SameSite=Strict session cookie for /api that lasts as long as a session may', async () => {
    const response = await redeem('https');
    assert.equal(response.statusCode, 200, response.body);
    const [cookie, ...others] = response.cookies;
    assert.ok(cookie);
    assert.equal(others.length, 0, 'one cookie only');
    assert.equal(cookie.name, 'lavka_admin');
    assert.deepEqual(
      { path: cookie.path, httpOnly: cookie.httpOnly, secure: cookie.secure, sameSite: cookie.sameSite, maxAge: cookie.maxAge },
      { path: '/api', httpOnly: true, secure: true, sameSite: 'Strict', maxAge: lavka.app.services.admin!.limits.sessionMaxMs / 1000 },
    );
  });

  test('a browser on plain http gets the cookie without Secure, so it is still sent back', async () => {
    const response = await redeem('http');
    assert.equal(response.statusCode, 200, response.body);
    const [cookie] = response.cookies;
    assert.ok(cookie);
    assert.equal(cookie.secure, undefined);
    assert.equal(cookie.httpOnly, true);
    const me = await lavka.app.http.inject({ method: 'GET', url: '/api/admin/auth/me', headers: { cookie: `lavka_admin=${cookie.value}` } });
    assert.equal(me.statusCode, 200, 'the cookie as sent opens the session');
  });

  test('logging out over https clears the cookie with the same path and flags', async () => {
    const login = await redeem('https');
    const [session] = login.cookies;
    assert.ok(session);
    const csrf = (login.json() as { csrfToken: string }).csrfToken;
    const out = await lavka.app.http.inject({
      method: 'POST',
      url: '/api/admin/auth/logout',
      headers: { cookie: `lavka_admin=${session.value}`, 'x-csrf-token': csrf, 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      payload: '{}',
    });
    assert.equal(out.statusCode, 200, out.body);
    const [cleared] = out.cookies;
    assert.ok(cleared);
    assert.deepEqual(
      { name: cleared.name, value: cleared.value, path: cleared.path, maxAge: cleared.maxAge, httpOnly: cleared.httpOnly, secure: cleared.secure, sameSite: cleared.sameSite },
      { name: 'lavka_admin', value: '', path: '/api', maxAge: 0, httpOnly: true, secure: true, sameSite: 'Strict' },
    );
  });
});
