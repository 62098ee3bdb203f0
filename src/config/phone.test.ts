import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getCountries } from 'libphonenumber-js/max';
import { PHONE_COUNTRIES } from './phone-countries.ts';
import { contactPhone, countryCodeSchema, parsePhone, phoneExample } from './phone.ts';

describe('phone numbers', () => {
  test('a Kazakhstan IIN typed at the phone step is not a phone number, with or without a plus', () => {
    for (const country of ['KZ', 'RU', undefined] as const) {
      assert.equal(parsePhone('+900101312308', country), undefined, `+IIN with ${country}`);
      assert.equal(parsePhone('900101312308', country), undefined, `IIN with ${country}`);
    }
  });

  test('a Kazakhstan mobile number is stored in E.164 however it is typed', () => {
    for (const typed of ['+7 701 234 56 78', '87012345678', '8 (701) 234-56-78', '7012345678', '+77012345678', '  +7-701-234-56-78 ']) {
      assert.equal(parsePhone(typed, 'KZ'), '+77012345678', typed);
    }
  });

  test('a Russian number typed the national way is read in Russia when that is the default country', () => {
    assert.equal(parsePhone('8 912 345-67-89', 'RU'), '+79123456789');
    assert.equal(parsePhone('+7 912 345 67 89', 'KZ'), '+79123456789', 'with its plus it is read as international anywhere');
  });

  test('a landline is a phone number too', () => {
    assert.equal(parsePhone('8 727 258 58 58', 'KZ'), '+77272585858');
  });

  test('a number from another country needs its plus when a default country is set', () => {
    assert.equal(parsePhone('+44 7911 123456', 'KZ'), '+447911123456');
    assert.equal(parsePhone('447911123456', 'KZ'), undefined);
  });

  test('without a default country digits are read with their country code', () => {
    assert.equal(parsePhone('77012345678'), '+77012345678');
    assert.equal(parsePhone('87012345678'), undefined);
  });

  test('text, extensions, too short and too long numbers are refused', () => {
    for (const typed of ['', 'not a phone', '+7 701 234 56 78 ext 5', '12345', '+7 701 234 56 78 9', '+7701234567812345678', '+7 701 234 56 7８']) {
      assert.equal(parsePhone(typed, 'KZ'), undefined, typed);
    }
  });

  test('a shared contact’s phone gets its plus and keeps Telegram’s own numbers', () => {
    assert.equal(contactPhone('77012345678'), '+77012345678');
    assert.equal(contactPhone('+7 701 234 56 78'), '+77012345678');
    assert.equal(contactPhone('88801234567'), '+88801234567');
    assert.equal(contactPhone(''), undefined);
    assert.equal(contactPhone('12345'), undefined);
    assert.equal(contactPhone('call me'), undefined);
  });

  test('the example shown in hints is a number of the default country that the rules accept', () => {
    const example = phoneExample('KZ');
    assert.match(example, /^\+7 7/);
    assert.ok(parsePhone(example, 'KZ'));
    assert.ok(parsePhone(phoneExample()));
  });

  test('a default country is an ISO 3166 alpha-2 code in any case', () => {
    assert.equal(countryCodeSchema.parse(' kz '), 'KZ');
    assert.equal(countryCodeSchema.safeParse('KAZ').success, false);
    assert.equal(countryCodeSchema.safeParse('XX').success, false);
  });

  test('the countries a default country may be are exactly those libphonenumber has plans for', () => {
    assert.deepEqual([...PHONE_COUNTRIES].sort(), [...getCountries()].sort());
  });
});
