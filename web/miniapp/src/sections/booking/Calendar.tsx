// A month of days, Monday first: a day with free times is a button, the rest are greyed out.
// Dates are local dates of the clinic (`YYYY-MM-DD`); their names come from the server, which
// knows every language Lavka speaks (a browser may know no Kazakh month names).

import type { ReactNode } from 'react';
import type { Translate } from '../../i18n.ts';
import type { MonthDays } from './types.ts';

interface CalendarProps {
  days: MonthDays;
  selected: string | undefined;
  t: Translate;
  onMonth(month: string): void;
  onDay(date: string): void;
}

export function Calendar(props: CalendarProps): ReactNode {
  const { days, selected, t } = props;
  const free = new Set(days.dates);
  const offset = (new Date(`${days.month}-01T12:00:00Z`).getUTCDay() + 6) % 7;
  return (
    <div className="calendar">
      <div className="calendar-header">
        <button type="button" className="icon-button" aria-label={t('booking.previous_month')} disabled={!days.previous_month} onClick={() => days.previous_month && props.onMonth(days.previous_month)}>
          ‹
        </button>
        <strong aria-live="polite">{days.title}</strong>
        <button type="button" className="icon-button" aria-label={t('booking.next_month')} disabled={!days.next_month} onClick={() => days.next_month && props.onMonth(days.next_month)}>
          ›
        </button>
      </div>
      <div className="calendar-grid" role="grid" aria-label={days.title}>
        {days.weekdays.map((name) => (
          <span key={name} className="calendar-weekday" aria-hidden="true">
            {name}
          </span>
        ))}
        {Array.from({ length: offset }, (_, index) => (
          <span key={`gap-${index}`} />
        ))}
        {days.days.map((day, index) => (
          <button
            key={day.date}
            type="button"
            role="gridcell"
            className={`calendar-day${day.date === selected ? ' is-active' : ''}`}
            disabled={!free.has(day.date)}
            aria-selected={day.date === selected}
            aria-label={day.label}
            onClick={() => props.onDay(day.date)}
          >
            {index + 1}
          </button>
        ))}
      </div>
      {free.size === 0 ? <p className="muted">{t('booking.month_full')}</p> : null}
    </div>
  );
}
