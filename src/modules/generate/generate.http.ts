import { GenerateJobFailed, type GeneratedResult, type Generator } from './generate.generator.ts';

/** Where an outside generator answers (`settings.generate.http`). */
export interface HttpGeneratorSettings {
  url: string;
  timeoutMs: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG's width and height from its IHDR chunk; undefined for anything that is not a PNG. */
function pngSize(bytes: Buffer): { widthPx: number; heightPx: number } | undefined {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { widthPx: bytes.readUInt32BE(16), heightPx: bytes.readUInt32BE(20) };
}

/**
 * A generator behind HTTP: `POST url` with `{ jobId, prompt, locale }` as JSON; the answer is
 * a PNG (`image/png`) or `{ "text": "…" }` (`application/json`). Anything else, a status other
 * than 2xx, or no answer within `timeoutMs` fails the job (and refunds it). The job's id goes
 * as `Idempotency-Key`, so a service that supports it can answer a repeat without new work.
 */
export function createHttpGenerator(settings: HttpGeneratorSettings, fetchImpl: typeof fetch = fetch): Generator {
  return {
    name: 'http',
    async run(request, onProgress): Promise<GeneratedResult> {
      await onProgress(10);
      let response: Response;
      try {
        response = await fetchImpl(settings.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `lavka-generate-${request.jobId}` },
          body: JSON.stringify({ jobId: request.jobId, prompt: request.prompt, locale: request.locale }),
          signal: AbortSignal.any([request.signal, AbortSignal.timeout(settings.timeoutMs)]),
        });
      } catch (error) {
        throw new GenerateJobFailed(`the generator did not answer: ${(error as Error).message}`);
      }
      if (!response.ok) throw new GenerateJobFailed(`the generator answered ${response.status}`);
      const type = response.headers.get('content-type') ?? '';
      if (type.startsWith('image/png')) {
        const png = Buffer.from(await response.arrayBuffer());
        const size = pngSize(png);
        if (!size) throw new GenerateJobFailed('the generator sent something that is not a PNG');
        return { kind: 'image', png, ...size };
      }
      if (type.startsWith('application/json')) {
        const body = (await response.json().catch(() => undefined)) as { text?: unknown } | undefined;
        if (typeof body?.text === 'string' && body.text.trim()) return { kind: 'text', text: body.text.trim().slice(0, 3000) };
      }
      throw new GenerateJobFailed(`the generator answered with ${type || 'no content type'} instead of a PNG or {"text"}`);
    },
  };
}
