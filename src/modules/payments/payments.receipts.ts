// Transfer receipts for the admin panel. The payment keeps only the Telegram file_id of the
// receipt the customer sent; staff deciding a manual top-up want to see it, so it is fetched
// from Telegram (getFile, then the file download) and kept in a small in-memory cache: the
// same card is opened several times while someone decides, and the file never changes.

import type { Api } from 'grammy';
import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** The largest receipt fetched: Telegram lets bots download up to 20 MB. */
export const RECEIPT_MAX_BYTES = 20 * 1024 * 1024;

/** A receipt's bytes and their type, read from the bytes themselves. */
export interface ReceiptFile {
  bytes: Buffer;
  mimeType: 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf' | 'application/octet-stream';
}

/** Why a receipt could not be shown: the bot cannot reach Telegram, or Telegram refused. */
export class ReceiptUnavailableError extends LavkaError<'payments.receipt_unavailable'> {
  override readonly name = 'ReceiptUnavailableError';
  constructor(message: string, options?: ErrorOptions) {
    super('payments.receipt_unavailable', message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }

  /** Telegram, where the receipt is kept, did not give it. */
  get kind(): ErrorKind {
    return 'upstream';
  }
}

/** The type of a receipt by its first bytes; Telegram's file path does not say it reliably. */
export function receiptType(bytes: Uint8Array): ReceiptFile['mimeType'] {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 12));
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (head.length >= 12 && head.toString('ascii', 0, 4) === 'RIFF' && head.toString('ascii', 8, 12) === 'WEBP') return 'image/webp';
  if (head.toString('ascii', 0, 5) === '%PDF-') return 'application/pdf';
  return 'application/octet-stream';
}

/** Dependencies of {@link createReceiptFiles}. */
export interface ReceiptFilesDeps {
  /** The bot's Bot API client, once there is one (in the sandbox it arrives with the first update). */
  api(): Api | undefined;
  /** How many receipts the cache keeps (least recently used go first). */
  cacheEntries?: number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Fetches receipts by file_id through the Bot API, with a small least-recently-used cache. */
export function createReceiptFiles(deps: ReceiptFilesDeps) {
  const cache = new Map<string, ReceiptFile>();
  const limit = deps.cacheEntries ?? 32;

  return {
    /** The receipt's bytes; throws {@link ReceiptUnavailableError} when Telegram cannot give them. */
    async get(fileId: string): Promise<ReceiptFile> {
      const cached = cache.get(fileId);
      if (cached) {
        // Re-inserted so that it counts as recently used.
        cache.delete(fileId);
        cache.set(fileId, cached);
        return cached;
      }
      const api = deps.api();
      if (!api) throw new ReceiptUnavailableError('The bot has not reached Telegram yet; try again in a moment.');
      let path: string | undefined;
      try {
        const file = await api.getFile(fileId);
        if (file.file_size !== undefined && file.file_size > RECEIPT_MAX_BYTES) throw new ReceiptUnavailableError('The receipt is larger than Telegram lets bots download.');
        path = file.file_path;
      } catch (error) {
        if (error instanceof ReceiptUnavailableError) throw error;
        throw new ReceiptUnavailableError(`Telegram did not give the receipt: ${(error as Error).message}`, { cause: error });
      }
      if (!path) throw new ReceiptUnavailableError('Telegram gave no file path for the receipt.');
      const root = (api.options?.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
      const response = await (deps.fetch ?? fetch)(`${root}/file/bot${api.token}/${path}`, { signal: AbortSignal.timeout(deps.timeoutMs ?? 30_000) }).catch((error: unknown) => {
        throw new ReceiptUnavailableError(`The receipt could not be downloaded: ${(error as Error).message}`, { cause: error });
      });
      if (!response.ok) throw new ReceiptUnavailableError(`The receipt download failed with HTTP ${response.status}.`);
      const bytes = Buffer.from(await response.arrayBuffer());
      if (bytes.byteLength > RECEIPT_MAX_BYTES) throw new ReceiptUnavailableError('The receipt is larger than Telegram lets bots download.');
      const receipt: ReceiptFile = { bytes, mimeType: receiptType(bytes) };
      cache.set(fileId, receipt);
      while (cache.size > limit) cache.delete(cache.keys().next().value as string);
      return receipt;
    },
  };
}

/** Receipts as the payments routes use them. */
export type ReceiptFiles = ReturnType<typeof createReceiptFiles>;
