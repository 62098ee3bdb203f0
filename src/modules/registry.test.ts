import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { businessConfigSchema } from '../config/business.ts';
import pino from 'pino';
import { ConfigError, parseEnv } from '../config/env.ts';
import type { LavkaModule } from './module.ts';
import { coreServices, orderModules, selectModules, setupModules } from './registry.ts';

const mod = (name: string, extra: Partial<LavkaModule> = {}): LavkaModule => ({ name, ...extra });
const config = (modules: string[]) => businessConfigSchema.parse({ modules });

describe('the module registry', () => {
  test('a module is set up after the modules it depends on, and core modules come first', () => {
    const ordered = orderModules([mod('cart', { dependsOn: ['catalog'] }), mod('catalog'), mod('users', { core: true })]);
    assert.deepEqual(ordered.map((item) => item.name), ['users', 'catalog', 'cart']);
  });

  test('an `after` module is ordered first when enabled and not switched on when it is not', () => {
    const all = [mod('users', { core: true }), mod('orders', { after: ['payments'] }), mod('payments')];
    assert.deepEqual(selectModules(all, config(['orders', 'payments'])).map((item) => item.name), ['users', 'payments', 'orders']);
    assert.deepEqual(selectModules(all, config(['orders'])).map((item) => item.name), ['users', 'orders']);
  });

  test('enabling a module enables what it depends on', () => {
    const all = [mod('users', { core: true }), mod('generate', { dependsOn: ['wallet'] }), mod('wallet')];
    assert.deepEqual(selectModules(all, config(['generate'])).map((item) => item.name), ['users', 'wallet', 'generate']);
  });

  test('a dependency cycle is reported with its path', () => {
    assert.throws(() => orderModules([mod('a', { dependsOn: ['b'] }), mod('b', { dependsOn: ['a'] })]), /cycle: a → b → a/);
  });

  test('a preset that enables an unknown module is refused with the known ones listed', () => {
    assert.throws(
      () => selectModules([mod('faq')], config(['faq', 'bakery'])),
      (error: unknown) => error instanceof ConfigError && /modules: bakery \(known: faq\)/.test(error.message),
    );
  });
});

describe('setting modules up', () => {
  const deps = () => ({
    env: parseEnv({ LOG_LEVEL: 'silent' }),
    config: config(['users']),
    database: undefined as never,
    logger: pino({ level: 'silent' }),
    i18n: undefined as never,
    now: () => 0,
  });

  test('a module receives exactly the services it declared, required and optional', async () => {
    const seen: string[][] = [];
    const modules = [
      mod('users', { setup: () => ({ service: { name: 'users' } }) }),
      mod('audit', { setup: () => ({ service: { name: 'audit' } }) }),
      mod('orders', { dependsOn: ['users'], after: ['payments'], setup: (moduleDeps) => (seen.push(Object.keys(moduleDeps.services).sort()), {}) }),
    ];
    await setupModules(modules, deps());
    assert.deepEqual(seen, [['users']]);
  });

  test('a required module that offers no service stops start-up with one clear line', async () => {
    const modules = [mod('patients'), mod('booking', { dependsOn: ['patients'], setup: () => ({}) })];
    await assert.rejects(setupModules(modules, deps()), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message.split('\n')[0], 'Lavka cannot start: the booking module requires patients, which is not set up.');
      return true;
    });
  });

  test('core services are present or Lavka says which one is missing', () => {
    assert.throws(() => coreServices({}, ['admin']), /the admin module is not set up/);
    const users = { name: 'users' } as never;
    assert.equal(coreServices({ users }, ['users']).users, users);
  });
});
