/**
 * The reference clinic ERP over HTTP: Lavka's clinic ERP contract served by a small Fastify
 * app, Bearer-token authenticated, answering a repeated write with the same `Idempotency-Key`
 * with its first answer. It can speak with other names and paths than the contract's (as a
 * real back end would) and can be turned off, to show what patients see when the ERP is down.
 * Started by the tests and by the sandbox (`LAVKA_CLINIC_BACKEND=demo`).
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { createFieldMapping } from '../../modules/clinic-erp/clinic-erp.client.ts';
import { ERP_PATHS, type ErpOperation } from '../../modules/clinic-erp/clinic-erp.config.ts';
import { createDemoErpState, DemoErpRefusal, type DemoErpOptions } from './demo-erp.state.ts';

/** How the demo ERP is run. */
export interface DemoErpServerOptions extends DemoErpOptions {
  token: string;
  /** The ERP's own names for contract fields (to show Lavka's field mapping at work). */
  fields?: Record<string, string>;
  /** The ERP's own paths for some operations. */
  paths?: Partial<Record<ErpOperation, string>>;
  port?: number;
}

/** One request the demo ERP received, for tests to look at. */
export interface DemoErpCall {
  operation: ErpOperation | 'file';
  method: string;
  idempotencyKey: string | undefined;
  body: Record<string, unknown>;
}

type Input = Record<string, unknown>;
type Handler = (input: Input, id: string | undefined) => unknown;

const int = (value: unknown, name: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new DemoErpRefusal(400, `${name} is required`);
  return parsed;
};
const text = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value.length === 0) throw new DemoErpRefusal(400, `${name} is required`);
  return value;
};

