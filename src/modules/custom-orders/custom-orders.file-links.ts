/**
 * Model files for the business's order back end: the `files` of a print job's `order.created`
 * event, each with a signed, expiring link to Lavka (or its bytes inline when Lavka has no
 * public URL), and the public route that serves those links without a session.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { DbExecutor } from '../../db/database.ts';
import { sendIntegrationError } from '../../platform/integration.errors.ts';
import type { Order } from '../orders/orders.service.ts';
import { CustomOrdersError } from './custom-orders.core.ts';
import { createCustomOrdersRepository } from './custom-orders.repository.ts';
import { PRINT_KIND } from './custom-orders.status.ts';

/**
 * How long a link works. A back end that is down keeps its deliveries queued for a day before
 * its endpoint is turned off, and the queue is kept 7 days more; a link must outlive both.
 */
export const FILE_LINK_TTL_MS = 14 * 86_400_000;
/** Without a public URL, files are sent inline (base64) up to this much per order; larger ones are named only. */
export const INLINE_FILES_MAX_BYTES = 5 * 1024 * 1024;

/** Media types of the model formats. */
export const MODEL_CONTENT_TYPES: Readonly<Record<string, string>> = { stl: 'model/stl', obj: 'model/obj', '3mf': 'model/3mf' };

/** A model file as an `order.created` event describes it. */
export interface EventFile {
  id: number;
  name: string;
  size: number;
  mime_type: string;
  /** Hex SHA-256 of the bytes, to check a download against. */
  sha256: string;
  /** A signed link that works until `url_expires_at`, without a session; null when Lavka has no PUBLIC_URL. */
  url: string | null;
  url_expires_at: string | null;
  /** The bytes, base64, when there is no link and they fit {@link INLINE_FILES_MAX_BYTES}. */
  content_base64?: string;
}

/** Signs and checks file links, and writes the files of a print job's `order.created` event. */
export function createFileLinks(deps: { key: Buffer; publicUrl: string | undefined; now(): number }) {
  const base = deps.publicUrl?.replace(/\/+$/, '');
  const signatureOf = (fileId: number, expiresSeconds: number) => createHmac('sha256', deps.key).update(`custom-order-file:${fileId}:${expiresSeconds}`).digest('base64url');

  const links = {
    /** The link to file `fileId` valid until `expiresSeconds`; undefined without a public URL. */
    urlOf(fileId: number, expiresSeconds: number): string | undefined {
      return base ? `${base}/public/custom-orders/files/${fileId}?expires=${expiresSeconds}&signature=${signatureOf(fileId, expiresSeconds)}` : undefined;
    },

    /** Refuses a forged or expired link. */
    check(fileId: number, expiresSeconds: number, signature: string): void {
      const expected = Buffer.from(signatureOf(fileId, expiresSeconds));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new CustomOrdersError('custom_orders.link_invalid', 'This file link is not valid.');
      if (expiresSeconds * 1000 < deps.now()) throw new CustomOrdersError('custom_orders.link_expired', 'This file link has expired; the order back end gets a new one only with a new event.');
    },

    /**
     * What a print job adds to its `order.created` event: how to print it and its files, read
     * in the transaction that places it (each file's bytes once, for its checksum).
     */
    async createdEventData(executor: DbExecutor, order: Order): Promise<Record<string, unknown>> {
      if (order.kind !== PRINT_KIND) return {};
      const repository = createCustomOrdersRepository(executor);
      const job = await repository.findJob(order.id);
      const expiresSeconds = Math.floor((deps.now() + FILE_LINK_TTL_MS) / 1000);
      let inlineLeft = INLINE_FILES_MAX_BYTES;
      const files: EventFile[] = [];
      for (const file of await repository.filesOf([order.id])) {
        const content = (await repository.fileData(file.id))?.content ?? new Uint8Array();
        const url = links.urlOf(file.id, expiresSeconds) ?? null;
        const inline = url === null && content.length <= inlineLeft;
        if (inline) inlineLeft -= content.length;
        files.push({
          id: file.id,
          name: file.file_name,
          size: content.length,
          mime_type: MODEL_CONTENT_TYPES[file.format] ?? 'application/octet-stream',
          sha256: createHash('sha256').update(content).digest('hex'),
          url,
          url_expires_at: url === null ? null : new Date(expiresSeconds * 1000).toISOString(),
          ...(inline ? { content_base64: Buffer.from(content).toString('base64') } : {}),
        });
      }
      const printJob = job
        ? { technology: job.technology, material: job.material, colour: job.colour, infill_percent: job.infill_percent, quantity: job.quantity, deadline: job.deadline }
        : null;
      return { print_job: printJob, files };
    },
  };
  return links;
}

/** The file links of a running Lavka. */
export type FileLinks = ReturnType<typeof createFileLinks>;

const linkParams = z.object({ fileId: z.coerce.number().int().positive() });
const linkQuery = z.object({ expires: z.coerce.number().int().positive(), signature: z.string().min(1).max(100) });

/**
 * `GET /public/custom-orders/files/:fileId?expires=…&signature=…`: a placed order's model file
 * for whoever holds its signed link (the order back end), no session; a draft's never.
 */
export function createFileLinkRoutes(deps: { links: FileLinks; file(fileId: number): Promise<{ name: string; format: string; orderId: number | null; content: Uint8Array } | undefined> }): FastifyPluginAsync {
  return async (app) => {
    app.get('/files/:fileId', async (request, reply) => {
      const params = linkParams.safeParse(request.params);
      const query = linkQuery.safeParse(request.query);
      try {
        if (!params.success || !query.success) throw new CustomOrdersError('custom_orders.link_invalid', 'This file link is not valid.');
        deps.links.check(params.data.fileId, query.data.expires, query.data.signature);
        const found = await deps.file(params.data.fileId);
        if (!found || found.orderId === null) throw new CustomOrdersError('custom_orders.file_not_found', 'There is no such file.');
        const fallback = found.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
        return await reply
          .header('content-type', MODEL_CONTENT_TYPES[found.format] ?? 'application/octet-stream')
          .header('content-disposition', `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(found.name)}`)
          .header('cache-control', 'private, no-store')
          .send(Buffer.from(found.content));
      } catch (error) {
        if (error instanceof CustomOrdersError) return sendIntegrationError(reply, error);
        throw error;
      }
    });
  };
}
