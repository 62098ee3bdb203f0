// What a benchmark child needs to talk to the stub Bot API (stub-api.ts) without loading
// the server and the spec validator into its own memory.

import type { UserFromGetMe } from 'grammy/types';

/** The token the stub accepts; Lavka's env schema wants digits, a colon and 10+ characters. */
export const STUB_BOT_TOKEN = '424242:BENCH-STUB-TOKEN';

/** The bot the stub pretends to be (what getMe answers). */
export const STUB_BOT_INFO: UserFromGetMe = {
  id: 424242,
  is_bot: true,
  first_name: 'Lavka Bench',
  username: 'lavka_bench_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** Counters of what the bots asked for. */
export interface StubStats {
  calls: Record<string, number>;
  totalCalls: number;
  /** Calls the spec validator refused (only counted while validation is on). */
  invalidCalls: number;
  /** A few refused calls, for the report. */
  invalidSamples: string[];
  /** Calls answered while validation was on. */
  validatedCalls: number;
}

/** Calls a stub's control route from another process (`stats`, `reset`, `validation/on|off`). */
export async function stubControl<T = unknown>(apiRoot: string, route: 'stats' | 'reset' | 'validation/on' | 'validation/off'): Promise<T> {
  const response = await fetch(`${apiRoot}/control/${route}`, { method: route === 'stats' ? 'GET' : 'POST' });
  if (!response.ok) throw new Error(`stub control ${route} answered ${response.status}`);
  return (await response.json()) as T;
}

