import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { deepMerge, listPresets, loadBusinessConfig, timeZoneSchema } from './business.ts';
import { ConfigError } from './env.ts';

describe('business configuration', () => {
  test('every shipped preset loads and validates', async () => {
    const presets = await listPresets();
    assert.deepEqual(presets, ['billing', 'clinic', 'print3d', 'shop', 'stars']);
    for (const preset of presets) {
      const config = await loadBusinessConfig({ preset });
      assert.ok(config.modules.length > 0, `${preset} enables modules`);
      assert.ok(config.business.locales.includes(config.business.defaultLocale), `${preset} default locale is enabled`);
    }
  });

  test('an owner config file overrides the preset: objects merge, lists replace', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lavka-config-'));
    const file = path.join(dir, 'my-shop.yaml');
    writeFileSync(file, 'business:\n  name: Aigerim Flowers\nadminChatIds: [-1001]\ntexts:\n  ru:\n    start-welcome: Привет!\n');
    const config = await loadBusinessConfig({ preset: 'shop', configFile: file });
    assert.equal(config.business.name, 'Aigerim Flowers');
    assert.equal(config.business.currency, 'KZT', 'untouched preset values stay');
    assert.deepEqual(config.adminChatIds, [-1001]);
    assert.equal(config.texts.ru?.['start-welcome'], 'Привет!');
  });

  test('an unknown preset names the known ones', async () => {
    await assert.rejects(loadBusinessConfig({ preset: 'bakery' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /unknown preset "bakery"/);
      assert.match(error.message, /shop/);
      return true;
    });
  });

  test('an invalid config file is refused with every bad field named', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lavka-config-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'business:\n  timeZone: Mars/Olympus\n  currency: tenge\nmodules: []\n');
    await assert.rejects(loadBusinessConfig({ preset: 'shop', configFile: file }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /business\.timeZone: expected an IANA time zone/);
      assert.match(error.message, /business\.currency/);
      assert.match(error.message, /modules/);
      return true;
    });
  });

  test('a time zone is any IANA name Intl knows, canonical or not, and never a bare offset', () => {
    // Canonical names are looked up in ICU's list; the rest (links such as Asia/Kolkata on an ICU
    // that lists Asia/Calcutta, UTC, Etc/ names) are still asked of a formatter.
    const canonical = Intl.supportedValuesOf('timeZone');
    const outsideTheList = ['Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv', 'Europe/Kiev', 'UTC', 'Etc/UTC'].filter((name) => !canonical.includes(name));
    assert.ok(outsideTheList.length > 0, 'some accepted names are not in the canonical list');
    for (const name of ['Asia/Almaty', 'Europe/Moscow', ...outsideTheList]) assert.equal(timeZoneSchema.safeParse(name).success, true, name);
    for (const name of ['Mars/Olympus', '+05:00', 'GMT+5', '', 'Asia/Almaty; DROP']) assert.equal(timeZoneSchema.safeParse(name).success, false, name);
  });

  test('a config file that is not YAML is refused with the parser message', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lavka-config-'));
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, 'business: [unclosed\n');
    await assert.rejects(loadBusinessConfig({ preset: 'shop', configFile: file }), /is not valid YAML/);
    // A key written twice is a mistake to point at, not a silent "last one wins".
    writeFileSync(file, 'business:\n  name: Первый\n  name: Второй\n');
    await assert.rejects(loadBusinessConfig({ preset: 'shop', configFile: file }), (error: unknown) => error instanceof ConfigError && /is not valid YAML/.test(error.message) && /duplicated mapping key/.test(error.problems.join('\n')));
  });

  test("YAML's core types only: a date or a 'yes' stays text, numbers and booleans are what they look like", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lavka-config-'));
    const file = path.join(dir, 'lavka.yaml');
    writeFileSync(file, 'business:\n  name: 2026-12-07\nsettings:\n  notes:\n    opened: 2026-12-07\n    answer: yes\n    shelves: 6\n    open: true\n    code: 0o17\n');
    const config = await loadBusinessConfig({ preset: 'shop', configFile: file });
    assert.equal(config.business.name, '2026-12-07');
    assert.deepEqual(config.settings.notes, { opened: '2026-12-07', answer: 'yes', shelves: 6, open: true, code: 15 });
  });

  test('deepMerge merges nested objects and replaces arrays', () => {
    assert.deepEqual(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: 2 }), { a: { b: 1, c: [3] }, d: 1, e: 2 });
  });
});
