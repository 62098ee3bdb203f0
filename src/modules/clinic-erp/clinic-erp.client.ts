/**
 * The one client of the clinic's ERP that every clinic module's connector shares: the
 * contract's operations over HTTP with the shared Bearer token, through the outgoing-address
 * policy, with a deadline, one retry where repeating is safe (reads, and writes carrying an
 * idempotency key), the config's field mapping, and a circuit breaker that stops calling a
 * back end that keeps failing.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { BreakerOpen, createBreaker, type BreakerState } from '../../platform/breaker.ts';
import { OutgoingError, requestThrough, type OutgoingPolicy } from '../../platform/outgoing.ts';
import { ERP_PATHS, type ClinicErpConfig, type ErpOperation } from './clinic-erp.config.ts';
import { ClinicErpError, isErpUnavailable } from './clinic-erp.errors.ts';

/** The most of an answer read (lists, documents' metadata); downloads have their own cap. */
const MAX_ANSWER_BYTES = 2 * 1024 * 1024;
/** The largest document Lavka downloads from the ERP (Telegram bots may send up to 50 MB). */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** One call of the contract. */
export interface ErpCall<T> {
  method?: 'GET' | 'POST' | 'PATCH';
  /** Fills `{id}` in the operation's path. */
  id?: string | number;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
  /** Sent as `Idempotency-Key`: the ERP answers a repeated write with the first result. */
  idempotencyKey?: string;
  answer: z.ZodType<T>;
}

/** What the client needs. */
export interface ClinicErpClientDeps {
  config: ClinicErpConfig;
  token: string;
  policy: OutgoingPolicy;
  logger: Logger;
  now(): number;
  /** The breaker opened: calls stop for a while (the staff are told once). */
  onPause?(reason: string): void;
  /** A call went through again after a pause. */
  onResume?(): void;
}

/** Renames keys at any depth: the contract's names to the ERP's and back. */
export function createFieldMapping(fields: Readonly<Record<string, string>>) {
  const inverse = Object.fromEntries(Object.entries(fields).map(([ours, theirs]) => [theirs, ours]));
  const rename = (value: unknown, table: Readonly<Record<string, string>>): unknown => {
    if (Array.isArray(value)) return value.map((item) => rename(item, table));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [table[key] ?? key, rename(item, table)]));
  };
  return {
    /** The contract's names → the ERP's. */
    outgoing: (value: unknown) => rename(value, fields),
    /** The ERP's names → the contract's. */
    incoming: (value: unknown) => rename(value, inverse),
    /** One query parameter's name as the ERP calls it. */
    name: (key: string) => fields[key] ?? key,
  };
}

/** The ERP's own words from an error answer, for the log and the staff. */
function reasonOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; detail?: unknown; message?: unknown };
    const said = parsed.error ?? parsed.detail ?? parsed.message;
    if (typeof said === 'string') return said.slice(0, 300);
  } catch {
    // not JSON: the start of the text says enough
  }
  return text.slice(0, 200);
}

