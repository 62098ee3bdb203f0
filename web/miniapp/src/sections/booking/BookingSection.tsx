// The clinic's booking in the Mini App: branch → service → doctor (or any free doctor) → a day
// of the month's calendar → a time → Telegram's MainButton books it. One screen that opens
// step by step; changing an earlier choice clears the later ones. The server keeps the rules
// (booking window, lead time, the clinic's time zone, a taken time refused), and a patient who
// has not registered is sent to the chat to do it.

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError } from '../../api.ts';
import { useMainButton } from '../../buttons.ts';
import { haptic, WebApp } from '../../telegram.ts';
import type { SectionProps } from '../section.ts';
import { Calendar } from './Calendar.tsx';
import type { Branch, Choice, Doctor, MonthDays, Service, Slot } from './types.ts';

interface Start {
  registered: boolean;
  branches: Branch[];
}

/** Query string of a choice; no doctor: any free doctor. */
const choiceQuery = (choice: Choice): string =>
  `branch_id=${choice.branchId}&service_id=${choice.serviceId}${choice.doctorId === undefined ? '' : `&doctor_id=${choice.doctorId}`}`;

export function BookingSection(props: SectionProps): ReactNode {
  const { t } = props;
  const [start, setStart] = useState<Start>();
  const [branch, setBranch] = useState<Branch>();
  const [services, setServices] = useState<Service[]>();
  const [service, setService] = useState<Service>();
  const [doctors, setDoctors] = useState<Doctor[]>();
  /** null: any free doctor; undefined: not chosen yet. */
  const [doctor, setDoctor] = useState<Doctor | null>();
  const [days, setDays] = useState<MonthDays>();
  const [date, setDate] = useState<string>();
  const [slots, setSlots] = useState<Slot[]>();
  /** The chosen day's name, as the server says it in the reader's language. */
  const [dayName, setDayName] = useState('');
  const [slot, setSlot] = useState<Slot>();
  const [alternatives, setAlternatives] = useState<Slot[]>([]);
  const [note, setNote] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [booked, setBooked] = useState<string>();
  const [failure, setFailure] = useState<string>();
  /** An alternative time on another day: chosen once that day's times are loaded. */
  const pendingSlot = useRef<Slot>(undefined);

  const fail = (error: unknown) => setFailure(error instanceof Error ? error.message : String(error));
  const choice: Choice | undefined = branch && service && doctor !== undefined ? { branchId: branch.id, serviceId: service.id, doctorId: doctor?.id } : undefined;

  useEffect(() => {
    api<Start>('GET', '/booking/start').then((answer) => {
      setStart(answer);
      if (answer.branches.length === 1) setBranch(answer.branches[0]);
    }, fail);
  }, []);

  useEffect(() => {
    setServices(undefined);
    setService(undefined);
    if (branch) api<{ services: Service[] }>('GET', `/booking/branches/${branch.id}/services`).then((answer) => setServices(answer.services), fail);
  }, [branch]);

  useEffect(() => {
    setDoctors(undefined);
    setDoctor(undefined);
    if (branch && service) api<{ doctors: Doctor[] }>('GET', `/booking/doctors?branch_id=${branch.id}&service_id=${service.id}`).then((answer) => setDoctors(answer.doctors), fail);
  }, [branch, service]);

  const loadMonth = (month: string | undefined) => {
    if (!choice) return;
    api<MonthDays>('GET', `/booking/calendar?${choiceQuery(choice)}${month ? `&month=${month}` : ''}`).then(setDays, fail);
  };
  const loadDay = (day: string) => {
    if (!choice) return;
    api<{ day: string; slots: Slot[] }>('GET', `/booking/slots?${choiceQuery(choice)}&date=${day}`).then((answer) => {
      setDayName(answer.day);
      setSlots(answer.slots);
    }, fail);
  };

  useEffect(() => {
    setDays(undefined);
    setDate(undefined);
    loadMonth(undefined);
    // A new choice of branch, service or doctor opens its own first month.
  }, [choice?.branchId, choice?.serviceId, choice?.doctorId, doctor === undefined]);

  useEffect(() => {
    setSlots(undefined);
    setSlot(pendingSlot.current);
    pendingSlot.current = undefined;
    if (date) loadDay(date);
  }, [date, days?.month]);

  const book = async () => {
    if (!choice || !slot) return;
    setBusy(true);
    setNote(undefined);
    try {
      const answer = await api<{ appointment: { id: number; details: string } }>('POST', '/booking/appointments', {
        branch_id: choice.branchId,
        service_id: choice.serviceId,
        ...(choice.doctorId === undefined ? {} : { doctor_id: choice.doctorId }),
        starts_at: slot.starts_at,
      });
      haptic.notify('success');
      setBooked(answer.appointment.details);
    } catch (error) {
      haptic.notify('error');
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'booking.not_registered') {
        setStart((current) => current && { ...current, registered: false });
        return;
      }
      const taken = error.code === 'booking.slot_taken';
      setNote(taken ? t('booking.taken') : error.code === 'booking.slot_unavailable' ? t('booking.unavailable') : error.message);
      setAlternatives(Array.isArray(error.details.alternatives) ? (error.details.alternatives as Slot[]) : []);
      setSlot(undefined);
      if (date) loadDay(date);
    } finally {
      setBusy(false);
    }
  };

  const goRegister = async () => {
    await api('POST', '/booking/registration').catch(() => undefined);
    WebApp.close();
  };

  useMainButton(
    booked || !slot || !date ? undefined : t('booking.confirm', { time: `${dayName}, ${slot.time}` }),
    () => void book(),
    { progress: busy },
  );

  if (failure) {
    return (
      <main className="screen centered" role="alert">
        <h1>{t('error.title')}</h1>
        <p>{failure}</p>
      </main>
    );
  }
  if (!start) return <main className="screen centered">{t('loading')}</main>;
  if (!start.registered) {
    return (
      <main className="screen centered">
        <h1>{t('booking.register_title')}</h1>
        <p>{t('booking.register_text')}</p>
        <button type="button" className="button" onClick={() => void goRegister()}>
          {t('booking.register_button')}
        </button>
      </main>
    );
  }
  if (booked) {
    return (
      <main className="screen">
        <h1>{t('booking.booked')}</h1>
        <p className="notice success booking-details">{booked}</p>
        <p className="muted">{t('booking.in_chat')}</p>
        <button
          type="button"
          className="button wide"
          onClick={() => {
            setBooked(undefined);
            setDate(undefined);
            loadMonth(days?.month);
          }}
        >
          {t('booking.another')}
        </button>
      </main>
    );
  }
  if (start.branches.length === 0) return <main className="screen centered">{t('booking.no_branches')}</main>;

  const pick = (item: unknown, current: unknown) => (item === current ? 'choice is-active' : 'choice');
  return (
    <main className="screen booking">
      <h1>{t('booking.title')}</h1>
      <section role="group" aria-label={t('booking.branch')}>
        <h2>{t('booking.branch')}</h2>
        {start.branches.map((item) => (
          <button key={item.id} type="button" className={pick(item.id, branch?.id)} aria-pressed={item.id === branch?.id} onClick={() => (haptic.select(), setBranch(item))}>
            <span>{item.title}</span>
            <small className="muted">{item.address}</small>
          </button>
        ))}
      </section>
      {services ? (
        <section role="group" aria-label={t('booking.service')}>
          <h2>{t('booking.service')}</h2>
          {services.map((item) => (
            <button key={item.id} type="button" className={pick(item.id, service?.id)} aria-pressed={item.id === service?.id} onClick={() => (haptic.select(), setService(item))}>
              <span>{item.title}</span>
              <small className="muted">{t('booking.minutes', { minutes: item.duration_minutes, price: item.price })}</small>
            </button>
          ))}
        </section>
      ) : null}
      {doctors ? (
        <section role="group" aria-label={t('booking.doctor')}>
          <h2>{t('booking.doctor')}</h2>
          <button type="button" className={pick(null, doctor)} aria-pressed={doctor === null} onClick={() => (haptic.select(), setDoctor(null))}>
            <span>{t('booking.any_doctor')}</span>
          </button>
          {doctors.map((item) => (
            <button key={item.id} type="button" className={pick(item.id, doctor?.id)} aria-pressed={item.id === doctor?.id} onClick={() => (haptic.select(), setDoctor(item))}>
              <span>{item.name}</span>
              <small className="muted">{item.specialty}</small>
            </button>
          ))}
        </section>
      ) : null}
      {choice && days ? (
        <section>
          <h2>{t('booking.day')}</h2>
          <Calendar
            days={days}
            selected={date}
            t={t}
            onMonth={(month) => {
              setDate(undefined);
              loadMonth(month);
            }}
            onDay={(day) => {
              haptic.select();
              setNote(undefined);
              setAlternatives([]);
              setDate(day);
            }}
          />
        </section>
      ) : null}
      {date && slots ? (
        <section role="group" aria-label={t('booking.time')}>
          <h2>
            {t('booking.time')} · {dayName}
          </h2>
          {slots.length === 0 ? <p className="muted">{t('booking.day_full')}</p> : null}
          <div className="chips wrap">
            {slots.map((item) => (
              <button key={item.starts_at} type="button" className={`chip${item.starts_at === slot?.starts_at ? ' is-active' : ''}`} aria-pressed={item.starts_at === slot?.starts_at} onClick={() => (haptic.select(), setSlot(item))}>
                {item.time}
              </button>
            ))}
          </div>
        </section>
      ) : null}
      {note ? (
        <div className="notice" role="alert">
          <p>{note}</p>
          {alternatives.length > 0 ? (
            <>
              <p>{t('booking.alternatives')}</p>
              <div className="chips wrap">
                {alternatives.map((item) => (
                  <button
                    key={item.starts_at}
                    type="button"
                    className="chip"
                    onClick={() => {
                      if (item.date && item.date !== date) {
                        pendingSlot.current = item;
                        setDate(item.date);
                      } else setSlot(item);
                      setNote(undefined);
                      setAlternatives([]);
                    }}
                  >
                    {item.day ? `${item.day}, ${item.time}` : item.time}
                  </button>
                ))}
              </div>
            </>
          ) : null}
        </div>
      ) : null}
    </main>
  );
}
