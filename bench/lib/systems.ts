// The four systems the throughput benchmark compares, each started inside the current
// (child) process with its replies going to the stub Bot API, and each wired to the call
// recorder the scripted users read their buttons from. Each system's code is imported only
// when that system starts, so that a child's RSS holds its own system and nothing of the
// others (a bare bot must not carry Lavka's modules).

import type { Transformer } from 'grammy';
import type { Telegram } from 'telegraf';
import type { Update } from 'grammy/types';
import type { LavkaApp } from '../../src/app.ts';
import type { CallRecorder } from './recorder.ts';
import { STUB_BOT_INFO, STUB_BOT_TOKEN } from './stub-client.ts';

/** Names of the compared systems. */
export type SystemName = 'lavka-sqlite' | 'lavka-postgres' | 'grammy' | 'telegraf';

/** Every system, in report order. */
export const SYSTEMS: readonly SystemName[] = ['lavka-sqlite', 'lavka-postgres', 'grammy', 'telegraf'];

/** Human names for tables and charts. */
export const SYSTEM_LABELS: Record<SystemName, string> = {
  'lavka-sqlite': 'Lavka (shop, SQLite)',
  'lavka-postgres': 'Lavka (shop, PostgreSQL)',
  grammy: 'bare grammY (memory)',
  telegraf: 'bare Telegraf (memory)',
};

/** A bot under test, ready for updates. */
export interface BotUnderTest {
  name: SystemName;
  handleUpdate(update: Update): Promise<void>;
  /** Errors the bot's own error boundary caught. */
  errors(): Promise<number>;
  /** The running Lavka, for benchmarks that look inside (SQL capture). */
  lavka?: LavkaApp;
  stop(): Promise<void>;
}

/** Where a system sends its replies and keeps its data. */
export interface SystemOptions {
  apiRoot: string;
  /** Lavka only: `sqlite:<file>` or `postgres://…`. */
  databaseUrl?: string;
  /** Lavka only: webhook mode listens here; 0 picks a free port. */
  port?: number;
  /** Lavka only: the webhook secret (webhook benchmark). */
  webhookSecret?: string;
  /** Lavka only: extra environment (e.g. LAVKA_DEMO_DATA). */
  env?: Record<string, string>;
}

/** Records every successful Bot API call a grammY bot makes. */
export function recordingTransformer(recorder: CallRecorder): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (result.ok) recorder.onCall(method, payload as Record<string, unknown>, result.result);
    return result;
  };
}

let telegrafPatched = false;
type TelegramClass = typeof Telegram;

/**
 * Telegraf builds a fresh `Telegram` client for every update, so the recorder is hooked
 * into the class itself (this process runs only the Telegraf baseline).
 */
function recordTelegrafCalls(Telegram: TelegramClass, recorder: CallRecorder): void {
  if (telegrafPatched) return;
  telegrafPatched = true;
  const base = Object.getPrototypeOf(Telegram.prototype) as { callApi(this: InstanceType<TelegramClass>, method: string, payload: unknown, options?: unknown): Promise<unknown> };
  const original = base.callApi;
  Object.defineProperty(Telegram.prototype, 'callApi', {
    configurable: true,
    writable: true,
    value: async function callApi(this: InstanceType<TelegramClass>, method: string, payload: unknown, options?: unknown) {
      const result = await original.call(this, method, payload, options);
      recorder.onCall(method, (payload ?? {}) as Record<string, unknown>, result);
      return result;
    },
  });
}

/** Starts `name` in this process with its calls recorded. */
export async function startSystem(name: SystemName, options: SystemOptions, recorder: CallRecorder): Promise<BotUnderTest> {
  if (name === 'lavka-sqlite' || name === 'lavka-postgres') {
    if (!options.databaseUrl) throw new Error('Lavka needs a database URL');
    const { startLavkaForBench } = await import('./lavka.ts');
    const app = await startLavkaForBench({ ...options, databaseUrl: options.databaseUrl });
    app.bot.api.config.use(recordingTransformer(recorder));
    return {
      name,
      lavka: app,
      handleUpdate: (update) => app.bot.handleUpdate(update),
      errors: async () => (await app.metrics.updateErrorsTotal.get()).values.reduce((sum, item) => sum + item.value, 0),
      stop: () => app.stop(),
    };
  }
  if (name === 'grammy') {
    const { createGrammyShopBot } = await import('../baselines/grammy-bot.ts');
    const { bot, errors } = createGrammyShopBot({ token: STUB_BOT_TOKEN, apiRoot: options.apiRoot, botInfo: STUB_BOT_INFO });
    bot.api.config.use(recordingTransformer(recorder));
    await bot.init();
    return { name, handleUpdate: (update) => bot.handleUpdate(update), errors: async () => errors(), stop: async () => {} };
  }
  const { createTelegrafShopBot } = await import('../baselines/telegraf-bot.ts');
  const { Telegram } = await import('telegraf');
  const { bot, errors } = createTelegrafShopBot({ token: STUB_BOT_TOKEN, apiRoot: options.apiRoot, botInfo: STUB_BOT_INFO });
  recordTelegrafCalls(Telegram, recorder);
  return {
    name,
    // Telegraf's update type is its own copy of the Bot API types; the objects are the same.
    handleUpdate: (update) => bot.handleUpdate(update as Parameters<typeof bot.handleUpdate>[0]),
    errors: async () => errors(),
    stop: async () => {},
  };
}
