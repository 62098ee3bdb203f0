import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { iinCheckDigit, isoDate, parseBirthDate, validateIin } from './iin.ts';

const TODAY = '2026-03-11';

describe('the Kazakhstan IIN', () => {
  test('a valid IIN of a man born in 1988 gives his birth date and sex', () => {
    assert.deepEqual(validateIin('880101300000', { todayIso: TODAY }), {
      ok: true,
      info: { iin: '880101300000', birthDate: '1988-01-01', sex: 'male' },
    });
  });

  test('a woman born in 1995 and a girl born in 2006 are read with the right century and sex', () => {
    const adult = validateIin('951231401239', { todayIso: TODAY });
    assert.ok(adult.ok);
    assert.equal(adult.info.birthDate, '1995-12-31');
    assert.equal(adult.info.sex, 'female');
    const child = validateIin('061211600012', { todayIso: TODAY });
    assert.ok(child.ok);
    assert.equal(child.info.birthDate, '2006-12-11');
    assert.equal(child.info.sex, 'female');
  });

  test('the check digit falls back to the second weights when the first pass gives 10', () => {
    // 0·1+6·2+1·3+2·4+1·5+1·6+6·7+0+0+0+1·11 = 87 ≡ 10 (mod 11); the second pass gives 112 ≡ 2.
    assert.equal(iinCheckDigit('06121160001'), 2);
    assert.equal(iinCheckDigit('88010130000'), 0);
  });

  test('a serial whose both passes give 10 is never issued, so no check digit makes it valid', () => {
    assert.equal(iinCheckDigit('90010130080'), undefined);
    for (let digit = 0; digit <= 9; digit += 1) {
      assert.deepEqual(validateIin(`90010130080${digit}`), { ok: false, code: 'iin.bad_check_digit' });
    }
  });

  test('spaces and dashes people type inside the number are ignored', () => {
    assert.ok(validateIin('880101 3 0000 0').ok);
    assert.ok(validateIin('880101-300000').ok);
  });

  test('a number of the wrong length or with letters is a format error', () => {
    for (const input of ['', '88010130000', '8801013000001', '88010130000O', 'ИИН880101300', '+88010130000']) {
      assert.deepEqual(validateIin(input), { ok: false, code: 'iin.invalid_format' }, input);
    }
  });

  test('a century digit outside 1–6 is refused as such', () => {
    for (const digit of ['0', '7', '8', '9']) {
      assert.deepEqual(validateIin(`880101${digit}00000`), { ok: false, code: 'iin.invalid_century' }, digit);
    }
  });

  test('impossible dates are refused: month 13, 30 February, 29 February of a common year, day 00, the future', () => {
    for (const input of ['881301300000', '880230300000', '230229500000', '880100300000', '185402100011']) {
      assert.deepEqual(validateIin(input, { todayIso: TODAY }), { ok: false, code: 'iin.impossible_date' }, input);
    }
    // 29 February 2024 existed; 2030 has not come yet.
    assert.notEqual((validateIin('240229500000', { todayIso: TODAY }) as { code?: string }).code, 'iin.impossible_date');
    assert.deepEqual(validateIin('300101500000', { todayIso: TODAY }), { ok: false, code: 'iin.impossible_date' });
  });

  test('one wrong digit breaks the check digit', () => {
    assert.deepEqual(validateIin('880101300001'), { ok: false, code: 'iin.bad_check_digit' });
    assert.deepEqual(validateIin('880102300000'), { ok: false, code: 'iin.bad_check_digit' });
  });

  test('an IIN that does not match the date of birth the patient entered is refused', () => {
    assert.deepEqual(validateIin('880101300000', { birthDate: '1988-01-02' }), { ok: false, code: 'iin.birth_date_mismatch' });
    // The same digits under century 5 would be 2088: the century digit decides the year.
    assert.ok(validateIin('880101300000', { birthDate: '1988-01-01' }).ok);
  });
});

describe('dates of birth as people type them', () => {
  test('DD.MM.YYYY, DD/MM/YYYY and ISO are read; impossible, future and too old dates are not', () => {
    assert.equal(parseBirthDate('01.01.1988', TODAY), '1988-01-01');
    assert.equal(parseBirthDate('1/2/1990', TODAY), '1990-02-01');
    assert.equal(parseBirthDate('1990-02-01', TODAY), '1990-02-01');
    assert.equal(parseBirthDate('31.02.1990', TODAY), undefined);
    assert.equal(parseBirthDate('12.03.2026', TODAY), undefined);
    assert.equal(parseBirthDate('01.01.1890', TODAY), undefined);
    assert.equal(parseBirthDate('yesterday', TODAY), undefined);
  });

  test('isoDate knows leap years, including 1900 and 2000', () => {
    assert.equal(isoDate(2000, 2, 29), '2000-02-29');
    assert.equal(isoDate(1900, 2, 29), undefined);
    assert.equal(isoDate(1824, 2, 29), '1824-02-29');
  });
});
