import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { weeklyHoursSchema } from '../config/business-hours.ts';
import type { Locale } from '../config/business.ts';
import { afterHoursText, businessHoursLines, hoursState, weekdayName } from './business-hours.ts';
import { createTranslator } from './i18n.ts';

const ALMATY = 'Asia/Almaty';
const i18n = createTranslator({ defaultLocale: 'en' });
const options = (locale: Locale, nowMs: number, timeZone = ALMATY) => ({ t: (key: string, variables?: Record<string, string | number>) => i18n.t(locale, key, variables), locale, nowMs, timeZone });

/** Mon–Fri 10:00–19:00, Saturday 11:00–17:00, Sunday closed. */
const SHOP = weeklyHoursSchema.parse({
  mon: [{ from: '10:00', to: '19:00' }],
  tue: [{ from: '10:00', to: '19:00' }],
  wed: [{ from: '10:00', to: '19:00' }],
  thu: [{ from: '10:00', to: '19:00' }],
  fri: [{ from: '10:00', to: '19:00' }],
  sat: [{ from: '11:00', to: '17:00' }],
});

/** An instant given as Almaty wall-clock time (UTC+5, no daylight saving). */
const almaty = (local: string) => Date.parse(`${local}:00+05:00`);
// 11 March 2026 is a Wednesday.
const WEDNESDAY = '2026-03-11';

describe('business hours as customers read them', () => {
  test('open or closed in the business time zone, with the closing time or the next opening', () => {
    assert.deepEqual(hoursState(SHOP, almaty(`${WEDNESDAY}T11:00`), ALMATY), { open: true, until: { inDays: 0, weekday: 2, time: '19:00' } });
    assert.deepEqual(hoursState(SHOP, almaty(`${WEDNESDAY}T08:30`), ALMATY), { open: false, opens: { inDays: 0, weekday: 2, time: '10:00' } });
    assert.deepEqual(hoursState(SHOP, almaty(`${WEDNESDAY}T19:00`), ALMATY), { open: false, opens: { inDays: 1, weekday: 3, time: '10:00' } }, 'closing time is closed');
    assert.deepEqual(hoursState(SHOP, almaty('2026-03-13T20:00'), ALMATY), { open: false, opens: { inDays: 1, weekday: 5, time: '11:00' } }, 'Friday evening: Saturday');
    assert.deepEqual(hoursState(SHOP, almaty('2026-03-14T18:00'), ALMATY), { open: false, opens: { inDays: 2, weekday: 0, time: '10:00' } }, 'Saturday evening: Monday');
    // The same instant is a different local time elsewhere: 11:00 in Almaty is 06:00 in London.
    assert.equal(hoursState(SHOP, almaty(`${WEDNESDAY}T11:00`), 'Europe/London').open, false);
  });

  test('hours running through midnight close the next day; a week of 24-hour days never closes; an empty week never opens', () => {
    const late = weeklyHoursSchema.parse({ fri: [{ from: '20:00', to: '24:00' }], sat: [{ from: '00:00', to: '02:00' }] });
    assert.deepEqual(hoursState(late, almaty('2026-03-13T23:00'), ALMATY), { open: true, until: { inDays: 1, weekday: 5, time: '02:00' } });
    const always = weeklyHoursSchema.parse(Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [{ from: '00:00', to: '24:00' }]])));
    assert.deepEqual(hoursState(always, almaty(`${WEDNESDAY}T03:00`), ALMATY), { open: true });
    assert.deepEqual(hoursState(weeklyHoursSchema.parse({}), almaty(`${WEDNESDAY}T03:00`), ALMATY), { open: false });
  });

  test('the week, the state and the note in Russian, English and Kazakh, with weekday names from Intl', () => {
    const business = { hours: { weekly: SHOP, note: 'Closed on public holidays' }, support: {} };
    const open = almaty(`${WEDNESDAY}T11:00`);
    assert.deepEqual(businessHoursLines(business, options('en', open)), [
      '🕘 Opening hours:',
      'Mon–Fri: 10:00–19:00',
      'Sat: 11:00–17:00',
      'Sun: closed',
      '🟢 Open now, until 19:00',
      'Closed on public holidays',
    ]);
    const saturdayEvening = almaty('2026-03-14T18:00');
    assert.deepEqual(businessHoursLines(business, options('ru', saturdayEvening)), [
      '🕘 Часы работы:',
      'Пн–Пт: 10:00–19:00',
      'Сб: 11:00–17:00',
      'Вс: выходной',
      '🔴 Сейчас закрыто, откроемся: понедельник, 10:00',
      'Closed on public holidays',
    ]);
    const kk = businessHoursLines(business, options('kk', almaty(`${WEDNESDAY}T20:00`)));
    assert.equal(kk[0], '🕘 Жұмыс уақыты:');
    assert.equal(kk[1], `${capitalised(weekdayName(0, 'kk', 'short'))}–${capitalised(weekdayName(4, 'kk', 'short'))}: 10:00–19:00`);
    assert.equal(kk[3], `${capitalised(weekdayName(6, 'kk', 'short'))}: демалыс`);
    assert.equal(kk[4], '🔴 Қазір жабық. Ашылу уақыты: ертең, 10:00');
    assert.equal(weekdayName(0, 'kk'), 'дүйсенбі');
  });

  test('with only a note (or the older support.hours) one line is shown; with nothing, none', () => {
    const nowMs = almaty(`${WEDNESDAY}T11:00`);
    assert.deepEqual(businessHoursLines({ support: { hours: 'Mon–Fri 10:00–19:00' } }, options('en', nowMs)), ['🕘 Hours: Mon–Fri 10:00–19:00']);
    assert.deepEqual(businessHoursLines({ support: {} }, options('en', nowMs)), []);
  });

  test('a customer writing while the business is closed is told when it will answer', () => {
    const business = { hours: { weekly: SHOP } };
    assert.equal(afterHoursText(business, options('en', almaty(`${WEDNESDAY}T11:00`))), undefined, 'open: nothing to add');
    assert.equal(afterHoursText(business, options('en', almaty(`${WEDNESDAY}T07:00`))), 'We are closed now and will answer after we open today at 10:00.');
    assert.equal(afterHoursText(business, options('ru', almaty(`${WEDNESDAY}T22:00`))), 'Сейчас мы не работаем и ответим после открытия — завтра в 10:00.');
    assert.equal(afterHoursText(business, options('en', almaty('2026-03-15T12:00'))), 'We are closed now and will answer after we open tomorrow at 10:00.');
    assert.equal(afterHoursText(business, options('en', almaty('2026-03-14T18:00'))), 'We are closed now and will answer after we open on Monday at 10:00.');
    assert.equal(afterHoursText({}, options('en', almaty(`${WEDNESDAY}T22:00`))), undefined, 'no schedule: no promise');
  });
});

function capitalised(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}
