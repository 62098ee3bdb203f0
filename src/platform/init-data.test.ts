import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signWebAppInitData } from '../sim/web-app.ts';
import { validateInitData } from './init-data.ts';

const TOKEN = '7342037359:AAHI25ES9xCOMPEY4iO6oZWsAa6Ae3G_Lmk';
const AUTH_DATE_SEC = 1_700_000_000;
// Signed by another implementation (the tma.js init-data library's `sign`), so that this check
// is not only consistent with the simulator's signer but with Telegram's documented scheme.
const FOREIGN_SIGNED =
  'user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%22%2C%22last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22is_premium%22%3Atrue%2C%22allows_write_to_pm%22%3Atrue%7D&query_id=AAHdF6IQAAAAAN0XohDhrOrc&auth_date=1700000000&signature=&hash=6f1ca9e390084cb40fe4811bdcb7b2e2fc57dbf9cc7aca9a69fe748e53774e6b';
const at = (secondsAfter: number) => ({ botToken: TOKEN, maxAgeSec: 3600, nowMs: (AUTH_DATE_SEC + secondsAfter) * 1000 });
const customer = { id: 1001, is_bot: false, first_name: 'Alice', last_name: 'Walker', username: 'alice', language_code: 'en' };

describe('Mini App initData', () => {
  test('launch data signed by another implementation of Telegram’s scheme is accepted, with its user', () => {
    const data = validateInitData(FOREIGN_SIGNED, at(10));
    assert.equal(typeof data, 'object');
    assert.deepEqual(data, {
      user: { id: 279058397, first_name: 'Vladislav', last_name: 'Kibenko', username: 'vdkfrost', language_code: 'ru', is_premium: true },
      authDateSec: AUTH_DATE_SEC,
      queryId: 'AAHdF6IQAAAAAN0XohDhrOrc',
    });
  });

  test('the simulator’s launch data passes the same check, and may be used again within its age', () => {
    const initData = signWebAppInitData(TOKEN, customer, AUTH_DATE_SEC, { chatType: 'sender' });
    for (const seconds of [0, 60, 3599]) {
      const data = validateInitData(initData, at(seconds));
      assert.equal(typeof data === 'object' && data.user.id, 1001, `at +${seconds}s`);
    }
  });

  test('launch data older than the configured age is refused as expired', () => {
    const initData = signWebAppInitData(TOKEN, customer, AUTH_DATE_SEC);
    assert.equal(validateInitData(initData, at(3601)), 'expired');
    assert.equal(typeof validateInitData(initData, { ...at(3601), maxAgeSec: 7200 }), 'object');
  });

  test('launch data signed for another bot is refused', () => {
    const initData = signWebAppInitData('999999:OTHER-BOT-TOKEN', customer, AUTH_DATE_SEC);
    assert.equal(validateInitData(initData, at(5)), 'signature_invalid');
  });

  test('a changed field breaks the signature: another user id cannot be slipped in', () => {
    const params = new URLSearchParams(signWebAppInitData(TOKEN, customer, AUTH_DATE_SEC));
    params.set('user', JSON.stringify({ id: 1000, first_name: 'Sam' }));
    assert.equal(validateInitData(params.toString(), at(5)), 'signature_invalid');
    // A second user field beside the signed one is refused before anyone reads either.
    const doubled = `${signWebAppInitData(TOKEN, customer, AUTH_DATE_SEC)}&user=${encodeURIComponent(JSON.stringify({ id: 1000, first_name: 'Sam' }))}`;
    assert.equal(validateInitData(doubled, at(5)), 'malformed');
  });

  test('missing, unsigned, oversized and future-dated launch data is refused', () => {
    assert.equal(validateInitData(undefined, at(0)), 'missing');
    assert.equal(validateInitData('', at(0)), 'missing');
    assert.equal(validateInitData('user=%7B%7D&auth_date=1700000000', at(0)), 'malformed');
    assert.equal(validateInitData(`a=${'x'.repeat(5000)}&hash=${'0'.repeat(64)}`, at(0)), 'malformed');
    assert.equal(validateInitData(signWebAppInitData(TOKEN, customer, AUTH_DATE_SEC + 3600), at(0)), 'from_the_future');
  });
});
