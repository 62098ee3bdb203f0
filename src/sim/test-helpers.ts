// Shared helpers for the simulator's own tests: call the Bot API in-process and pull updates.

import assert from 'node:assert/strict';
import type { ApiResponse, ApiUpdate } from './api-types.ts';
import type { TelegramSimulator } from './simulator.ts';
import type { UploadedFile } from './validate.ts';

/** Calls a method with the simulator's own token. */
export function call(sim: TelegramSimulator, method: string, params: Record<string, unknown> = {}, files?: Map<string, UploadedFile>): Promise<ApiResponse> {
  return sim.callApi(sim.token, method, params, files);
}

/** Calls a method and returns its result, failing the test on an error response. */
export async function ok<T = unknown>(sim: TelegramSimulator, method: string, params: Record<string, unknown> = {}, files?: Map<string, UploadedFile>): Promise<T> {
  const response = await call(sim, method, params, files);
  if (!response.ok) assert.fail(`${method} failed: ${response.error_code} ${response.description}`);
  return response.result as T;
}

/** Asserts an error response with exactly this code and description. */
export async function rejects(
  sim: TelegramSimulator,
  method: string,
  params: Record<string, unknown>,
  errorCode: number,
  description: string | RegExp,
  files?: Map<string, UploadedFile>,
): Promise<void> {
  const response = await call(sim, method, params, files);
  assert.equal(response.ok, false, `${method} should fail with ${errorCode}`);
  if (response.ok) return;
  assert.equal(response.error_code, errorCode, response.description);
  if (typeof description === 'string') assert.equal(response.description, description);
  else assert.match(response.description, description);
}

/** Fetches and confirms every pending update. */
export async function drainUpdates(sim: TelegramSimulator): Promise<ApiUpdate[]> {
  const updates = await ok<ApiUpdate[]>(sim, 'getUpdates', { timeout: 0 });
  const last = updates.at(-1);
  if (last) await ok(sim, 'getUpdates', { offset: last.update_id + 1, timeout: 0 });
  return updates;
}

/** A 1×1 PNG. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
