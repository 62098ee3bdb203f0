import { GrammyError, type Api } from 'grammy';
import { modelError } from './mesh/errors.ts';

/** The largest file a bot may download through the Bot API. */
export const TELEGRAM_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

/** Why a download failed when it was not the file's fault (Telegram or the network). */
export class DownloadError extends Error {
  readonly code = 'custom_orders.download_failed';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

/**
 * Downloads a file the user sent: `getFile` for its path, then
 * `{apiRoot}/file/bot{token}/{file_path}`, the same root the bot talks to (Telegram, a local
 * Bot API server, or the simulator). Stops reading past `maxBytes`, so a file that is larger
 * than it claimed never fills memory; refuses it with `model.too_large`.
 */
export async function downloadTelegramFile(
  api: Api,
  fileId: string,
  options: { maxBytes: number; timeoutMs?: number; fetch?: typeof fetch },
): Promise<Uint8Array> {
  const tooLarge = (sizeBytes?: number) =>
    modelError('model.too_large', 'the file is larger than the limit', {
      limitMb: Math.round((options.maxBytes / 1024 / 1024) * 10) / 10,
      ...(sizeBytes === undefined ? {} : { sizeMb: Math.round((sizeBytes / 1024 / 1024) * 10) / 10 }),
    });
  let file;
  try {
    file = await api.getFile(fileId);
  } catch (error) {
    if (error instanceof GrammyError && /too big/i.test(error.description)) throw tooLarge();
    throw new DownloadError(`getFile failed: ${(error as Error).message}`, { cause: error });
  }
  if (file.file_size !== undefined && file.file_size > options.maxBytes) throw tooLarge(file.file_size);
  if (!file.file_path) throw new DownloadError('Telegram returned no file_path');
  const root = (api.options?.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const url = `${root}/file/bot${api.token}/${file.file_path}`;
  const response = await (options.fetch ?? fetch)(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) }).catch((error: unknown) => {
    throw new DownloadError(`download failed: ${(error as Error).message}`, { cause: error });
  });
  if (!response.ok || !response.body) throw new DownloadError(`download failed with HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > options.maxBytes) {
    await response.body.cancel();
    throw tooLarge(declared);
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
    if (received > options.maxBytes) {
      await reader.cancel();
      throw tooLarge(received);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
