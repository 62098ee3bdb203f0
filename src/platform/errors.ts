import type { FastifyReply } from 'fastify';

/**
 * What kind of refusal an error is, in the business's terms. Modules choose a kind for each
 * of their codes; {@link HTTP_STATUS} is the one place that turns kinds into HTTP answers, so
 * every API (the panel's, the integration API) answers the same refusal the same way.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'too_large'
  | 'unsupported'
  | 'unprocessable'
  | 'too_many'
  | 'upstream'
  | 'unavailable';

/** The HTTP status of each kind of refusal. */
export const HTTP_STATUS: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported: 415,
  unprocessable: 422,
  too_many: 429,
  upstream: 502,
  unavailable: 503,
};

/**
 * A refusal that changed nothing: a dotted code (`orders.status_changed`), a message for the
 * person or program that asked, and details they may act on. Every module's error class
 * extends it; the route helper answers it with {@link sendError}.
 */
export abstract class LavkaError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly details: Record<string, unknown>;
  constructor(code: Code, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  /** The kind of refusal this code is. */
  abstract get kind(): ErrorKind;

  /** The HTTP status it is answered with. */
  get status(): number {
    return HTTP_STATUS[this.kind];
  }
}

/**
 * The base of a module's refusal class: each code with its kind (a code the table does not
 * list is invalid input), and the class's name for logs. A module declares
 * `class TicketsError extends refusalClass('TicketsError', KINDS) {}`.
 */
export function refusalClass<Code extends string>(name: string, kinds: Readonly<Partial<Record<Code, ErrorKind>>>) {
  return class extends LavkaError<Code> {
    override readonly name: string = name;
    get kind(): ErrorKind {
      return kinds[this.code] ?? 'invalid';
    }
  };
}

/** True for a refusal of any module. */
export function isLavkaError(error: unknown): error is LavkaError {
  return error instanceof LavkaError;
}

/**
 * Answers a refusal as JSON: `{ error, message, details }`, with `reason` when a check gave
 * one the panel translates, and Retry-After when the caller should wait.
 */
export function sendError(reply: FastifyReply, error: LavkaError) {
  const retryAfter = error.details.retryAfterSeconds;
  if (error.kind === 'too_many' && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  const reason = typeof error.details.reason === 'string' ? { reason: error.details.reason } : {};
  return reply.code(error.status).send({ error: error.code, message: error.message, details: error.details, ...reason });
}

/** A kind for each code of a module, checked by the compiler to cover them all. */
export function kindOf<Code extends string>(kinds: Readonly<Record<Code, ErrorKind>>, code: Code, fallback: ErrorKind = 'invalid'): ErrorKind {
  return kinds[code] ?? fallback;
}
