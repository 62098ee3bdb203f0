import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addDays, generateSlots, localTimeOf, nearestSlots, weekdayOf, workingIntervals, type SlotQuery, type WeeklyRule } from './slots.ts';

const ALMATY = 'Asia/Almaty';
const weekdays = (start: string, end: string, breaks: { start: string; end: string }[] = []): WeeklyRule[] =>
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end, breaks }));

const query = (overrides: Partial<SlotQuery>): SlotQuery => ({
  timeZone: ALMATY,
  fromDate: '2026-03-09',
  toDate: '2026-03-09',
  rules: weekdays('09:00', '18:00', [{ start: '13:00', end: '14:00' }]),
  exceptions: [],
  busy: [],
  durationMinutes: 60,
  stepMinutes: 60,
  notBeforeMs: 0,
  ...overrides,
});

const labels = (slots: { startMs: number }[], timeZone = ALMATY) => slots.map((slot) => localTimeOf(slot.startMs, timeZone));

describe('slot generation', () => {
  test('a working day with a lunch break offers hourly slots around the break, in Almaty time', () => {
    const slots = generateSlots(query({}));
    assert.deepEqual(labels(slots), ['09:00', '10:00', '11:00', '12:00', '14:00', '15:00', '16:00', '17:00']);
    // Almaty is UTC+5: 09:00 local is 04:00 UTC.
    assert.equal(new Date(slots[0]!.startMs).toISOString(), '2026-03-09T04:00:00.000Z');
    assert.ok(slots.every((slot) => slot.date === '2026-03-09'));
  });

  test('a slot never runs into the break or past the end of the day', () => {
    const slots = generateSlots(query({ durationMinutes: 45, stepMinutes: 30 }));
    assert.deepEqual(labels(slots), ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30', '17:00']);
  });

  test('a weekday without rules is a day off, and so is a date closed by an exception', () => {
    // 2026-03-14 is a Saturday.
    assert.equal(weekdayOf('2026-03-14'), 6);
    assert.deepEqual(generateSlots(query({ fromDate: '2026-03-14', toDate: '2026-03-15' })), []);
    const closed = generateSlots(query({ fromDate: '2026-03-09', toDate: '2026-03-11', exceptions: [{ date: '2026-03-10', kind: 'closed' }] }));
    assert.deepEqual([...new Set(closed.map((slot) => slot.date))], ['2026-03-09', '2026-03-11']);
  });

  test('one-off exceptions add a Saturday shift and close part of a day', () => {
    const saturday = generateSlots(query({ fromDate: '2026-03-14', toDate: '2026-03-14', exceptions: [{ date: '2026-03-14', kind: 'open', start: '10:00', end: '13:00' }] }));
    assert.deepEqual(labels(saturday), ['10:00', '11:00', '12:00']);
    const shortened = generateSlots(query({ exceptions: [{ date: '2026-03-09', kind: 'closed', start: '15:00', end: '18:00' }] }));
    assert.deepEqual(labels(shortened), ['09:00', '10:00', '11:00', '12:00', '14:00']);
  });

  test('existing appointments take their slots and any slot overlapping them', () => {
    const tenAm = Date.parse('2026-03-09T05:00:00Z');
    const slots = generateSlots(query({ stepMinutes: 30, busy: [{ startMs: tenAm, endMs: tenAm + 30 * 60_000 }] }));
    // 09:30–10:30 and 10:00–11:00 overlap 10:00–10:30; 09:00–10:00 and 10:30–11:30 touch it only.
    assert.deepEqual(labels(slots).slice(0, 4), ['09:00', '10:30', '11:00', '11:30']);
  });

  test('slots before the earliest bookable moment are not offered', () => {
    const slots = generateSlots(query({ notBeforeMs: Date.parse('2026-03-09T08:30:00Z') }));
    assert.deepEqual(labels(slots), ['14:00', '15:00', '16:00', '17:00']);
  });

  test('a daylight-saving day keeps 09:00 at 09:00 local while the UTC hour moves (Europe/Berlin)', () => {
    const berlin = (date: string) =>
      generateSlots(query({ timeZone: 'Europe/Berlin', fromDate: date, toDate: date, rules: [{ weekday: weekdayOf(date), start: '09:00', end: '11:00' }] }));
    assert.deepEqual(berlin('2025-03-29').map((slot) => new Date(slot.startMs).toISOString()), ['2025-03-29T08:00:00.000Z', '2025-03-29T09:00:00.000Z']);
    assert.deepEqual(berlin('2025-03-30').map((slot) => new Date(slot.startMs).toISOString()), ['2025-03-30T07:00:00.000Z', '2025-03-30T08:00:00.000Z']);
  });

  test('a night shift over the spring-forward jump is an hour shorter, and 02:00 does not exist', () => {
    const date = '2025-03-30';
    const slots = generateSlots(query({ timeZone: 'Europe/Berlin', fromDate: date, toDate: date, rules: [{ weekday: weekdayOf(date), start: '00:00', end: '06:00' }] }));
    assert.deepEqual(labels(slots, 'Europe/Berlin'), ['00:00', '01:00', '03:00', '04:00', '05:00']);
    const [interval] = workingIntervals(date, [{ weekday: weekdayOf(date), start: '00:00', end: '06:00' }], [], 'Europe/Berlin');
    assert.equal(interval!.endMs - interval!.startMs, 5 * 3600_000);
  });

  test('a night shift over the fall-back jump is an hour longer and offers 01:00 twice (America/New_York)', () => {
    const date = '2025-11-02';
    const slots = generateSlots(query({ timeZone: 'America/New_York', fromDate: date, toDate: date, rules: [{ weekday: weekdayOf(date), start: '00:00', end: '04:00' }] }));
    assert.deepEqual(labels(slots, 'America/New_York'), ['00:00', '01:00', '01:00', '02:00', '03:00']);
    assert.equal(new Set(slots.map((slot) => slot.startMs)).size, 5, 'the two 01:00 are different instants');
  });

  test('the day Almaty moved from UTC+6 to UTC+5 (1 March 2024) gets the right instants on both sides', () => {
    const rules = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '10:00' }));
    const slots = generateSlots(query({ fromDate: '2024-02-29', toDate: '2024-03-01', rules }));
    assert.deepEqual(slots.map((slot) => new Date(slot.startMs).toISOString()), ['2024-02-29T03:00:00.000Z', '2024-03-01T04:00:00.000Z']);
    // The evening of 29 February had its 23:00 twice: a 22:00–24:00 shift lasted three hours.
    const [late] = workingIntervals('2024-02-29', [{ weekday: 4, start: '22:00', end: '24:00' }], [], ALMATY);
    assert.equal(late!.endMs - late!.startMs, 3 * 3600_000);
  });

  test('date arithmetic crosses months and years', () => {
    assert.equal(addDays('2025-12-31', 1), '2026-01-01');
    assert.equal(addDays('2024-03-01', -1), '2024-02-29');
  });
});

describe('nearest free slots', () => {
  test('the nearest slots to a lost one are offered in time order, closest first by distance', () => {
    const hour = 3600_000;
    const slots = [1, 2, 4, 7, 8].map((h) => ({ startMs: h * hour, endMs: h * hour + hour }));
    // Distances from 5: 4 → 1 h, 7 → 2 h, 2 and 8 → 3 h each (the later wins the tie).
    assert.deepEqual(nearestSlots(slots, 5 * hour, 3).map((slot) => slot.startMs / hour), [4, 7, 8]);
    assert.deepEqual(nearestSlots(slots, 0, 2).map((slot) => slot.startMs / hour), [1, 2]);
  });
});
