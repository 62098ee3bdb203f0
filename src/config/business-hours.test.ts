import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { businessConfigSchema } from './business.ts';
import { businessHoursSchema, effectiveHours } from './business-hours.ts';

const issuesOf = (input: unknown) => {
  const parsed = businessHoursSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('business hours in the config', () => {
  test('a week of intervals is accepted, sorted, with days left out closed', () => {
    const hours = businessHoursSchema.parse({ weekly: { mon: [{ from: '14:00', to: '19:00' }, { from: '10:00', to: '13:00' }], sat: [{ from: '11:00', to: '24:00' }] }, note: '  Closed on public holidays ' });
    assert.deepEqual(hours.weekly?.mon, [{ from: '10:00', to: '13:00' }, { from: '14:00', to: '19:00' }]);
    assert.deepEqual(hours.weekly?.sun, []);
    assert.equal(hours.note, 'Closed on public holidays');
  });

  test('overlapping intervals, closing before opening and times that are not HH:MM are refused with plain words', () => {
    assert.deepEqual(issuesOf({ weekly: { tue: [{ from: '10:00', to: '13:00' }, { from: '12:00', to: '15:00' }] } }), ['weekly.tue: 10:00–13:00 and 12:00–15:00 overlap']);
    assert.deepEqual(issuesOf({ weekly: { wed: [{ from: '18:00', to: '09:00' }] } }), ['weekly.wed.0.to: the closing time must come after the opening time']);
    assert.deepEqual(issuesOf({ weekly: { thu: [{ from: '9:00', to: '25:00' }] } }), [
      'weekly.thu.0.from: expected a time as HH:MM, such as 09:30',
      'weekly.thu.0.to: expected a time as HH:MM, such as 09:30',
    ]);
    // Touching intervals (a lunch break of zero minutes) are not an overlap.
    assert.deepEqual(issuesOf({ weekly: { fri: [{ from: '10:00', to: '13:00' }, { from: '13:00', to: '19:00' }] } }), []);
  });

  test('the older free-text support.hours is still read, as the note', () => {
    const config = businessConfigSchema.parse({ modules: ['faq'], business: { support: { hours: 'Mon–Fri 10–19' } } });
    assert.equal(config.business.hours, undefined);
    assert.deepEqual(effectiveHours(config.business), { weekly: undefined, note: 'Mon–Fri 10–19' });
    // A note of the structured hours wins; an empty one (set in the panel) removes the text.
    assert.equal(effectiveHours({ ...config.business, hours: { note: 'Daily 9–21' } }).note, 'Daily 9–21');
    assert.equal(effectiveHours({ ...config.business, hours: { note: '' } }).note, undefined);
  });

  test('the time zone must be an IANA name, not an offset or a typo', () => {
    for (const timeZone of ['Mars/Olympus', '+05:00', 'Asia/Almatyy', '']) {
      assert.equal(businessConfigSchema.safeParse({ modules: ['faq'], business: { timeZone } }).success, false, timeZone);
    }
    assert.equal(businessConfigSchema.parse({ modules: ['faq'], business: { timeZone: 'Asia/Almaty' } }).business.timeZone, 'Asia/Almaty');
  });
});
