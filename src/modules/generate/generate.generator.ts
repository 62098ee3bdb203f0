import type { Locale } from '../../config/business.ts';

/** What a generator is asked to do for one paid job. */
export interface GenerateRequest {
  jobId: number;
  /** The customer's prompt, at most 500 characters. */
  prompt: string;
  /** The customer's language, for generators that write text. */
  locale: Locale;
  /** Aborted when Lavka stops: a generator should stop waiting and throw. */
  signal: AbortSignal;
}

/** A generator's result: a picture (sent as a photo) or a text (shown in the progress message). */
export type GeneratedResult = { kind: 'image'; png: Uint8Array; widthPx: number; heightPx: number } | { kind: 'text'; text: string };

/**
 * What turns a prompt into a result. The generate module debits the cost before `run`, shows
 * the progress the generator reports (0–100) by editing one message, delivers the result, and
 * refunds the cost when `run` throws. Plug a real generator in by implementing this interface
 * (see the module's README).
 */
export interface Generator {
  /** A short name for logs. */
  readonly name: string;
  run(request: GenerateRequest, onProgress: (percent: number) => Promise<void>): Promise<GeneratedResult>;
}

/** Thrown by a generator that refuses or fails a job; the job's cost is refunded. */
export class GenerateJobFailed extends Error {
  readonly code = 'generate.job_failed';
  constructor(message: string) {
    super(message);
    this.name = 'GenerateJobFailed';
  }
}
