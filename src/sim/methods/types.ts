// The contract between the dispatcher and the method handlers.

import type { UploadedFile } from '../validate.ts';

/** One validated call. */
export interface MethodCall {
  params: Record<string, unknown>;
  files: ReadonlyMap<string, UploadedFile>;
  /** Aborted when the HTTP client goes away (long polls stop waiting). */
  signal: AbortSignal | undefined;
}

/** A Bot API method: returns the `result`, or throws an ApiError. */
export type MethodHandler = (call: MethodCall) => unknown;

/** Handlers by canonical method name. */
export type MethodTable = Record<string, MethodHandler>;
