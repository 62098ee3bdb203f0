// The panel's HTTP client: JSON in and out, the session's CSRF token on every change, and
// refusals turned into errors with the server's plain-words message.

import { useCallback, useEffect, useRef, useState } from 'react';

/** A refusal or failure, with the server's dotted code when there is one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Why a settings check refused a change (`bot_not_admin`), for a text in the owner's language. */
  readonly reason?: string;
  constructor(status: number, code: string, message: string, reason?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = reason;
  }
}

let csrfToken = '';
let onSessionEnded: (() => void) | undefined;

/** Remembers the CSRF token of the current session (from login or /auth/me). */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when the server says the session is gone, so the app can show the login page. */
export function onUnauthenticated(listener: () => void): void {
  onSessionEnded = listener;
}

const NETWORK_MESSAGE = 'network';

/** Calls the API; throws {@link ApiError} on anything but 2xx. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // Changes always carry a JSON body (an empty object at least): the server accepts JSON only.
  if (method !== 'GET') headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? (method === 'GET' ? undefined : '{}') : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
  const text = await response.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const payload = (data ?? {}) as { error?: string; message?: string; reason?: string };
    if (response.status === 401 && path.startsWith('/api/')) onSessionEnded?.();
    throw new ApiError(response.status, payload.error ?? `http.${response.status}`, payload.message ?? (typeof payload.error === 'string' ? payload.error : ''), payload.reason);
  }
  return data as T;
}

/** Sends a file (multipart/form-data) with the session's CSRF token; throws {@link ApiError} like {@link api}. */
export async function upload<T>(method: 'POST' | 'PUT', path: string, field: string, file: Blob, filename: string): Promise<T> {
  const form = new FormData();
  form.append(field, file, filename);
  let response: Response;
  try {
    // No content-type header: the browser writes the multipart boundary itself.
    response = await fetch(path, { method, headers: { accept: 'application/json', 'x-csrf-token': csrfToken }, body: form, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
  const data = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!response.ok) {
    if (response.status === 401) onSessionEnded?.();
    throw new ApiError(response.status, data.error ?? `http.${response.status}`, data.message ?? '');
  }
  return data as T;
}

/** Builds a query string from the defined values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The state of one GET: data, error, loading, and a way to load again. */
export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** Loads `path` (null: nothing to load) and reloads when it changes. */
export function useResource<T>(path: string | null): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: path !== null });
  const [nonce, setNonce] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    if (path === null) return;
    const ticket = ++latest.current;
    setState((previous) => ({ data: previous.data, loading: true }));
    api<T>('GET', path).then(
      (data) => ticket === latest.current && setState({ data, loading: false }),
      (error: unknown) => ticket === latest.current && setState({ error: error instanceof ApiError ? error : new ApiError(0, 'unknown', String(error)), loading: false }),
    );
  }, [path, nonce]);
  const reload = useCallback(() => setNonce((value) => value + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
