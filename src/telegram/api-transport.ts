import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';

/**
 * The HTTP client grammY calls the Bot API through (docs/decisions/0022). grammY's default,
 * node-fetch, spends about as much CPU on each call as Node's own HTTP client underneath it
 * (headers objects, body streams, URL parsing): at a few hundred updates a second that was a
 * tenth of Lavka's CPU. This is the part of `fetch` grammY uses — a POST of a JSON text or of
 * a multipart stream, an abort signal, `json()` of the answer — made straight with Node's
 * `http`/`https` on grammY's own keep-alive agents.
 */

/** What grammY passes to `fetch` (core/client.js: its base config, the signal, the payload). */
interface TransportInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Readable;
  signal?: AbortSignal;
  agent?: http.Agent;
}

/** The part of a fetch `Response` grammY reads. */
export interface TransportResponse {
  status: number;
  ok: boolean;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

/** An abort as fetch reports it, so that callers telling an abort from a failure still can. */
function abortError(signal: AbortSignal): Error {
  const error = new Error('The Bot API call was aborted', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}

/** Where a URL's path starts: `http://host:port` is parsed once per API root, not per call. */
const origins = new Map<string, { protocol: 'http:' | 'https:'; hostname: string; port: string }>();

function target(url: string): { protocol: 'http:' | 'https:'; hostname: string; port: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  const origin = slash === -1 ? url : url.slice(0, slash);
  let parsed = origins.get(origin);
  if (!parsed) {
    const { protocol, hostname, port } = new URL(origin);
    if (protocol !== 'http:' && protocol !== 'https:') throw new TypeError(`the Bot API root must be an http(s) URL, not ${protocol}`);
    // An IPv6 host comes bracketed from URL; http.request wants it bare.
    parsed = { protocol, hostname: hostname.replace(/^\[(.*)\]$/, '$1'), port };
    origins.set(origin, parsed);
  }
  return { ...parsed, path: slash === -1 ? '/' : url.slice(slash) };
}

/** Calls the Bot API: a `fetch` for grammY's `client.fetch` option. */
export function apiFetch(url: string, init: TransportInit = {}): Promise<TransportResponse> {
  const { signal, body } = init;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const where = target(url);
  const headers: Record<string, string | number> = { ...init.headers };
  if (typeof body === 'string') headers['content-length'] = Buffer.byteLength(body);
  return new Promise<TransportResponse>((resolve, reject) => {
    const request = (where.protocol === 'https:' ? https : http).request({
      method: init.method ?? 'GET',
      hostname: where.hostname,
      port: where.port,
      path: where.path,
      headers,
      ...(init.agent ? { agent: init.agent } : {}),
    });
    const onAbort = () => request.destroy(abortError(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal?.removeEventListener('abort', onAbort);
    request.on('error', (error) => {
      settle();
      reject(error);
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => {
        settle();
        reject(error);
      });
      response.on('end', () => {
        settle();
        // A connection closed mid-answer ends the stream too: an incomplete answer is a failure.
        if (!response.complete) return reject(new Error('the Bot API connection closed before the answer was complete'));
        const text = () => (chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
        const status = response.statusCode ?? 0;
        resolve({
          status,
          ok: status >= 200 && status < 300,
          json: async () => JSON.parse(text()) as unknown,
          text: async () => text(),
        });
      });
    });
    if (body === undefined || typeof body === 'string') request.end(body);
    else {
      body.on('error', (error) => request.destroy(error));
      body.pipe(request);
    }
  });
}

/**
 * grammY's client option that routes a bot's or an `Api`'s calls through {@link apiFetch}.
 * grammY types the option as the global `fetch`; it only ever calls it as above and reads
 * `json()` of the answer, which is all {@link TransportResponse} has.
 */
export const API_TRANSPORT = { fetch: apiFetch as unknown as typeof fetch };
