/**
 * The reference clinic ERP's data and rules: what a real medical information system behind a
 * Telegram bot keeps (patients linked to Telegram ids, the directory, doctors' weekly hours,
 * appointments, documents, invoices and balances), in memory, seeded from the clinic preset's
 * demo directory. It keeps a change feed of what its own staff do, so Lavka can follow it.
 */
import { bookingDemoSchema } from '../../modules/booking/booking.shared.ts';
import { addDays, generateSlots, localDateOf, localTimeOf, localToEpochMs, parseClock, type WeeklyRule } from '../../modules/booking/slots.ts';
import { validateIin } from '../../modules/patients/iin.ts';
import { renderConfirmationPdf } from '../../modules/documents/confirmation.pdf.ts';

type Localised = Record<string, string>;

export interface DemoPatient {
  patient_id: number;
  telegram_user_id: number;
  first_name: string;
  last_name: string;
  middle_name: string;
  full_name: string;
  phone: string;
  birth_date: string;
  sex: string;
  iin: string;
  language: string;
  balance: number;
}

export interface DemoAppointment {
  id: number;
  telegram_user_id: number;
  branch_id: number;
  service_id: number;
  doctor_id: number;
  date: string;
  time: string;
  startMs: number;
  endMs: number;
  status: 'scheduled' | 'confirmed' | 'cancelled' | 'completed' | 'no_show';
  notes: string;
}

export interface DemoDocument {
  id: number;
  telegram_user_id: number;
  title: string;
  document_type: string;
  created_at: string;
  bytes: Buffer;
}

export interface DemoChange {
  id: number;
  type: string;
  appointment_id?: number;
  date?: string;
  time?: string;
  document_id?: number;
  telegram_user_id?: number;
  title?: string;
}

/** A refusal of the ERP: an HTTP status and its message. */
export class DemoErpRefusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** What the demo ERP is seeded with. */
export interface DemoErpOptions {
  /** The clinic preset's `demo.booking` section (branches, services, doctors and hours). */
  directory: unknown;
  timeZone: string;
  currency: string;
  now?: () => number;
  /** Minutes between offered starts. */
  stepMinutes?: number;
}

/** A one-page PDF as the ERP would issue it (the same renderer as Lavka's confirmations). */
async function documentPdf(title: string, patient: string, issuedAt: Date): Promise<Buffer> {
  const bytes = await renderConfirmationPdf({ title, business: 'Demo clinic ERP', rows: [{ label: 'Patient', value: patient }], notes: [], issued: issuedAt.toISOString().slice(0, 10), createdAt: issuedAt });
  return Buffer.from(bytes);
}

