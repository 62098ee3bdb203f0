// The clinic's bookings: a day or week calendar per branch and doctor with the appointments
// (marked completed or missed, or cancelled, from here), and the directory — branches,
// services, doctors with their weekly schedules and one-off exceptions.

import { useMemo, useState } from 'react';
import { api, query, useResource } from '../api.ts';
import { ConfirmDialog, DataTable, StatusBadge, TextsField, cleanTexts, pickText, useAction, type Texts } from '../components/data.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Card, Empty, Field, PageHeader, Segmented, type Tone } from '../components/ui.tsx';
import { addDays, dateLabel, inputToMinor, minorToInput, money, mondayOf, time, todayIn } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { Link, navigate, setQuery, useRoute } from '../router.tsx';
import { useSession } from '../session.tsx';

interface Branch {
  id: number;
  title: string;
  address: string;
  phone: string | null;
  is_active: number;
  position: number;
}
interface Service {
  id: number;
  title: string;
  duration_minutes: number;
  price_minor: number;
  currency: string;
  is_active: number;
  position: number;
}
interface Doctor {
  id: number;
  branch_id: number;
  name: string;
  specialty: string;
  is_active: number;
  position: number;
}
interface Appointment {
  id: number;
  patient_id: number;
  patientName: string;
  serviceTitle: string;
  doctor_id: number;
  starts_at: number;
  ends_at: number;
  status: 'booked' | 'completed' | 'no_show' | 'cancelled';
  price_minor: number;
  paid_minor: number;
  currency: string;
  confirmed_at: number | null;
}
interface CalendarDay {
  date: string;
  doctors: { id: number; name: string; working: { startMs: number; endMs: number }[]; appointments: Appointment[] }[];
}
interface WeeklyRule {
  weekday: number;
  start: string;
  end: string;
  breaks?: { start: string; end: string }[];
}
interface ScheduleException {
  id: number;
  date: string;
  kind: 'open' | 'closed';
  start_time: string | null;
  end_time: string | null;
  note: string | null;
}

const APPOINTMENT_TONE: Record<string, Tone> = { booked: 'info', completed: 'ok', no_show: 'warn', cancelled: 'neutral' };

/** A stored text per language (JSON), as the directory forms edit it. */
function texts(stored: string): Texts {
  try {
    const value = JSON.parse(stored) as unknown;
    return typeof value === 'string' ? { ru: value } : (value as Texts);
  } catch {
    return { ru: stored };
  }
}

/** The bookings page: the calendar, or the directory. */
export function BookingsPage() {
  const t = useT();
  const { search } = useRoute();
  const tab = search.get('tab') === 'directory' ? 'directory' : 'calendar';
  return (
    <>
      <PageHeader
        title={t('bookings.title')}
        actions={
          <Segmented
            label={t('bookings.title')}
            value={tab}
            onChange={(value) => navigate(value === 'calendar' ? '/bookings' : '/bookings?tab=directory', { replace: true })}
            options={[
              { value: 'calendar', label: t('bookings.calendar') },
              { value: 'directory', label: t('bookings.directory') },
            ]}
          />
        }
      />
      {tab === 'calendar' ? <CalendarTab /> : <DirectoryTab />}
    </>
  );
}

function useDirectory() {
  const branches = useResource<{ branches: Branch[] }>('/api/booking/branches');
  const services = useResource<{ services: Service[] }>('/api/booking/services');
  const doctors = useResource<{ doctors: Doctor[] }>('/api/booking/doctors');
  return { branches, services, doctors };
}

