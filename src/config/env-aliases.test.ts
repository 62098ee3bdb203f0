import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ENV_ALIASES, resolveEnvAliases, withClinicErpUrl } from './env-aliases.ts';
import { ConfigError, parseEnv } from './env.ts';

const TOKEN = '123456:ABCDEFGHIJKLMNOP';

describe('the old bots\' variable names', () => {
  test('an old bot\'s .env starts Lavka as the same bot: every old name is read as Lavka\'s', () => {
    const env = parseEnv({
      TELEGRAM_BOT_TOKEN: TOKEN,
      ADMIN_CHAT_IDS: '111, 222',
      USE_WEBHOOK: 'True',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.kz/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: 'old-bot-secret-123456',
      REDIS_HOST: 'cache',
      REDIS_PORT: '6380',
      REDIS_DB: '2',
      MERCHANT_UUID: 'c26b80a8-7b4a-4bd8-b3f9-6e14a5b5c4f0',
      DJANGO_API_URL: 'https://erp.clinic.kz',
    });
    assert.deepEqual(env.ADMIN_IDS, [111, 222]);
    assert.equal(env.BOT_MODE, 'webhook');
    assert.equal(env.WEBHOOK_URL, 'https://bot.example.kz/telegram/webhook');
    assert.equal(env.WEBHOOK_SECRET, 'old-bot-secret-123456');
    assert.equal(env.REDIS_URL, 'redis://cache:6380/2');
    assert.equal(env.HELEKET_MERCHANT_ID, 'c26b80a8-7b4a-4bd8-b3f9-6e14a5b5c4f0');
    assert.equal(env.CLINIC_ERP_URL, 'https://erp.clinic.kz');
    assert.equal(parseEnv({ API_BASE_URL: 'https://api.clinic.kz/' }).CLINIC_ERP_URL, 'https://api.clinic.kz/');
    assert.equal(parseEnv({ USE_WEBHOOK: 'false' }).BOT_MODE, 'polling');
    assert.equal(parseEnv({ REDIS_HOST: 'redis', REDIS_PASSWORD: 'p@ss' }).REDIS_URL, 'redis://:p%40ss@redis:6379/0');
  });

  test('which old names were used is reported for the start-up log', () => {
    const { used } = resolveEnvAliases({ ADMIN_CHAT_IDS: '1', REDIS_HOST: 'cache', ADMIN_IDS: '' });
    assert.deepEqual(used, [
      { names: ['ADMIN_CHAT_IDS'], target: 'ADMIN_IDS' },
      { names: ['REDIS_HOST'], target: 'REDIS_URL' },
    ]);
    assert.deepEqual(resolveEnvAliases({ ADMIN_IDS: '1' }).used, []);
  });

  test('an old name that agrees with Lavka\'s own is fine; one that disagrees stops start-up naming both, with every other problem', () => {
    assert.deepEqual(parseEnv({ ADMIN_CHAT_IDS: '1,2', ADMIN_IDS: '1, 2' }).ADMIN_IDS, [1, 2]);
    assert.equal(parseEnv({ REDIS_HOST: 'cache', REDIS_URL: 'redis://cache:6379' }).REDIS_URL, 'redis://cache:6379');
    assert.throws(
      () =>
        parseEnv({
          ADMIN_CHAT_IDS: '1',
          ADMIN_IDS: '2',
          USE_WEBHOOK: 'true',
          BOT_MODE: 'polling',
          REDIS_HOST: 'cache',
          REDIS_URL: 'redis://other:6379',
          DJANGO_API_URL: 'https://a.example',
          API_BASE_URL: 'https://b.example',
          PORT: 'eighty',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /ADMIN_CHAT_IDS and ADMIN_IDS: both are set, to different values/);
        assert.match(error.message, /USE_WEBHOOK and BOT_MODE: both are set/);
        assert.match(error.message, /REDIS_HOST and REDIS_URL: both are set/);
        assert.match(error.message, /DJANGO_API_URL and API_BASE_URL: both set CLINIC_ERP_URL, to different values/);
        assert.match(error.message, /PORT: /);
        assert.equal(error.problems.length, 5);
        return true;
      },
    );
  });

  test('a bad value behind an old name is reported under the name its owner wrote', () => {
    assert.throws(
      () => parseEnv({ USE_WEBHOOK: 'sometimes', REDIS_PORT: 'x', TELEGRAM_WEBHOOK_SECRET: 'short' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /USE_WEBHOOK: expected true or false/);
        assert.match(error.message, /REDIS_PORT: expected a port number/);
        assert.match(error.message, /WEBHOOK_SECRET \(from TELEGRAM_WEBHOOK_SECRET\): expected 16–256 characters/);
        assert.doesNotMatch(error.message, /"short"/, 'a secret is never printed whole');
        return true;
      },
    );
  });

  test('CLINIC_ERP_URL sets connectors.clinic.url and keeps the rest of connectors.clinic', () => {
    const config = { connectors: { clinic: { url: 'https://old.example', timeoutMs: 3000 }, orders: undefined } };
    assert.deepEqual(withClinicErpUrl(config, 'https://erp.example').connectors.clinic, { url: 'https://erp.example', timeoutMs: 3000 });
    assert.deepEqual(withClinicErpUrl({ connectors: {} }, 'https://erp.example').connectors, { clinic: { url: 'https://erp.example' } });
    assert.equal(withClinicErpUrl(config, undefined), config);
  });

  test('the README\'s table of old variables lists every alias', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Coming from the old bots'));
    for (const alias of ENV_ALIASES) {
      for (const name of alias.names) assert.ok(section.includes(`\`${name}\``), `${name} in the README table`);
      assert.ok(new RegExp(`\\| \`${alias.target}\``).test(section), `${alias.target} in the README table`);
    }
  });
});
