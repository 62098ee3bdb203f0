import { z } from 'zod';
import { type AnyApiRoute, integrationRoute } from '../../platform/route.ts';
import { externalIdFilter, isoTime } from '../../platform/api-values.ts';
import type { BroadcastsService } from './broadcasts.service.ts';
import { BroadcastError, audienceSchema, buttonSchema } from './broadcasts.shared.ts';
import type { BroadcastRow } from './broadcasts.tables.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const createBody = z.object({
  text: z.string().min(1).max(4096).describe('The message; with a photo, its caption (at most 1024 characters)'),
  parse_mode: z.literal('HTML').optional(),
  photo: z.string().min(1).max(2048).optional().describe('A photo URL or Telegram file id'),
  buttons: z.array(z.array(buttonSchema).min(1).max(4)).max(10).optional(),
  unsubscribe_button: z.boolean().optional(),
  audience: audienceSchema.optional().describe('everyone (default), language, tag, ids or a segment'),
  send_at: z.iso.datetime({ offset: true }).optional().describe('When to send (ISO 8601); absent: now'),
  external_id: z.string().trim().min(1).max(64).optional().describe("The broadcast's id in your system; unique among broadcasts"),
});

const listQuery = z.object({
  external_id: externalIdFilter,
  status: z.enum(['draft', 'scheduled', 'sending', 'paused', 'done', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.coerce.number().int().positive().optional().describe('The id of the last broadcast of the previous page (its next_cursor)'),
});

/** A broadcast with its progress, as the integration API shows it. */
async function apiBroadcast(broadcasts: BroadcastsService, row: BroadcastRow) {
  const progress = await broadcasts.progress(row.id);
  return {
    object: 'broadcast',
    id: row.id,
    external_id: row.external_id,
    status: row.status,
    text: row.text,
    audience: JSON.parse(row.audience) as unknown,
    audience_size: row.audience_size,
    scheduled_at: isoTime(row.scheduled_at),
    started_at: isoTime(row.started_at),
    finished_at: isoTime(row.finished_at),
    progress: { total: progress.total, sent: progress.sent, blocked: progress.blocked, failed: progress.failed + progress.unconfirmed, remaining: progress.remaining, eta_seconds: progress.etaSeconds },
  };
}

/**
 * Broadcasts in the integration API: a back end sends a message to an audience now or at a
 * time — through the same outbox, pace and unsubscribe rules as the panel's — follows its
 * progress, and cancels what is not sent yet. `broadcast.finished` tells it when it is done.
 */
export function createBroadcastsApi(deps: { broadcasts: BroadcastsService }): AnyApiRoute[] {
  const { broadcasts } = deps;
  const broadcastOf = async (id: number) => {
    const row = await broadcasts.get(id);
    if (!row) throw new BroadcastError('broadcasts.not_found', `broadcast ${id} does not exist`);
    return row;
  };
  return [
    integrationRoute({
      method: 'POST',
      url: '/broadcasts',
      tag: 'broadcasts',
      scope: 'broadcasts:write',
      status: 201,
      summary: 'Sends a broadcast now, or schedules it (send_at); the audience is counted when it starts',
      body: createBody,
      handler: async ({ body }) => {
        const draft = await broadcasts.createDraft({
          text: body.text,
          ...(body.parse_mode ? { parseMode: body.parse_mode } : {}),
          ...(body.photo ? { photo: body.photo } : {}),
          ...(body.buttons ? { buttons: body.buttons } : {}),
          unsubscribeButton: body.unsubscribe_button ?? false,
          ...(body.audience ? { audience: body.audience } : {}),
        }, body.external_id === undefined ? {} : { externalId: body.external_id });
        const row = body.send_at ? await broadcasts.schedule(draft.id, Date.parse(body.send_at)) : await broadcasts.start(draft.id);
        return apiBroadcast(broadcasts, row);
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/broadcasts',
      tag: 'broadcasts',
      scope: 'broadcasts:read',
      summary: 'Broadcasts, newest first, a page at a time; found by your own id with external_id=',
      query: listQuery,
      handler: async ({ query }) => {
        const { rows, hasMore } = await broadcasts.page({ externalId: query.external_id, status: query.status }, { limit: query.limit, startingAfter: query.starting_after });
        return { object: 'list' as const, data: await Promise.all(rows.map((row) => apiBroadcast(broadcasts, row))), has_more: hasMore, next_cursor: hasMore ? (rows.at(-1)?.id ?? null) : null };
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/broadcasts/:id',
      tag: 'broadcasts',
      scope: 'broadcasts:read',
      summary: 'A broadcast and how far it is',
      params: idParams,
      handler: async ({ params }) => apiBroadcast(broadcasts, await broadcastOf(params.id)),
    }),
    integrationRoute({
      method: 'POST',
      url: '/broadcasts/:id/cancel',
      tag: 'broadcasts',
      scope: 'broadcasts:write',
      summary: 'Cancels a scheduled broadcast, or the unsent rest of a running one',
      params: idParams,
      handler: async ({ params }) => apiBroadcast(broadcasts, await broadcasts.cancel(params.id)),
    }),
  ];
}
