import assert from 'node:assert/strict';
import { registerHooks } from 'node:module';
import { test } from 'node:test';

// Its own file, and phone.ts imported only once the hook listens: every module this process
// loads from now on, imported or required, is seen here.
const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
const { countryCodeSchema, parsePhone } = await import('./phone.ts');
const loadedPlans = () => loaded.filter((url) => url.includes('/libphonenumber-js/'));

test('checking a configured country loads no numbering plans; the first phone number read loads them', () => {
  assert.ok(loaded.some((url) => url.endsWith('/phone.ts')), 'the hook sees what is loaded');
  assert.equal(countryCodeSchema.parse('kz'), 'KZ');
  assert.equal(countryCodeSchema.safeParse('XX').success, false);
  assert.deepEqual(loadedPlans(), []);
  assert.equal(parsePhone('8 701 234 56 78', 'KZ'), '+77012345678');
  assert.ok(loadedPlans().length > 0);
});
