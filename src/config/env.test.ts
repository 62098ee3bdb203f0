import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseEnv, TELEGRAM_DEFAULT_API_ROOT } from './env.ts';

describe('environment', () => {
  test('an empty environment gives the documented defaults and starts the sandbox (no token)', () => {
    const env = parseEnv({});
    assert.equal(env.TELEGRAM_BOT_TOKEN, undefined);
    assert.equal(env.TELEGRAM_API_ROOT, TELEGRAM_DEFAULT_API_ROOT);
    assert.equal(env.BOT_MODE, 'polling');
    assert.equal(env.PORT, 8080);
    assert.equal(env.DATABASE_URL, 'sqlite:./data/sandbox-shop.db');
    assert.equal(env.LAVKA_PRESET, 'shop');
    assert.deepEqual(env.ADMIN_IDS, []);
    assert.equal(env.LOG_LEVEL, 'info');
  });

  test('without DATABASE_URL each sandbox preset has its own database, and a real bot uses ./data/lavka.db', () => {
    assert.equal(parseEnv({ LAVKA_PRESET: 'clinic' }).DATABASE_URL, 'sqlite:./data/sandbox-clinic.db');
    assert.equal(parseEnv({ LAVKA_PRESET: 'stars' }).DATABASE_URL, 'sqlite:./data/sandbox-stars.db');
    assert.equal(parseEnv({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOP', LAVKA_PRESET: 'clinic' }).DATABASE_URL, 'sqlite:./data/lavka.db');
    assert.equal(parseEnv({ LAVKA_PRESET: 'clinic', DATABASE_URL: 'sqlite:./mine.db' }).DATABASE_URL, 'sqlite:./mine.db');
  });

  test('blank values count as unset, like a .env copied from .env.example', () => {
    const env = parseEnv({ TELEGRAM_BOT_TOKEN: '', PORT: '', REDIS_URL: '' });
    assert.equal(env.TELEGRAM_BOT_TOKEN, undefined);
    assert.equal(env.PORT, 8080);
    assert.equal(env.REDIS_URL, undefined);
  });

  test('admin ids are parsed from a comma-separated list', () => {
    assert.deepEqual(parseEnv({ ADMIN_IDS: '1, 22,333' }).ADMIN_IDS, [1, 22, 333]);
  });

  test('every invalid variable is listed in one error, with what is expected', () => {
    assert.throws(
      () => parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', BOT_MODE: 'push', ADMIN_IDS: 'me', LOG_LEVEL: 'loud' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.message;
        for (const name of ['PORT', 'DATABASE_URL', 'BOT_MODE', 'ADMIN_IDS', 'LOG_LEVEL']) assert.match(text, new RegExp(`${name}:`));
        assert.match(text, /expected sqlite:<path> or postgres:/);
        assert.equal(error.problems.length, 5);
        return true;
      },
    );
  });

  test('webhook mode requires a token, a URL and a secret of at least 16 characters', () => {
    assert.throws(
      () => parseEnv({ BOT_MODE: 'webhook', WEBHOOK_SECRET: 'short' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /TELEGRAM_BOT_TOKEN: required when BOT_MODE=webhook/);
        assert.match(error.message, /WEBHOOK_URL: required when BOT_MODE=webhook/);
        assert.match(error.message, /WEBHOOK_SECRET: expected 16–256 characters/);
        return true;
      },
    );
    const env = parseEnv({
      BOT_MODE: 'webhook',
      TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOP',
      WEBHOOK_URL: 'https://shop.example/telegram/webhook',
      WEBHOOK_SECRET: 'a-long-enough-secret',
    });
    assert.equal(env.BOT_MODE, 'webhook');
  });

  test('a token in an error message is shortened, never printed whole', () => {
    assert.throws(
      () => parseEnv({ TELEGRAM_BOT_TOKEN: 'secretvalue-not-a-token' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.doesNotMatch(error.message, /secretvalue-not-a-token/);
        assert.match(error.message, /TELEGRAM_BOT_TOKEN/);
        return true;
      },
    );
  });
});
