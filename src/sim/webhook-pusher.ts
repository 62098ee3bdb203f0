// Pushes queued updates to the bot's webhook one at a time, in order, with the secret header.
// A failed delivery is retried with growing pauses and blocks the updates behind it, which is
// how Telegram keeps a chat's updates in order.

import type { ApiUpdate } from './api-types.ts';
import type { UpdateQueue } from './update-queue.ts';

/** The webhook as set by setWebhook. */
export interface WebhookConfig {
  url: string;
  secretToken: string | undefined;
  maxConnections: number;
  ipAddress: string | undefined;
}

/** Delivery loop control and getWebhookInfo data. */
export interface WebhookPusher {
  set(config: WebhookConfig): void;
  clear(): void;
  config(): WebhookConfig | undefined;
  lastError(): { dateSec: number; message: string } | undefined;
  close(): void;
}

/** Timing knobs (tests shrink them). */
export interface WebhookTiming {
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
}

/** Dependencies of the pusher. */
export interface WebhookPusherDeps {
  queue: UpdateQueue;
  clock: () => number;
  timing: WebhookTiming;
  onDelivered: () => void;
  onFailed: () => void;
  /** Runs a method the webhook answered with in its response body (a "webhook reply"). */
  runReply: (method: string, params: Record<string, unknown>) => Promise<unknown>;
}

/** Creates an idle pusher; it starts working once a webhook is set. */
export function createWebhookPusher(deps: WebhookPusherDeps): WebhookPusher {
  let current: WebhookConfig | undefined;
  let generation = 0;
  // The generation whose loop is currently running; a new setWebhook starts a new generation.
  let activeGeneration = -1;
  let lastError: { dateSec: number; message: string } | undefined;
  let stopController = new AbortController();
  let closed = false;

  const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });

  async function deliver(config: WebhookConfig, update: ApiUpdate, signal: AbortSignal): Promise<string | undefined> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (config.secretToken) headers['x-telegram-bot-api-secret-token'] = config.secretToken;
    let response: Response;
    try {
      response = await fetch(config.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.any([signal, AbortSignal.timeout(deps.timing.timeoutMs)]),
      });
    } catch (error) {
      if (signal.aborted) return undefined;
      const cause = (error as { cause?: { code?: string } }).cause;
      if ((error as Error).name === 'TimeoutError') return 'Read timeout expired';
      return cause?.code === 'ECONNREFUSED' ? 'Connection refused' : `Connection failed: ${(error as Error).message}`;
    }
    const body = await response.text().catch(() => '');
    if (!response.ok) return `Wrong response from the webhook: ${response.status} ${response.statusText}`;
    await runWebhookReply(body);
    return undefined;
  }

  async function runWebhookReply(body: string): Promise<void> {
    if (!body.trim().startsWith('{')) return;
    try {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      if (typeof parsed.method !== 'string') return;
      const { method, ...params } = parsed;
      await deps.runReply(method, params);
    } catch {
      // A malformed webhook reply is ignored by Telegram too.
    }
  }

  async function loop(myGeneration: number): Promise<void> {
    activeGeneration = myGeneration;
    let failures = 0;
    try {
      while (!closed && myGeneration === generation && current) {
        const update = deps.queue.peek();
        if (!update) break;
        const signal = stopController.signal;
        const error = await deliver(current, update, signal);
        if (myGeneration !== generation || signal.aborted) break;
        if (error === undefined) {
          failures = 0;
          deps.queue.confirm(update.update_id);
          deps.onDelivered();
          continue;
        }
        failures += 1;
        lastError = { dateSec: Math.floor(deps.clock() / 1000), message: error };
        deps.onFailed();
        await sleep(Math.min(deps.timing.retryMaxMs, deps.timing.retryBaseMs * 2 ** (failures - 1)), signal);
      }
    } finally {
      if (activeGeneration === myGeneration) activeGeneration = -1;
    }
    // An update may have arrived between the last peek and leaving the loop.
    if (!closed && myGeneration === generation && current && deps.queue.peek()) kick();
  }

  function kick(): void {
    if (activeGeneration === generation || closed || !current) return;
    void loop(generation);
  }

  deps.queue.onPush(kick);

  return {
    set(config) {
      generation += 1;
      stopController.abort();
      stopController = new AbortController();
      current = config;
      lastError = undefined;
      kick();
    },
    clear() {
      generation += 1;
      stopController.abort();
      stopController = new AbortController();
      current = undefined;
      lastError = undefined;
    },
    config() {
      return current;
    },
    lastError() {
      return lastError;
    },
    close() {
      closed = true;
      generation += 1;
      stopController.abort();
    },
  };
}