function CalendarTab() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const { search } = useRoute();
  const tz = me.business.timeZone;
  const view = search.get('view') === 'week' ? 'week' : 'day';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(search.get('date') ?? '') ? (search.get('date') as string) : todayIn(tz);
  const from = view === 'week' ? mondayOf(date) : date;
  const { branches, doctors } = useDirectory();
  const branchId = search.get('branch') ?? String(branches.data?.branches.find((branch) => branch.is_active === 1)?.id ?? '');
  const doctorId = search.get('doctor') ?? '';
  const calendar = useResource<{ days: CalendarDay[] }>(branchId ? `/api/booking/calendar${query({ branchId, doctorId, from, days: view === 'week' ? 7 : 1, locale })}` : null);
  const [open, setOpen] = useState<Appointment | null>(null);
  const step = view === 'week' ? 7 : 1;
  const branchDoctors = (doctors.data?.doctors ?? []).filter((doctor) => String(doctor.branch_id) === branchId);

  return (
    <div className="stack">
      <div className="filters calendar-controls">
        <Field label={t('bookings.branch')}>
          <select value={branchId} onChange={(event) => setQuery({ branch: event.target.value, doctor: undefined })}>
            {(branches.data?.branches ?? []).map((branch) => (
              <option key={branch.id} value={branch.id}>
                {pickText(texts(branch.title), locale)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('bookings.doctor')}>
          <select value={doctorId} onChange={(event) => setQuery({ doctor: event.target.value })}>
            <option value="">{t('bookings.allDoctors')}</option>
            {branchDoctors.map((doctor) => (
              <option key={doctor.id} value={doctor.id}>
                {pickText(texts(doctor.name), locale)}
              </option>
            ))}
          </select>
        </Field>
        <div className="date-nav" role="group" aria-label={t('bookings.calendar')}>
          <Button aria-label={t('common.previous')} onClick={() => setQuery({ date: addDays(date, -step) })}>
            ‹
          </Button>
          <Button onClick={() => setQuery({ date: undefined })}>{t('bookings.today')}</Button>
          <input type="date" aria-label={t('bookings.date')} value={date} onChange={(event) => event.target.value && setQuery({ date: event.target.value })} />
          <Button aria-label={t('common.next')} onClick={() => setQuery({ date: addDays(date, step) })}>
            ›
          </Button>
        </div>
        <Segmented
          label={t('bookings.view')}
          value={view}
          onChange={(value) => setQuery({ view: value === 'day' ? undefined : value })}
          options={[
            { value: 'day', label: t('bookings.day') },
            { value: 'week', label: t('bookings.week') },
          ]}
        />
      </div>
      {!branchId ? (
        <Card>
          <Empty title={t('bookings.noBranches')} hint={t('bookings.noBranchesHint')} action={<Link to="/bookings?tab=directory">{t('bookings.directory')}</Link>} />
        </Card>
      ) : (
        <Async resource={calendar} rows={6}>
          {(data) =>
            view === 'day' ? <DayView day={data.days[0]} onOpen={setOpen} /> : <WeekView days={data.days} onOpen={setOpen} />
          }
        </Async>
      )}
      {open ? (
        <AppointmentDialog
          appointment={open}
          onClose={() => setOpen(null)}
          onChanged={() => {
            setOpen(null);
            calendar.reload();
          }}
        />
      ) : null}
    </div>
  );
}

function DayView(props: { day: CalendarDay | undefined; onOpen(appointment: Appointment): void }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const tz = me.business.timeZone;
  const day = props.day;
  if (!day || day.doctors.length === 0) return <Card><Empty title={t('bookings.noDoctors')} /></Card>;
  return (
    <>
      <h2 className="section-title">{dateLabel(day.date, locale, { weekday: 'long', day: 'numeric', month: 'long' })}</h2>
      <div className="day-grid">
        {day.doctors.map((doctor) => (
          <Card key={doctor.id} title={doctor.name} padded={false} className="day-column">
            <p className="card-body working muted small">
              {doctor.working.length === 0 ? t('bookings.dayOff') : doctor.working.map((range) => `${time(range.startMs, locale, tz)}–${time(range.endMs, locale, tz)}`).join(', ')}
            </p>
            {doctor.appointments.length === 0 ? (
              <p className="card-body muted">{t('bookings.noAppointments')}</p>
            ) : (
              <ul className="list">
                {doctor.appointments.map((appointment) => (
                  <li key={appointment.id} className={`list-item appointment appointment-${appointment.status}`}>
                    <button className="list-button" onClick={() => props.onOpen(appointment)}>
                      <span className="appointment-time">{time(appointment.starts_at, locale, tz)}</span>
                      <span className="list-main">
                        <strong className="ellipsis">{appointment.patientName}</strong>
                        <span className="muted small ellipsis">{appointment.serviceTitle}</span>
                      </span>
                      <StatusBadge status={appointment.status} prefix="bookings.status" tones={APPOINTMENT_TONE} />
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        ))}
      </div>
    </>
  );
}

function WeekView(props: { days: CalendarDay[]; onOpen(appointment: Appointment): void }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const tz = me.business.timeZone;
  const doctors = props.days[0]?.doctors ?? [];
  const today = todayIn(tz);
  if (doctors.length === 0) return <Card><Empty title={t('bookings.noDoctors')} /></Card>;
  return (
    <Card padded={false}>
      {/* Seven days do not fit a phone: the week scrolls inside the card, the doctors' column stays. */}
      <div className="table-wrap table-scroll">
        <table className="table week-table">
          <thead>
            <tr>
              <th>{t('bookings.doctor')}</th>
              {props.days.map((day) => (
                <th key={day.date} className={day.date === today ? 'is-today' : undefined}>
                  {dateLabel(day.date, locale)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {doctors.map((doctor) => (
              <tr key={doctor.id}>
                <td className="week-doctor">{doctor.name}</td>
                {props.days.map((day) => {
                  const cell = day.doctors.find((item) => item.id === doctor.id);
                  return (
                    <td key={day.date} className={`week-cell ${cell && cell.working.length === 0 ? 'is-off' : ''} ${day.date === today ? 'is-today' : ''}`}>
                      {cell?.appointments.map((appointment) => (
                        <button key={appointment.id} className={`week-appointment appointment-${appointment.status}`} onClick={() => props.onOpen(appointment)} title={`${appointment.patientName} · ${appointment.serviceTitle}`}>
                          <strong>{time(appointment.starts_at, locale, tz)}</strong> <span className="ellipsis">{appointment.patientName}</span>
                        </button>
                      ))}
                      {cell && cell.working.length === 0 ? <span className="muted small">{t('bookings.dayOff')}</span> : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function AppointmentDialog(props: { appointment: Appointment; onClose(): void; onChanged(): void }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const { busy, run } = useAction();
  const { appointment } = props;
  const tz = me.business.timeZone;
  const act = (action: 'complete' | 'no-show' | 'cancel', done: MessageKey) =>
    void run(() => api('POST', `/api/booking/appointments/${appointment.id}/${action}`, { actorId: String(me.staff.id) }), t(done)).then((ok) => ok && props.onChanged());
  const booked = appointment.status === 'booked';
  const started = appointment.starts_at <= Date.now();
  return (
    <ConfirmDialog title={`${appointment.patientName} · ${time(appointment.starts_at, locale, tz)}`} confirm={t('bookings.markCompleted')} busy={busy} disabled={!booked} onConfirm={() => act('complete', 'bookings.completedDone')} onClose={props.onClose}>
      <dl className="facts">
        <dt>{t('bookings.service')}</dt>
        <dd>{appointment.serviceTitle}</dd>
        <dt>{t('bookings.when')}</dt>
        <dd>
          {dateLabel(new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(appointment.starts_at), locale, { weekday: 'short', day: 'numeric', month: 'long' })}, {time(appointment.starts_at, locale, tz)}–{time(appointment.ends_at, locale, tz)}
        </dd>
        <dt>{t('bookings.status')}</dt>
        <dd>
          <StatusBadge status={appointment.status} prefix="bookings.status" tones={APPOINTMENT_TONE} />
          {appointment.confirmed_at ? <span className="muted small"> · {t('bookings.confirmedByPatient')}</span> : null}
        </dd>
        <dt>{t('bookings.paid')}</dt>
        <dd>
          {money(appointment.paid_minor, appointment.currency, locale)} / {money(appointment.price_minor, appointment.currency, locale)}
        </dd>
        <dt>{t('bookings.patient')}</dt>
        <dd>{me.pages.includes('customers') ? <Link to={`/customers/${appointment.patient_id}`}>{appointment.patient_id}</Link> : appointment.patient_id}</dd>
      </dl>
      {booked ? (
        <div className="button-row">
          <Button busy={busy} onClick={() => act('no-show', 'bookings.noShowDone')}>
            {t('bookings.markNoShow')}
          </Button>
          {!started ? (
            <Button variant="danger" busy={busy} onClick={() => act('cancel', 'bookings.cancelledDone')}>
              {t('bookings.cancelVisit')}
            </Button>
          ) : null}
        </div>
      ) : null}
    </ConfirmDialog>
  );
}

type Editing = { kind: 'branch'; row: Branch | null } | { kind: 'service'; row: Service | null } | { kind: 'doctor'; row: Doctor | null } | { kind: 'schedule'; row: Doctor };

function DirectoryTab() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const { branches, services, doctors } = useDirectory();
  const [editing, setEditing] = useState<Editing | null>(null);
  const active = (flag: number) => (flag === 1 ? <Badge tone="ok">{t('bookings.active')}</Badge> : <Badge>{t('bookings.inactive')}</Badge>);
  const branchName = (id: number) => pickText(texts(branches.data?.branches.find((branch) => branch.id === id)?.title ?? '""'), locale);
  const editButton = (label: string, onClick: () => void) => (
    <Button size="sm" variant="ghost" onClick={onClick} aria-label={label} title={label}>
      <Icon name="pencil" />
    </Button>
  );
  const done = () => {
    setEditing(null);
    branches.reload();
    services.reload();
    doctors.reload();
  };
  const addButton = (onClick: () => void) => (
    <Button size="sm" onClick={onClick}>
      <Icon name="plus" /> {t('common.add')}
    </Button>
  );

  return (
    <div className="stack">
      <Card title={t('bookings.branches')} padded={false} actions={addButton(() => setEditing({ kind: 'branch', row: null }))}>
        <Async resource={branches} rows={3}>
          {(data) => (
            <DataTable
              rows={data.branches}
              rowKey={(row) => row.id}
              columns={[
                { key: 'title', header: t('bookings.name'), className: 'wrap', cell: (row) => pickText(texts(row.title), locale) },
                { key: 'address', header: t('bookings.address'), className: 'hide-sm muted', cell: (row) => pickText(texts(row.address), locale) },
                { key: 'phone', header: t('orders.phone'), className: 'hide-sm', cell: (row) => row.phone ?? '—' },
                { key: 'active', header: t('bookings.state'), cell: (row) => active(row.is_active) },
                { key: 'edit', header: '', className: 'actions', cell: (row) => editButton(t('bookings.editName', { name: pickText(texts(row.title), locale) }), () => setEditing({ kind: 'branch', row })) },
              ]}
            />
          )}
        </Async>
      </Card>
      <Card title={t('bookings.services')} padded={false} actions={addButton(() => setEditing({ kind: 'service', row: null }))}>
        <Async resource={services} rows={3}>
          {(data) => (
            <DataTable
              rows={data.services}
              rowKey={(row) => row.id}
              columns={[
                {
                  key: 'title',
                  header: t('bookings.name'),
                  className: 'wrap',
                  cell: (row) => (
                    <>
                      {pickText(texts(row.title), locale)}
                      <span className="muted block small show-sm">{t('bookings.minutes', { n: row.duration_minutes })}</span>
                    </>
                  ),
                },
                { key: 'duration', header: t('bookings.duration'), className: 'num hide-sm', cell: (row) => t('bookings.minutes', { n: row.duration_minutes }) },
                { key: 'price', header: t('catalog.price'), className: 'num', cell: (row) => money(row.price_minor, row.currency, locale) },
                { key: 'active', header: t('bookings.state'), className: 'hide-sm', cell: (row) => active(row.is_active) },
                { key: 'edit', header: '', className: 'actions', cell: (row) => editButton(t('bookings.editName', { name: pickText(texts(row.title), locale) }), () => setEditing({ kind: 'service', row })) },
              ]}
            />
          )}
        </Async>
      </Card>
      <Card title={t('bookings.doctors')} padded={false} actions={addButton(() => setEditing({ kind: 'doctor', row: null }))}>
        <Async resource={doctors} rows={3}>
          {(data) => (
            <DataTable
              rows={data.doctors}
              rowKey={(row) => row.id}
              columns={[
                {
                  key: 'name',
                  header: t('bookings.name'),
                  className: 'wrap',
                  cell: (row) => (
                    <>
                      {pickText(texts(row.name), locale)}
                      <span className="muted block small">{pickText(texts(row.specialty), locale)}</span>
                    </>
                  ),
                },
                { key: 'branch', header: t('bookings.branch'), className: 'hide-sm muted', cell: (row) => branchName(row.branch_id) },
                { key: 'active', header: t('bookings.state'), className: 'hide-sm', cell: (row) => active(row.is_active) },
                {
                  key: 'edit',
                  header: '',
                  className: 'actions',
                  cell: (row) => (
                    <>
                      <Button size="sm" onClick={() => setEditing({ kind: 'schedule', row })}>
                        <Icon name="calendar" /> {t('bookings.schedule')}
                      </Button>
                      {editButton(t('bookings.editName', { name: pickText(texts(row.name), locale) }), () => setEditing({ kind: 'doctor', row }))}
                    </>
                  ),
                },
              ]}
            />
          )}
        </Async>
      </Card>
      {editing?.kind === 'branch' ? <BranchDialog row={editing.row} onClose={() => setEditing(null)} onSaved={done} /> : null}
      {editing?.kind === 'service' ? <ServiceDialog row={editing.row} currency={me.business.currency} onClose={() => setEditing(null)} onSaved={done} /> : null}
      {editing?.kind === 'doctor' ? <DoctorDialog row={editing.row} branches={branches.data?.branches ?? []} services={services.data?.services ?? []} onClose={() => setEditing(null)} onSaved={done} /> : null}
      {editing?.kind === 'schedule' ? <ScheduleDialog doctor={editing.row} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

function ActiveCheckbox(props: { value: boolean; onChange(value: boolean): void }) {
  const t = useT();
  return (
    <label className="checkbox">
      <input type="checkbox" checked={props.value} onChange={(event) => props.onChange(event.target.checked)} />
      {t('bookings.activeHint')}
    </label>
  );
}

/** Saves a directory row: PUT for an existing one, POST for a new one. */
function useSave(path: string, id: number | undefined, onSaved: () => void) {
  const t = useT();
  const { busy, run } = useAction();
  return { busy, save: (body: unknown) => void run(() => api(id ? 'PUT' : 'POST', id ? `${path}/${id}` : path, body), t('common.saved')).then((ok) => ok && onSaved()) };
}

function BranchDialog(props: { row: Branch | null; onClose(): void; onSaved(): void }) {
  const t = useT();
  const [title, setTitle] = useState<Texts>(props.row ? texts(props.row.title) : {});
  const [address, setAddress] = useState<Texts>(props.row ? texts(props.row.address) : {});
  const [phone, setPhone] = useState(props.row?.phone ?? '');
  const [activeFlag, setActive] = useState(props.row ? props.row.is_active === 1 : true);
  const { busy, save } = useSave('/api/booking/branches', props.row?.id, props.onSaved);
  const name = cleanTexts(title);
  const where = cleanTexts(address);
  return (
    <ConfirmDialog
      title={props.row ? t('bookings.editBranch') : t('bookings.newBranch')}
      confirm={t('common.save')}
      busy={busy}
      disabled={!name.any || !where.any}
      onClose={props.onClose}
      onConfirm={() => save({ title: name.texts, address: where.texts, phone: phone.trim() || null, active: activeFlag, position: props.row?.position ?? 0 })}
    >
      <div className="form">
        <TextsField label={t('bookings.name')} value={title} onChange={setTitle} maxLength={300} />
        <TextsField label={t('bookings.address')} value={address} onChange={setAddress} maxLength={300} />
        <Field label={t('orders.phone')}>
          <input value={phone} maxLength={32} onChange={(event) => setPhone(event.target.value)} />
        </Field>
        <ActiveCheckbox value={activeFlag} onChange={setActive} />
      </div>
    </ConfirmDialog>
  );
}

function ServiceDialog(props: { row: Service | null; currency: string; onClose(): void; onSaved(): void }) {
  const t = useT();
  const currency = props.row?.currency ?? props.currency;
  const [title, setTitle] = useState<Texts>(props.row ? texts(props.row.title) : {});
  const [duration, setDuration] = useState(String(props.row?.duration_minutes ?? 30));
  const [price, setPrice] = useState(props.row ? minorToInput(props.row.price_minor, currency) : '');
  const [activeFlag, setActive] = useState(props.row ? props.row.is_active === 1 : true);
  const { busy, save } = useSave('/api/booking/services', props.row?.id, props.onSaved);
  const name = cleanTexts(title);
  const priceMinor = inputToMinor(price, currency);
  const minutes = Number(duration);
  const valid = name.any && priceMinor !== undefined && Number.isInteger(minutes) && minutes >= 5 && minutes % 5 === 0;
  return (
    <ConfirmDialog
      title={props.row ? t('bookings.editService') : t('bookings.newService')}
      confirm={t('common.save')}
      busy={busy}
      disabled={!valid}
      onClose={props.onClose}
      onConfirm={() => save({ title: name.texts, durationMinutes: minutes, priceMinor, currency, active: activeFlag, position: props.row?.position ?? 0 })}
    >
      <div className="form">
        <TextsField label={t('bookings.name')} value={title} onChange={setTitle} maxLength={300} />
        <div className="grid-2">
          <Field label={t('bookings.duration')} hint={t('bookings.durationHint')}>
            <input inputMode="numeric" value={duration} onChange={(event) => setDuration(event.target.value.replace(/\D/g, ''))} />
          </Field>
          <Field label={t('catalog.priceIn', { currency })} error={price && priceMinor === undefined ? t('catalog.badPrice') : undefined}>
            <input inputMode="decimal" value={price} onChange={(event) => setPrice(event.target.value)} />
          </Field>
        </div>
        <ActiveCheckbox value={activeFlag} onChange={setActive} />
      </div>
    </ConfirmDialog>
  );
}

function DoctorDialog(props: { row: Doctor | null; branches: Branch[]; services: Service[]; onClose(): void; onSaved(): void }) {
  const t = useT();
  const { locale } = useI18n();
  const [name, setName] = useState<Texts>(props.row ? texts(props.row.name) : {});
  const [specialty, setSpecialty] = useState<Texts>(props.row ? texts(props.row.specialty) : {});
  const [branchId, setBranchId] = useState<number | undefined>(props.row?.branch_id ?? props.branches[0]?.id);
  const [activeFlag, setActive] = useState(props.row ? props.row.is_active === 1 : true);
  const detail = useResource<{ serviceIds: number[] }>(props.row ? `/api/booking/doctors/${props.row.id}` : null);
  const [chosen, setChosen] = useState<number[] | null>(null);
  const serviceIds = chosen ?? detail.data?.serviceIds ?? [];
  const { busy, save } = useSave('/api/booking/doctors', props.row?.id, props.onSaved);
  const who = cleanTexts(name);
  const what = cleanTexts(specialty);
  return (
    <ConfirmDialog
      title={props.row ? t('bookings.editDoctor') : t('bookings.newDoctor')}
      confirm={t('common.save')}
      busy={busy}
      wide
      disabled={!who.any || !what.any || branchId === undefined}
      onClose={props.onClose}
      onConfirm={() => save({ name: who.texts, specialty: what.texts, branchId, serviceIds, active: activeFlag, position: props.row?.position ?? 0 })}
    >
      <div className="form">
        <TextsField label={t('bookings.doctorName')} value={name} onChange={setName} maxLength={300} />
        <TextsField label={t('bookings.specialty')} value={specialty} onChange={setSpecialty} maxLength={300} />
        <Field label={t('bookings.branch')}>
          <select value={branchId ?? ''} onChange={(event) => setBranchId(Number(event.target.value))}>
            {props.branches.map((branch) => (
              <option key={branch.id} value={branch.id}>
                {pickText(texts(branch.title), locale)}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="texts-field">
          <legend className="field-label">{t('bookings.services')}</legend>
          <div className="checkbox-row">
            {props.services.map((service) => (
              <label key={service.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={serviceIds.includes(service.id)}
                  onChange={(event) => setChosen(event.target.checked ? [...serviceIds, service.id] : serviceIds.filter((id) => id !== service.id))}
                />
                {pickText(texts(service.title), locale)}
              </label>
            ))}
          </div>
        </fieldset>
        <ActiveCheckbox value={activeFlag} onChange={setActive} />
      </div>
    </ConfirmDialog>
  );
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
interface DayRow {
  on: boolean;
  start: string;
  end: string;
  breakStart: string;
  breakEnd: string;
}

function ScheduleDialog(props: { doctor: Doctor; onClose(): void }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const detail = useResource<{ schedule: WeeklyRule[] }>(`/api/booking/doctors/${props.doctor.id}`);
  const today = todayIn(me.business.timeZone);
  const exceptions = useResource<{ exceptions: ScheduleException[] }>(`/api/booking/doctors/${props.doctor.id}/exceptions${query({ from: today, to: addDays(today, 90) })}`);
  const [rows, setRows] = useState<Record<number, DayRow> | null>(null);
  const initial = useMemo(() => {
    const result: Record<number, DayRow> = {};
    for (const weekday of WEEKDAYS) {
      const rule = detail.data?.schedule.find((item) => item.weekday === weekday);
      result[weekday] = { on: Boolean(rule), start: rule?.start ?? '09:00', end: rule?.end ?? '18:00', breakStart: rule?.breaks?.[0]?.start ?? '', breakEnd: rule?.breaks?.[0]?.end ?? '' };
    }
    return result;
  }, [detail.data]);
  const days = rows ?? initial;
  const { busy, run } = useAction();
  const [exception, setException] = useState({ date: today, kind: 'closed' as 'closed' | 'open', start: '', end: '', note: '' });
  const change = (weekday: number, patch: Partial<DayRow>) => setRows({ ...days, [weekday]: { ...(days[weekday] as DayRow), ...patch } });
  const saveSchedule = () =>
    void run(
      () =>
        api('PUT', `/api/booking/doctors/${props.doctor.id}/schedule`, {
          rules: WEEKDAYS.filter((weekday) => days[weekday]?.on).map((weekday) => {
            const row = days[weekday] as DayRow;
            return { weekday, start: row.start, end: row.end, breaks: row.breakStart && row.breakEnd ? [{ start: row.breakStart, end: row.breakEnd }] : [] };
          }),
        }),
      t('bookings.scheduleSaved'),
    ).then((ok) => ok && props.onClose());
  const addException = () =>
    void run(
      () =>
        api('POST', `/api/booking/doctors/${props.doctor.id}/exceptions`, {
          date: exception.date,
          kind: exception.kind,
          ...(exception.start && exception.end ? { start: exception.start, end: exception.end } : {}),
          ...(exception.note.trim() ? { note: exception.note.trim() } : {}),
        }),
      t('common.saved'),
    ).then((ok) => ok && exceptions.reload());
  const removeException = (id: number) => void run(() => api('DELETE', `/api/booking/exceptions/${id}`), t('common.saved')).then((ok) => ok && exceptions.reload());

  return (
    <ConfirmDialog title={t('bookings.scheduleOf', { name: pickText(texts(props.doctor.name), locale) })} confirm={t('bookings.saveSchedule')} busy={busy} wide onConfirm={saveSchedule} onClose={props.onClose}>
      <Async resource={detail} rows={7}>
        {() => (
          <div className="schedule">
            <div className="schedule-head muted small" aria-hidden="true">
              <span />
              <span>{t('bookings.hours')}</span>
              <span>{t('bookings.break')}</span>
            </div>
            {WEEKDAYS.map((weekday) => {
              const row = days[weekday] as DayRow;
              const label = dateLabel(addDays('2024-01-01', weekday - 1), locale, { weekday: 'long' });
              return (
                <div key={weekday} className={`schedule-row ${row.on ? '' : 'is-off'}`}>
                  <label className="checkbox">
                    <input type="checkbox" checked={row.on} onChange={(event) => change(weekday, { on: event.target.checked })} />
                    {label}
                  </label>
                  <span className="time-range">
                    <input type="time" step={300} aria-label={`${label}: ${t('bookings.from')}`} value={row.start} disabled={!row.on} onChange={(event) => change(weekday, { start: event.target.value })} />
                    –
                    <input type="time" step={300} aria-label={`${label}: ${t('bookings.to')}`} value={row.end} disabled={!row.on} onChange={(event) => change(weekday, { end: event.target.value })} />
                  </span>
                  <span className="time-range">
                    <input type="time" step={300} aria-label={`${label}: ${t('bookings.break')}`} value={row.breakStart} disabled={!row.on} onChange={(event) => change(weekday, { breakStart: event.target.value })} />
                    –
                    <input type="time" step={300} aria-label={`${label}: ${t('bookings.breakEnd')}`} value={row.breakEnd} disabled={!row.on} onChange={(event) => change(weekday, { breakEnd: event.target.value })} />
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </Async>
      <h3 className="section-title">{t('bookings.exceptions')}</h3>
      <p className="muted small">{t('bookings.exceptionsHint')}</p>
      <Async resource={exceptions} rows={2}>
        {(data) =>
          data.exceptions.length === 0 ? (
            <p className="muted">{t('bookings.noExceptions')}</p>
          ) : (
            <ul className="list exception-list">
              {data.exceptions.map((item) => (
                <li key={item.id} className="list-item">
                  <span className="list-main">
                    <strong>{dateLabel(item.date, locale, { weekday: 'short', day: 'numeric', month: 'long' })}</strong>
                    <span className="muted small">
                      {item.kind === 'closed' ? t('bookings.closed') : t('bookings.open')}
                      {item.start_time ? ` ${item.start_time}–${item.end_time}` : ''}
                      {item.note ? ` · ${item.note}` : ''}
                    </span>
                  </span>
                  <Button size="sm" variant="ghost" onClick={() => removeException(item.id)} aria-label={t('common.delete')}>
                    ×
                  </Button>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      <div className="exception-form">
        <Field label={t('bookings.date')}>
          <input type="date" value={exception.date} onChange={(event) => setException({ ...exception, date: event.target.value })} />
        </Field>
        <Field label={t('bookings.exceptionKind')}>
          <select value={exception.kind} onChange={(event) => setException({ ...exception, kind: event.target.value as 'closed' | 'open' })}>
            <option value="closed">{t('bookings.closed')}</option>
            <option value="open">{t('bookings.open')}</option>
          </select>
        </Field>
        <Field label={t('bookings.hours')} hint={exception.kind === 'closed' ? t('bookings.wholeDayHint') : undefined}>
          <span className="time-range">
            <input type="time" step={300} aria-label={t('bookings.from')} value={exception.start} onChange={(event) => setException({ ...exception, start: event.target.value })} />
            –
            <input type="time" step={300} aria-label={t('bookings.to')} value={exception.end} onChange={(event) => setException({ ...exception, end: event.target.value })} />
          </span>
        </Field>
        <Field label={t('bookings.note')}>
          <input value={exception.note} maxLength={200} onChange={(event) => setException({ ...exception, note: event.target.value })} />
        </Field>
        <Button onClick={addException} busy={busy} disabled={!exception.date || (exception.kind === 'open' && !(exception.start && exception.end))}>
          <Icon name="plus" /> {t('bookings.addException')}
        </Button>
      </div>
    </ConfirmDialog>
  );
}