/** The demo ERP's state and operations, in the contract's words. */
export function createDemoErpState(options: DemoErpOptions) {
  const now = options.now ?? Date.now;
  const step = options.stepMinutes ?? 30;
  const demo = bookingDemoSchema.parse(options.directory);
  const branches = demo.branches.map((branch, index) => ({ id: index + 1, key: branch.key, name: branch.title as Localised, address: branch.address as Localised, phone: branch.phone ?? null, is_active: true }));
  const services = demo.services.map((service, index) => ({ id: 101 + index, key: service.key, name: service.title as Localised, duration_minutes: service.durationMinutes, price: service.price, is_active: true }));
  const doctors = demo.doctors.map((doctor, index) => ({
    id: 501 + index,
    full_name: doctor.name as Localised,
    specialty: doctor.specialty as Localised,
    branch_id: branches.find((branch) => branch.key === doctor.branch)?.id ?? 1,
    service_ids: doctor.services.map((key) => services.find((service) => service.key === key)?.id ?? 0).filter((id) => id > 0),
    is_active: true,
    rules: doctor.schedule.flatMap((block) => block.days.map((weekday): WeeklyRule => ({ weekday, start: block.start, end: block.end, breaks: block.breaks }))),
  }));
  const patients = new Map<number, DemoPatient>();
  const appointments = new Map<number, DemoAppointment>();
  const documents = new Map<number, DemoDocument>();
  const invoices = new Map<string, { invoice_id: string; telegram_user_id: number; amount: number; status: string; paid_at: string | null }>();
  const reports = new Map<string, Record<string, unknown>>();
  const feedback: Record<string, unknown>[] = [];
  const tickets: Record<string, unknown>[] = [];
  const changes: DemoChange[] = [];
  let nextId = 1000;
  const faq: Record<string, { question: string; answer: string }[]> = {
    ru: [
      { question: 'Как подготовиться к УЗИ?', answer: 'Не ешьте за 6 часов до исследования брюшной полости.' },
      { question: 'Нужно ли направление?', answer: 'Для приёма терапевта направление не нужно.' },
    ],
    kk: [
      { question: 'УДЗ-ға қалай дайындалу керек?', answer: 'Құрсақ қуысын зерттеуге 6 сағат бұрын тамақ ішпеңіз.' },
      { question: 'Жолдама керек пе?', answer: 'Терапевт қабылдауына жолдама қажет емес.' },
    ],
    en: [
      { question: 'How do I prepare for an ultrasound?', answer: 'Do not eat for 6 hours before an abdominal scan.' },
      { question: 'Do I need a referral?', answer: 'No referral is needed for a general practitioner.' },
    ],
  };

  const patientOf = (telegramUserId: number): DemoPatient => {
    const patient = patients.get(telegramUserId);
    if (!patient) throw new DemoErpRefusal(404, 'Patient not found');
    return patient;
  };
  const doctorOf = (id: number) => {
    const doctor = doctors.find((item) => item.id === id);
    if (!doctor) throw new DemoErpRefusal(400, 'Invalid doctor');
    return doctor;
  };
  const serviceOf = (id: number) => {
    const service = services.find((item) => item.id === id);
    if (!service) throw new DemoErpRefusal(400, 'Invalid service');
    return service;
  };
  const busyOf = (doctorId: number, except?: number) =>
    [...appointments.values()].filter((item) => item.doctor_id === doctorId && item.id !== except && (item.status === 'scheduled' || item.status === 'confirmed')).map((item) => ({ startMs: item.startMs, endMs: item.endMs }));

  /** Every scheduled start of a doctor on a day, each with whether it is still free. */
  const slotsOf = (doctorId: number, date: string, serviceId?: number): { time: string; available: boolean; startMs: number }[] => {
    const doctor = doctorOf(doctorId);
    const duration = serviceId === undefined ? step : serviceOf(serviceId).duration_minutes;
    const query = { timeZone: options.timeZone, fromDate: date, toDate: date, rules: doctor.rules, exceptions: [], durationMinutes: duration, stepMinutes: step, notBeforeMs: now() };
    const free = new Set(generateSlots({ ...query, busy: busyOf(doctorId) }).map((slot) => slot.startMs));
    return generateSlots({ ...query, busy: [] }).map((slot) => ({ time: localTimeOf(slot.startMs, options.timeZone), available: free.has(slot.startMs), startMs: slot.startMs }));
  };

  const record = (change: Omit<DemoChange, 'id'>) => {
    changes.push({ id: changes.length + 1, ...change });
  };
  const view = (item: DemoAppointment) => ({ id: item.id, status: item.status, date: item.date, time: item.time, doctor_id: item.doctor_id, service_id: item.service_id, branch_id: item.branch_id, telegram_user_id: item.telegram_user_id });

  const place = (doctorId: number, serviceId: number, date: string, time: string, except?: number) => {
    const minutes = parseClock(time);
    if (minutes === undefined) throw new DemoErpRefusal(400, 'Invalid time');
    const startMs = localToEpochMs(date, minutes, options.timeZone);
    const slot = slotsOf(doctorId, date, serviceId).find((item) => item.startMs === startMs);
    if (!slot) throw new DemoErpRefusal(400, 'The doctor does not work at this time');
    const endMs = startMs + serviceOf(serviceId).duration_minutes * 60_000;
    if (busyOf(doctorId, except).some((busy) => busy.startMs < endMs && startMs < busy.endMs)) throw new DemoErpRefusal(409, 'This time is already taken');
    return { startMs, endMs };
  };

  return {
    branches: () => branches.map(({ key: _key, ...branch }) => branch),
    services: (branchId?: number) =>
      services.filter((service) => branchId === undefined || doctors.some((doctor) => doctor.branch_id === branchId && doctor.service_ids.includes(service.id))).map(({ key: _key, ...service }) => service),
    doctors: (filter: { serviceId?: number; branchId?: number }) =>
      doctors
        .filter((doctor) => (filter.serviceId === undefined || doctor.service_ids.includes(filter.serviceId)) && (filter.branchId === undefined || doctor.branch_id === filter.branchId))
        .map(({ rules: _rules, ...doctor }) => doctor),
    slots: (doctorId: number, date: string, serviceId?: number) => slotsOf(doctorId, date, serviceId).map(({ time, available }) => ({ time, available })),

    upsertPatient(input: Omit<DemoPatient, 'patient_id' | 'full_name' | 'balance'>): { patient: DemoPatient; created: boolean } {
      const existing = patients.get(input.telegram_user_id);
      const full_name = [input.last_name, input.first_name, input.middle_name].filter(Boolean).join(' ');
      const patient: DemoPatient = { ...input, full_name, patient_id: existing?.patient_id ?? (nextId += 1), balance: existing?.balance ?? 0 };
      patients.set(input.telegram_user_id, patient);
      return { patient, created: !existing };
    },
    verifyIin: (iin: string) => {
      const result = validateIin(iin, { todayIso: localDateOf(now(), options.timeZone) });
      return result.ok ? { valid: true } : { valid: false, error: result.code };
    },
    patient: patientOf,

    createAppointment(input: { telegram_user_id: number; branch_id: number; service_id: number; doctor_id: number; date: string; time: string; notes?: string }) {
      patientOf(input.telegram_user_id);
      const doctor = doctorOf(input.doctor_id);
      if (!doctor.service_ids.includes(input.service_id)) throw new DemoErpRefusal(400, 'The doctor does not provide this service');
      const { startMs, endMs } = place(input.doctor_id, input.service_id, input.date, input.time);
      const appointment: DemoAppointment = { id: (nextId += 1), telegram_user_id: input.telegram_user_id, branch_id: input.branch_id, service_id: input.service_id, doctor_id: input.doctor_id, date: input.date, time: input.time, startMs, endMs, status: 'scheduled', notes: input.notes ?? '' };
      appointments.set(appointment.id, appointment);
      return view(appointment);
    },
    appointmentsOf: (telegramUserId: number) =>
      [...appointments.values()].filter((item) => item.telegram_user_id === telegramUserId && item.startMs >= now() - 30 * 86_400_000).sort((a, b) => b.startMs - a.startMs).map(view),
    reschedule(id: number, date: string, time: string) {
      const appointment = appointments.get(id);
      if (!appointment) throw new DemoErpRefusal(404, 'Appointment not found');
      if (appointment.status !== 'scheduled' && appointment.status !== 'confirmed') throw new DemoErpRefusal(400, `The appointment is ${appointment.status}`);
      if (appointment.date === date && appointment.time === time) return view(appointment);
      const { startMs, endMs } = place(appointment.doctor_id, appointment.service_id, date, time, id);
      Object.assign(appointment, { date, time, startMs, endMs });
      return view(appointment);
    },
    cancel(id: number) {
      const appointment = appointments.get(id);
      if (!appointment) throw new DemoErpRefusal(404, 'Appointment not found');
      appointment.status = 'cancelled';
      return view(appointment);
    },

    documentsOf: (telegramUserId: number) =>
      [...documents.values()].filter((item) => item.telegram_user_id === telegramUserId).map(({ bytes: _bytes, telegram_user_id: _user, ...item }) => item),
    async generateDocument(telegramUserId: number, type: string, language: string) {
      const patient = patientOf(telegramUserId);
      if (!['tax', 'visits'].includes(type)) throw new DemoErpRefusal(400, 'Unsupported document type');
      const titles: Record<string, Record<string, string>> = {
        tax: { ru: 'Справка для налогового вычета', kk: 'Салық шегерімі үшін анықтама', en: 'Certificate for a tax deduction' },
        visits: { ru: 'Выписка о посещениях', kk: 'Келулер туралы үзінді', en: 'Statement of visits' },
      };
      const title = titles[type]?.[language] ?? titles[type]?.ru ?? type;
      const document: DemoDocument = { id: (nextId += 1), telegram_user_id: telegramUserId, title, document_type: type, created_at: new Date(now()).toISOString(), bytes: await documentPdf(title, patient.full_name, new Date(now())) };
      documents.set(document.id, document);
      const { bytes: _bytes, telegram_user_id: _user, ...shown } = document;
      return shown;
    },
    document: (id: number) => {
      const document = documents.get(id);
      if (!document) throw new DemoErpRefusal(404, 'Document not found');
      return document;
    },

    invoice(telegramUserId: number, amount: number, description: string) {
      patientOf(telegramUserId);
      if (!Number.isFinite(amount) || amount <= 0) throw new DemoErpRefusal(400, 'amount must be positive');
      const invoice = { invoice_id: `INV-${(nextId += 1)}`, telegram_user_id: telegramUserId, amount, status: 'pending', paid_at: null, description };
      invoices.set(invoice.invoice_id, invoice);
      return { invoice_id: invoice.invoice_id, amount, status: 'pending', qr_code_url: `https://pay.example.kz/qr/${invoice.invoice_id}` };
    },
    invoiceStatus: (id: string) => {
      const invoice = invoices.get(id);
      if (!invoice) throw new DemoErpRefusal(404, 'Invoice not found');
      return { invoice_id: invoice.invoice_id, status: invoice.status, amount: invoice.amount, paid_at: invoice.paid_at };
    },
    balance: (telegramUserId: number) => ({ balance: patientOf(telegramUserId).balance, currency: options.currency }),
    /** A payment taken in Lavka, or its refund (`refund: true`, a negative amount): one record per payment and kind. */
    report(paymentId: string, body: Record<string, unknown>) {
      const key = `${paymentId}:${body.refund === true ? 'refund' : 'payment'}`;
      if (!reports.has(key)) reports.set(key, body);
      return { id: key, recorded: true };
    },
    feedback(body: Record<string, unknown>) {
      feedback.push(body);
      return { id: String((nextId += 1)), score: body.score };
    },
    ticket(body: Record<string, unknown>) {
      const ticket = { ticket_id: String((nextId += 1)), subject: body.subject, status: 'open' };
      tickets.push({ ...body, ...ticket });
      return ticket;
    },
    faq: (language: string) => ({ faqs: faq[language] ?? faq.ru ?? [] }),
    changesSince: (since: number, limit: number) => {
      const page = changes.filter((change) => change.id > since).slice(0, limit);
      return { changes: page, next_cursor: page.at(-1)?.id ?? since };
    },

    // ── what the clinic's own staff do in the ERP (tests and the sandbox drive these) ──
    control: {
      /** A doctor cancels a visit: the change feed reports it. */
      cancelByClinic(id: number) {
        const appointment = appointments.get(id);
        if (!appointment) throw new Error(`no appointment ${id}`);
        appointment.status = 'cancelled';
        record({ type: 'appointment.cancelled', appointment_id: id, telegram_user_id: appointment.telegram_user_id });
      },
      /** The registry moves a visit to another time the same day or later. */
      moveByClinic(id: number, date: string, time: string) {
        const appointment = appointments.get(id);
        if (!appointment) throw new Error(`no appointment ${id}`);
        const { startMs, endMs } = place(appointment.doctor_id, appointment.service_id, date, time, id);
        Object.assign(appointment, { date, time, startMs, endMs });
        record({ type: 'appointment.rescheduled', appointment_id: id, date, time, telegram_user_id: appointment.telegram_user_id });
      },
      /** Someone books a time at the front desk: the bot must never offer it again. */
      takeAtDesk(doctorId: number, date: string, time: string, serviceId = doctorOf(doctorId).service_ids[0] ?? 0) {
        const { startMs, endMs } = place(doctorId, serviceId, date, time);
        const appointment: DemoAppointment = { id: (nextId += 1), telegram_user_id: 0, branch_id: doctorOf(doctorId).branch_id, service_id: serviceId, doctor_id: doctorId, date, time, startMs, endMs, status: 'scheduled', notes: 'front desk' };
        appointments.set(appointment.id, appointment);
        return appointment.id;
      },
      /** A lab result is ready: a document appears and the feed says so. */
      async addResult(telegramUserId: number, title: string) {
        const document: DemoDocument = { id: (nextId += 1), telegram_user_id: telegramUserId, title, document_type: 'result', created_at: new Date(now()).toISOString(), bytes: await documentPdf(title, patientOf(telegramUserId).full_name, new Date(now())) };
        documents.set(document.id, document);
        record({ type: 'document.ready', document_id: document.id, telegram_user_id: telegramUserId, title });
        return document.id;
      },
      /** The patient's account in the ERP: positive is credit, negative is what they owe the clinic. */
      setBalance(telegramUserId: number, balance: number) {
        patientOf(telegramUserId).balance = balance;
      },
      /** The acquirer tells the ERP an invoice was paid: it is marked paid and the amount goes to the patient's account. */
      payInvoice(id: string) {
        const invoice = invoices.get(id);
        if (!invoice) throw new Error(`no invoice ${id}`);
        if (invoice.status === 'paid') return;
        Object.assign(invoice, { status: 'paid', paid_at: new Date(now()).toISOString() });
        patientOf(invoice.telegram_user_id).balance += invoice.amount;
      },
      invoices: () => [...invoices.values()],
      /** The first free start of a doctor on a day after `fromDate`, for tests. */
      firstFree(doctorId: number, serviceId: number, fromDate: string): { date: string; time: string } | undefined {
        for (let day = 0; day < 14; day += 1) {
          const date = addDays(fromDate, day);
          const free = slotsOf(doctorId, date, serviceId).find((slot) => slot.available);
          if (free) return { date, time: free.time };
        }
        return undefined;
      },
      appointments: () => [...appointments.values()],
      patients: () => [...patients.values()],
      reports: () => [...reports.values()],
      feedback: () => feedback,
      tickets: () => tickets,
      doctors: () => doctors,
    },
  };
}

/** The demo ERP's state. */
export type DemoErpState = ReturnType<typeof createDemoErpState>;