/** Starts the demo ERP on 127.0.0.1; `url` is its base URL. */
export async function startDemoErp(options: DemoErpServerOptions) {
  const state = createDemoErpState(options);
  const mapping = createFieldMapping(options.fields ?? {});
  const calls: DemoErpCall[] = [];
  const remembered = new Map<string, { status: number; body: unknown }>();
  let down = false;

  const handlers: Record<ErpOperation, { method: 'GET' | 'POST' | 'PATCH'; status?: number; run: Handler }> = {
    patientUpsert: {
      method: 'POST',
      run: (input) => {
        const { patient, created } = state.upsertPatient({
          telegram_user_id: int(input.telegram_user_id, 'telegram_user_id'),
          first_name: text(input.first_name, 'first_name'),
          last_name: typeof input.last_name === 'string' ? input.last_name : '',
          middle_name: typeof input.middle_name === 'string' ? input.middle_name : '',
          phone: text(input.phone, 'phone'),
          birth_date: text(input.birth_date, 'birth_date'),
          sex: text(input.sex, 'sex'),
          iin: text(input.iin, 'iin'),
          language: typeof input.language === 'string' ? input.language : 'ru',
        });
        return { patient_id: patient.patient_id, created, full_name: patient.full_name };
      },
    },
    patientVerifyIin: { method: 'POST', run: (input) => state.verifyIin(text(input.iin, 'iin')) },
    patientByTelegram: {
      method: 'GET',
      run: (_input, id) => {
        const { balance: _balance, ...patient } = state.patient(int(id, 'id'));
        return patient;
      },
    },
    branches: { method: 'GET', run: () => state.branches() },
    // Paged the way many back ends page their lists.
    services: { method: 'GET', run: (input) => ({ count: state.services(input.branch_id === undefined ? undefined : int(input.branch_id, 'branch_id')).length, results: state.services(input.branch_id === undefined ? undefined : int(input.branch_id, 'branch_id')) }) },
    doctors: {
      method: 'GET',
      run: (input) => state.doctors({ serviceId: input.service_id === undefined ? undefined : int(input.service_id, 'service_id'), branchId: input.branch_id === undefined ? undefined : int(input.branch_id, 'branch_id') }),
    },
    slots: { method: 'GET', run: (input) => ({ slots: state.slots(int(input.doctor_id, 'doctor_id'), text(input.date, 'date'), input.service_id === undefined ? undefined : int(input.service_id, 'service_id')) }) },
    appointmentCreate: {
      method: 'POST',
      status: 201,
      run: (input) =>
        state.createAppointment({
          telegram_user_id: int(input.telegram_user_id, 'telegram_user_id'),
          branch_id: int(input.branch_id, 'branch_id'),
          service_id: int(input.service_id, 'service_id'),
          doctor_id: int(input.doctor_id, 'doctor_id'),
          date: text(input.date, 'date'),
          time: text(input.time, 'time'),
          ...(typeof input.notes === 'string' ? { notes: input.notes } : {}),
        }),
    },
    appointmentsMine: { method: 'GET', run: (input) => state.appointmentsOf(int(input.telegram_user_id, 'telegram_user_id')) },
    appointmentUpdate: { method: 'PATCH', run: (input, id) => state.reschedule(int(id, 'id'), text(input.date, 'date'), text(input.time, 'time')) },
    appointmentCancel: { method: 'POST', run: (_input, id) => state.cancel(int(id, 'id')) },
    documents: { method: 'GET', run: (input) => state.documentsOf(int(input.telegram_user_id, 'telegram_user_id')) },
    documentGenerate: {
      method: 'POST',
      status: 201,
      run: (input) => state.generateDocument(int(input.telegram_user_id, 'telegram_user_id'), text(input.document_type, 'document_type'), typeof input.language === 'string' ? input.language : 'ru'),
    },
    documentDownload: {
      method: 'GET',
      run: (_input, id) => {
        const document = state.document(int(id, 'id'));
        return { download_url: `/files/${document.id}.pdf`, filename: `${document.title}.pdf` };
      },
    },
    paymentInvoice: { method: 'POST', status: 201, run: (input) => state.invoice(int(input.telegram_user_id, 'telegram_user_id'), Number(input.amount), typeof input.description === 'string' ? input.description : '') },
    paymentStatus: { method: 'GET', run: (_input, id) => state.invoiceStatus(text(id, 'id')) },
    paymentBalance: { method: 'GET', run: (input) => state.balance(int(input.telegram_user_id, 'telegram_user_id')) },
    paymentReport: { method: 'POST', status: 201, run: (input) => state.report(text(String(input.payment_id ?? ''), 'payment_id'), input) },
    feedback: { method: 'POST', status: 201, run: (input) => state.feedback(input) },
    supportTicket: { method: 'POST', status: 201, run: (input) => state.ticket(input) },
    faq: { method: 'GET', run: (input) => state.faq(typeof input.language === 'string' ? input.language : 'ru') },
    changes: { method: 'GET', run: (input) => state.changesSince(Number(input.since ?? 0) || 0, Math.min(Number(input.limit ?? 100) || 100, 500)) },
  };

  const app = Fastify({ logger: false });
  const authorised = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (down) {
      void reply.code(503).send({ error: 'Service temporarily unavailable' });
      return false;
    }
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      void reply.code(401).send({ error: 'Invalid bot token' });
      return false;
    }
    return true;
  };

  for (const [operation, handler] of Object.entries(handlers) as [ErpOperation, (typeof handlers)[ErpOperation]][]) {
    const path = (options.paths?.[operation] ?? ERP_PATHS[operation]).replace('{id}', ':id');
    app.route({
      method: handler.method,
      url: path,
      handler: async (request, reply) => {
        if (!authorised(request, reply)) return reply;
        const raw = { ...(request.query as Input), ...((request.body as Input | undefined) ?? {}) };
        const input = mapping.incoming(raw) as Input;
        const key = request.headers['idempotency-key'] as string | undefined;
        calls.push({ operation, method: request.method, idempotencyKey: key, body: input });
        const rememberedKey = key ? `${operation}:${key}` : undefined;
        const first = rememberedKey ? remembered.get(rememberedKey) : undefined;
        if (first) return reply.code(first.status).send(first.body);
        let status = handler.status ?? 200;
        let body: unknown;
        try {
          body = mapping.outgoing(await handler.run(input, (request.params as { id?: string }).id));
        } catch (error) {
          if (!(error instanceof DemoErpRefusal)) throw error;
          status = error.status;
          body = { error: error.message };
        }
        // Only answers that did something are replayed: a refusal may be tried again.
        if (rememberedKey && status < 400) remembered.set(rememberedKey, { status, body });
        return reply.code(status).send(body);
      },
    });
  }
  app.get('/files/:name', async (request, reply) => {
    if (!authorised(request, reply)) return reply;
    const match = /^(\d+)\.pdf$/.exec((request.params as { name: string }).name);
    calls.push({ operation: 'file', method: 'GET', idempotencyKey: undefined, body: {} });
    if (!match) return reply.code(404).send({ error: 'Not found' });
    try {
      return reply.type('application/pdf').send(state.document(Number(match[1])).bytes);
    } catch {
      return reply.code(404).send({ error: 'Not found' });
    }
  });

  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return {
    url: address,
    state,
    control: state.control,
    calls,
    /** Turns the ERP off (503 to everything) or on again. */
    setDown(value: boolean) {
      down = value;
    },
    close: () => app.close(),
  };
}

/** A running demo ERP. */
export type DemoErp = Awaited<ReturnType<typeof startDemoErp>>;