/** The client of one clinic ERP. */
export function createClinicErpClient(deps: ClinicErpClientDeps) {
  const { config } = deps;
  const base = config.url.replace(/\/+$/, '');
  const mapping = createFieldMapping(config.fields);
  const headers = (idempotencyKey?: string): Record<string, string> => ({
    authorization: `Bearer ${deps.token}`,
    accept: 'application/json',
    ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
  });

  const urlOf = (operation: ErpOperation, id: string | number | undefined, query: Record<string, string | number | undefined> = {}): URL => {
    const path = (config.paths[operation] ?? ERP_PATHS[operation]).replace('{id}', encodeURIComponent(String(id ?? '')));
    const url = new URL(`${base}${path}`);
    const withOrganisation = config.organizationId === undefined ? query : { organization_id: config.organizationId, ...query };
    for (const [key, value] of Object.entries(withOrganisation)) if (value !== undefined) url.searchParams.set(mapping.name(key), String(value));
    return url;
  };

  /** One attempt: an answer in the contract's shape, or a ClinicErpError saying why not. */
  const attempt = async (operation: ErpOperation, call: ErpCall<unknown>): Promise<unknown> => {
    const url = urlOf(operation, call.id, call.method === 'GET' || call.method === undefined ? call.query : undefined);
    const body = call.body === undefined ? undefined : { ...(config.organizationId === undefined ? {} : { organization_id: config.organizationId }), ...call.body };
    let answer;
    try {
      answer = await requestThrough(deps.policy, url, {
        method: call.method ?? 'GET',
        body: body === undefined ? undefined : JSON.stringify(mapping.outgoing(body)),
        headers: headers(call.idempotencyKey),
        timeoutMs: config.timeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
      });
    } catch (error) {
      const refused = error instanceof OutgoingError;
      throw new ClinicErpError('clinic_erp.unavailable', refused ? error.message : `The clinic's system did not answer: ${(error as Error).message}`, { operation, cause: (error as Error).message, ...(refused ? { refused: error.code } : {}) });
    }
    const text = answer.body.toString('utf8');
    if (answer.status === 404) throw new ClinicErpError('clinic_erp.not_found', reasonOf(text) || 'not found', { operation, status: 404 });
    if (answer.status === 409) throw new ClinicErpError('clinic_erp.conflict', reasonOf(text) || 'conflict', { operation, status: 409 });
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429) {
      throw new ClinicErpError('clinic_erp.refused', reasonOf(text) || `HTTP ${answer.status}`, { operation, status: answer.status });
    }
    if (answer.status < 200 || answer.status >= 300) throw new ClinicErpError('clinic_erp.unavailable', `The clinic's system answered HTTP ${answer.status}: ${reasonOf(text)}`, { operation, status: answer.status });
    let json: unknown;
    try {
      json = text.length === 0 ? {} : JSON.parse(text);
    } catch {
      throw new ClinicErpError('clinic_erp.bad_answer', 'The clinic’s system answered something that is not JSON.', { operation, status: answer.status });
    }
    const parsed = call.answer.safeParse(mapping.incoming(json));
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ClinicErpError('clinic_erp.bad_answer', `The clinic’s system answered outside the contract: ${first ? `${first.path.join('.') || 'answer'}: ${first.message}` : 'invalid'}`, { operation, status: answer.status });
    }
    return parsed.data;
  };

  /** Repeats once what is safe to repeat: a read, or a write the ERP recognises by its key. */
  const withRetry = async (operation: ErpOperation, call: ErpCall<unknown>): Promise<unknown> => {
    try {
      return await attempt(operation, call);
    } catch (error) {
      const repeatable = (call.method ?? 'GET') === 'GET' || call.idempotencyKey !== undefined;
      if (!repeatable || !isErpUnavailable(error) || (error as ClinicErpError).details.refused) throw error;
      return attempt(operation, call);
    }
  };

  // Counts only failures of the ERP itself: a "no" (the time is taken, no such patient) is an answer.
  const breaker = createBreaker({
    failures: config.breaker.failures,
    pauseMs: config.breaker.pauseSeconds * 1000,
    now: deps.now,
    isFailure: isErpUnavailable,
    onOpen: (error) => {
      // Technical and short: the staff notice around it is in the staff's language.
      const { status, cause, operation } = (error as ClinicErpError).details as { status?: number; cause?: string; operation?: string };
      const reason = `${operation ?? 'call'}: ${status ? `HTTP ${status}` : (cause ?? (error as Error).message)}`;
      deps.logger.warn({ reason }, "the clinic's ERP keeps failing: calls are paused");
      deps.onPause?.(reason);
    },
    onClose: () => {
      deps.logger.info("the clinic's ERP answers again");
      deps.onResume?.();
    },
  });
  const lastFailure = () => (breaker.lastFailure() as Error | undefined)?.message ?? '';

  return {
    /** Calls one operation of the contract and returns its validated answer. */
    async call<T>(operation: ErpOperation, call: ErpCall<T>): Promise<T> {
      try {
        return (await breaker.run(() => withRetry(operation, call as ErpCall<unknown>))) as T;
      } catch (error) {
        if (error instanceof BreakerOpen) throw new ClinicErpError('clinic_erp.unavailable', `Calls to the clinic's system are paused after repeated failures (${lastFailure() || 'no answer'}).`, { paused: true });
        throw error;
      }
    },

    /** Downloads a file the ERP points to (a relative URL is the ERP's own), with the same token. */
    async download(location: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
      let url: URL;
      try {
        url = new URL(location, `${base}/`);
      } catch {
        throw new ClinicErpError('clinic_erp.bad_answer', 'The clinic’s system gave a download address that is not a URL.');
      }
      try {
        const answer = await requestThrough(deps.policy, url, { headers: headers(), timeoutMs: config.timeoutMs * 3, maxBytes: MAX_DOCUMENT_BYTES });
        if (answer.status === 404 || answer.status === 410) throw new ClinicErpError('clinic_erp.not_found', 'The document is no longer there.', { status: answer.status });
        if (answer.status < 200 || answer.status >= 300) throw new ClinicErpError('clinic_erp.unavailable', `The clinic's system answered HTTP ${answer.status} to a download.`, { status: answer.status });
        const type = answer.headers['content-type'];
        return { bytes: answer.body, contentType: typeof type === 'string' ? type : undefined };
      } catch (error) {
        if (error instanceof ClinicErpError) throw error;
        throw new ClinicErpError('clinic_erp.unavailable', `The document could not be downloaded: ${(error as Error).message}`);
      }
    },

    /** `closed` (calling), `open` (paused after failures) or `half_open` (trying one call). */
    state(): { state: BreakerState; lastFailure: string } {
      return { state: breaker.state(), lastFailure: lastFailure() };
    },
  };
}

/** A client of the clinic's ERP. */
export type ClinicErpClient = ReturnType<typeof createClinicErpClient>;
