import type { FastifyRequest } from 'fastify';
import type { DbExecutor } from '../db/database.ts';

/** Who did something: a Telegram user, a staff member of the admin panel, a program with an API key, or Lavka itself. */
export interface Actor {
  type: 'user' | 'admin' | 'api_key' | 'system';
  id?: string | number;
}

/** One audit entry to write. */
export interface AuditEntry {
  actor: Actor;
  /** Dotted action name, e.g. `order.status_changed`. */
  action: string;
  subject?: { type: string; id: string | number };
  details?: Record<string, unknown>;
}

/** Where audit entries go: the audit module's append-only log. */
export interface AuditLog {
  record(entry: AuditEntry, executor?: DbExecutor): Promise<void>;
}

/** What a handler adds to the audit entry the access check writes for its change. */
export interface AuditNote {
  subject?: { type: string; id: string | number };
  summary?: Record<string, unknown>;
}

const notes = new WeakMap<FastifyRequest, AuditNote>();

/** Lets a handler name the subject and summarise its change in the request's audit entry. */
export function noteAudit(request: FastifyRequest, note: AuditNote): void {
  notes.set(request, { ...notes.get(request), ...note });
}

/** What the handler noted for the request's audit entry. */
export function auditNoteOf(request: FastifyRequest): AuditNote | undefined {
  return notes.get(request);
}

const SECRET_KEYS = /pass(word)?|token|secret|hash|otp|pin$/i;

/** A body or params object made safe and small for the audit log. */
export function auditSummary(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return value.length > 300 ? `${value.slice(0, 300)}…` : value;
  if (typeof value !== 'object') return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (depth >= 3) return '…';
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => auditSummary(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, 40)) {
    out[key] = SECRET_KEYS.test(key) ? '<redacted>' : auditSummary(item, depth + 1);
  }
  return out;
}
