// The page's only way to reach the server: the sandbox config and the simulator's control API
// (mounted under the config's apiPrefix). Every call throws SandboxApiError with the server's
// own message, so the UI can show it instead of a generic failure.

import type { SandboxPageConfig, SandboxUser } from './sandbox-config.ts';
import type { ApiUser, BotCommand, CallbackAnswer, ChatView } from './types.ts';

/** A failed request, with the reason the server gave. */
export class SandboxApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'SandboxApiError';
    this.status = status;
  }
}

/** What GET /sim/info lists. */
export interface SimInfo {
  bot: ApiUser;
  users: ApiUser[];
}

/** Loads the page's configuration from the server. */
export async function loadConfig(): Promise<SandboxPageConfig> {
  return request<SandboxPageConfig>(`${import.meta.env.BASE_URL}config.json`);
}

/** The simulator's control API as the page uses it. */
export interface SimClient {
  info(): Promise<SimInfo>;
  saveUser(user: SandboxUser): Promise<void>;
  chat(chatId: number): Promise<ChatView>;
  sendText(chatId: number, from: number, text: string): Promise<void>;
  shareContact(chatId: number, from: number): Promise<void>;
  sendFile(chatId: number, from: number, file: File, kind: 'photo' | 'document', caption?: string): Promise<void>;
  pressButton(chatId: number, from: number, messageId: number, callbackData: string): Promise<CallbackAnswer | null>;
  payInvoice(chatId: number, messageId: number, from: number): Promise<void>;
  /** Pays an invoice link (a Mini App's `openInvoice`); resolves with how it ended (`paid`, `declined`, `timeout`). */
  payInvoiceLink(from: number, link: string): Promise<string>;
  /** The launch data the simulated Telegram gives this user's Mini App, signed with the bot's token. */
  webAppInitData(userId: number): Promise<string>;
  commands(chatId: number, languageCode: string): Promise<BotCommand[]>;
  /** The URL of a stored file's bytes (photos, documents). */
  fileUrl(fileId: string): string;
  /** The SSE stream of one chat's changes, or of every chat without `chatId`. */
  eventsUrl(chatId?: number): string;
}

/** Creates the client for a simulator mounted at `apiPrefix`. */
export function createSimClient(apiPrefix: string): SimClient {
  const base = `${apiPrefix}/sim`;
  const post = (path: string, body: unknown) =>
    request<unknown>(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  return {
    info: () => request<SimInfo>(`${base}/info`),
    async saveUser(user) {
      await post('/users', user);
    },
    chat: (chatId) => request<ChatView>(`${base}/chats/${chatId}`),
    async sendText(chatId, from, text) {
      await post(`/chats/${chatId}/messages`, { from, text });
    },
    async shareContact(chatId, from) {
      await post(`/chats/${chatId}/messages`, { from, contact: true });
    },
    async sendFile(chatId, from, file, kind, caption) {
      const form = new FormData();
      form.set('from', String(from));
      form.set('kind', kind);
      if (caption) form.set('caption', caption);
      form.set('file', file, file.name);
      await request<unknown>(`${base}/chats/${chatId}/messages`, { method: 'POST', body: form });
    },
    async pressButton(chatId, from, messageId, callbackData) {
      const result = await post(`/chats/${chatId}/callback`, { from, message_id: messageId, callback_data: callbackData });
      return isCallbackAnswer(result) ? result : null;
    },
    async payInvoice(chatId, messageId, from) {
      await post(`/chats/${chatId}/invoices/${messageId}/pay`, { from });
    },
    async payInvoiceLink(from, link) {
      const result = (await post('/invoice-links/pay', { from, link })) as { status?: string };
      return result.status ?? 'failed';
    },
    async webAppInitData(userId) {
      const result = (await post(`/users/${userId}/web-app`, {})) as { init_data: string };
      return result.init_data;
    },
    async commands(chatId, languageCode) {
      const query = new URLSearchParams({ chat_id: String(chatId), language_code: languageCode });
      const result = await request<unknown>(`${base}/commands?${query}`);
      return commandList(result);
    },
    fileUrl: (fileId) => `${base}/files/${encodeURIComponent(fileId)}`,
    eventsUrl: (chatId) => (chatId === undefined ? `${base}/events` : `${base}/events?chat_id=${chatId}`),
  };
}

async function request<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new SandboxApiError(0, 'Lavka is not reachable. Is it still running?');
  }
  const text = await response.text();
  const body: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) throw new SandboxApiError(response.status, errorMessage(body) ?? `${response.status} ${response.statusText}`);
  // Some routes answer in the Bot API envelope, others with the object itself.
  if (isEnvelope(body)) {
    if (body.ok === false) throw new SandboxApiError(response.status, errorMessage(body) ?? 'request failed');
    return body.result as T;
  }
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isEnvelope(body: unknown): body is { ok: boolean; result?: unknown } {
  return typeof body === 'object' && body !== null && 'ok' in body && typeof body.ok === 'boolean' && ('result' in body || body.ok === false);
}

function errorMessage(body: unknown): string | undefined {
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 300);
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['description', 'message', 'error']) {
    if (typeof record[key] === 'string') return record[key];
  }
  return undefined;
}

function isCallbackAnswer(value: unknown): value is CallbackAnswer {
  return typeof value === 'object' && value !== null && 'callbackQueryId' in value;
}

function commandList(value: unknown): BotCommand[] {
  const list = Array.isArray(value) ? value : typeof value === 'object' && value !== null && 'commands' in value ? value.commands : [];
  return Array.isArray(list) ? list.filter((item): item is BotCommand => typeof item?.command === 'string') : [];
}
