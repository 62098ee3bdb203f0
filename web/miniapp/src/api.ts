// The Mini App's API client: every call carries the launch data (`Authorization: tma …`), which
// the server checks with the bot's token; refusals come as `{ error: { code, message } }`.

import { initData } from './telegram.ts';

/** A refusal from the server, with its dotted code. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;
  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Calls `/api/miniapp<path>` and returns its JSON answer. */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api/miniapp${path}`, {
    method,
    headers: { authorization: `tma ${initData()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    const error = (json.error ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> };
    throw new ApiError(response.status, error.code ?? 'miniapp.error', error.message ?? response.statusText, error.details);
  }
  return json as T;
}

/** What the app learns when it opens. */
export interface Session {
  user: { id: number; firstName: string; lastName: string | null };
  locale: 'ru' | 'en' | 'kk';
  sections: string[];
  business: { name: string; currency: string; locales: string[] };
}
