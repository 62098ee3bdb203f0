// Runs model analysis off the main thread: parsing, measuring and rendering a 20 MB model
// takes a noticeable fraction of a second, which must not stall every other chat's updates.
import { parentPort } from 'node:worker_threads';
import { ModelError } from './errors.ts';
import { analyseModel } from './model.ts';
import { renderThumbnail } from './render.ts';
import type { AnalysisRequest, AnalysisResponse } from './analyser.ts';

parentPort?.on('message', (request: AnalysisRequest) => {
  let response: AnalysisResponse;
  try {
    const analysed = analyseModel(request.bytes, request.fileName, request.limits);
    const thumbnailPng = renderThumbnail(analysed.mesh, request.thumbnail);
    response = { id: request.id, ok: true, format: analysed.format, measurements: analysed.measurements, thumbnailPng };
  } catch (error) {
    response =
      error instanceof ModelError
        ? { id: request.id, ok: false, error: { code: error.code, message: error.message, details: { ...error.details } } }
        : { id: request.id, ok: false, internal: (error as Error).message ?? String(error) };
  }
  parentPort?.postMessage(response);
});
