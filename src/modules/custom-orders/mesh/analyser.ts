import { Worker } from 'node:worker_threads';
import { ModelError, modelError, type ModelErrorCode } from './errors.ts';
import type { MeshMeasurements } from './measure.ts';
import type { ParseLimits } from './mesh.ts';
import { analyseModel, type ModelFormat } from './model.ts';
import { renderThumbnail, type RenderOptions } from './render.ts';

/** A model measured, with its preview. */
export interface ModelAnalysis {
  format: ModelFormat;
  measurements: MeshMeasurements;
  thumbnailPng: Uint8Array;
}

/** A job sent to the analysis worker. */
export interface AnalysisRequest {
  id: number;
  bytes: Uint8Array;
  fileName: string;
  limits: ParseLimits;
  thumbnail: RenderOptions;
}

/** The worker's answer. */
export type AnalysisResponse =
  | ({ id: number; ok: true } & ModelAnalysis)
  | { id: number; ok: false; error: { code: ModelErrorCode; message: string; details: Record<string, string | number> } }
  | { id: number; ok: false; internal: string };

/** Parses, measures and renders model files, one at a time. */
export interface ModelAnalyser {
  /** Resolves with the analysis, or rejects with a {@link ModelError} saying what is wrong. */
  analyse(bytes: Uint8Array, fileName: string, thumbnail?: RenderOptions): Promise<ModelAnalysis>;
  close(): Promise<void>;
}

/** Options of {@link createModelAnalyser}. */
export interface ModelAnalyserOptions {
  /** A model that takes longer is refused as too complex and the worker restarted. */
  timeoutMs?: number;
  limits?: ParseLimits;
  /** Analyse on the calling thread (tools and tests that want no worker). */
  inProcess?: boolean;
  /** The worker stops after this long without work and starts again on the next model. */
  idleMs?: number;
}

/**
 * Analyses models in a worker thread, queued one at a time so that two 20 MB uploads never
 * hold two copies of their meshes at once. A job over the time limit is refused with
 * `model.too_complex`, and the worker is replaced. The worker is unref'd: it never keeps the
 * process alive on its own.
 */
export function createModelAnalyser(options: ModelAnalyserOptions = {}): ModelAnalyser {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const limits = options.limits ?? {};
  const idleMs = options.idleMs ?? 60_000;
  let worker: Worker | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let pending = 0;
  let sequence = 0;
  let queue: Promise<unknown> = Promise.resolve();

  // Modules have no shutdown hook, and a restarted Lavka builds a new analyser: an idle worker
  // ends itself rather than holding its memory until the process exits.
  const scheduleIdleStop = () => {
    clearTimeout(idleTimer);
    if (pending > 0 || !worker) return;
    const idle = worker;
    idleTimer = setTimeout(() => {
      if (worker === idle && pending === 0) {
        worker = undefined;
        void idle.terminate();
      }
    }, idleMs);
    idleTimer.unref();
  };

  const inProcess = (bytes: Uint8Array, fileName: string, thumbnail: RenderOptions): ModelAnalysis => {
    const analysed = analyseModel(bytes, fileName, limits);
    return { format: analysed.format, measurements: analysed.measurements, thumbnailPng: renderThumbnail(analysed.mesh, thumbnail) };
  };

  const run = (bytes: Uint8Array, fileName: string, thumbnail: RenderOptions) =>
    new Promise<ModelAnalysis>((resolve, reject) => {
      if (!worker) {
        worker = new Worker(new URL('./analyse.worker.ts', import.meta.url));
        worker.unref();
      }
      const current = worker;
      const id = (sequence += 1);
      const finish = () => {
        clearTimeout(timer);
        current.off('message', onMessage);
        current.off('error', onError);
        current.off('exit', onExit);
      };
      const discard = () => {
        if (worker === current) worker = undefined;
        void current.terminate();
      };
      const onMessage = (response: AnalysisResponse) => {
        if (response.id !== id) return;
        finish();
        if (response.ok) resolve({ format: response.format, measurements: response.measurements, thumbnailPng: response.thumbnailPng });
        else if ('error' in response) reject(new ModelError(response.error.code, response.error.message, response.error.details));
        else reject(new Error(`model analysis failed: ${response.internal}`));
      };
      const onError = (error: Error) => {
        finish();
        discard();
        reject(new Error(`the model analysis worker failed: ${error.message}`, { cause: error }));
      };
      const onExit = (code: number) => {
        finish();
        if (worker === current) worker = undefined;
        reject(new Error(`the model analysis worker stopped (exit code ${code})`));
      };
      const timer = setTimeout(() => {
        finish();
        discard();
        reject(modelError('model.too_complex', `the model took longer than ${Math.round(timeoutMs / 1000)} s to analyse`, { seconds: Math.round(timeoutMs / 1000) }));
      }, timeoutMs);
      current.on('message', onMessage);
      current.on('error', onError);
      current.on('exit', onExit);
      current.postMessage({ id, bytes, fileName, limits, thumbnail } satisfies AnalysisRequest);
    });

  return {
    analyse(bytes, fileName, thumbnail = {}) {
      if (options.inProcess) return Promise.resolve().then(() => inProcess(bytes, fileName, thumbnail));
      pending += 1;
      clearTimeout(idleTimer);
      const job = queue.then(() => run(bytes, fileName, thumbnail)).finally(() => {
        pending -= 1;
        scheduleIdleStop();
      });
      queue = job.catch(() => undefined);
      return job;
    },
    async close() {
      await queue;
      clearTimeout(idleTimer);
      const current = worker;
      worker = undefined;
      if (current) await current.terminate();
    },
  };
}
