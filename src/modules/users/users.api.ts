import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import type { Db } from '../../db/database.ts';
import { enqueueOutbox, outboxStateOf } from '../../delivery/outbox.ts';
import { externalIdFilter, externalIdInput } from '../../platform/api-values.ts';
import { noteAudit } from '../../platform/audit.ts';
import { integrationRoute, type AnyApiRoute } from '../../platform/route.ts';
import { apiCustomer, customerView } from './users.api.view.ts';
import { UsersError } from './users.errors.ts';
import type { UsersService } from './users.service.ts';
import type { UserRecord } from './users.tables.ts';

const idParams = z.object({ id: z.coerce.number().int().positive().describe("The customer's Telegram user id") });
const tagSchema = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}_ .-]+$/u, 'letters, digits, space, dot, dash or underscore');
const detailView = customerView.extend({ tags: z.array(z.string()) });
const messageId = z.string().regex(/^msg_[A-Za-z0-9]{20}$/);

const messageView = z.object({
  object: z.literal('message'),
  id: z.string(),
  customer_id: z.number(),
  status: z.enum(['queued', 'sending', 'sent', 'failed']).describe('queued until Telegram has it; failed with a reason when Telegram refused it'),
  failure: z.string().nullable(),
  telegram_message_id: z.number().nullable(),
  created_at: z.string(),
});

/** What a stored outbox row means to the sender of a message. */
function messageStatus(status: string): z.infer<typeof messageView>['status'] {
  if (status === 'sent') return 'sent';
  if (status === 'failed' || status === 'skipped') return 'failed';
  return status === 'sending' ? 'sending' : 'queued';
}

/**
 * Customers and messages in the integration API: a back end reads a customer (their
 * language, phone, whether they blocked the bot, tags), pages through customers, sets their
 * language and tags, and writes to them from the bot — through the outbox, at Telegram's pace,
 * once per message — and later reads whether it was delivered.
 */
export function createUsersApi(deps: { users: UsersService; db: Db; now(): number }): AnyApiRoute[] {
  const { users } = deps;
  const existing = async (id: number): Promise<UserRecord> => users.require(id);
  const detail = async (user: UserRecord) => ({ ...apiCustomer(user), tags: await users.tagsOf(user.id) });
  return [
    integrationRoute({
      method: 'GET',
      url: '/customers',
      tag: 'customers',
      scope: 'customers:read',
      summary: 'Customers (everyone who wrote to the bot), in id order, a page at a time',
      query: z.object({
        q: z.string().trim().max(64).optional().describe('A Telegram id, @username, part of a name or phone'),
        tag: tagSchema.optional(),
        blocked: z.enum(['true', 'false']).optional().transform((value) => (value === undefined ? undefined : value === 'true')),
        external_id: externalIdFilter,
        limit: z.coerce.number().int().min(1).max(100).default(50),
        starting_after: z.coerce.number().int().positive().optional().describe('The id of the last customer of the previous page (its next_cursor)'),
      }),
      response: z.object({ object: z.literal('list'), data: z.array(customerView), has_more: z.boolean(), next_cursor: z.number().nullable() }),
      handler: async ({ query }) => {
        const { users: page, hasMore } = await users.page({ query: query.q, tag: query.tag, blocked: query.blocked, externalId: query.external_id }, { limit: query.limit, afterId: query.starting_after });
        return { object: 'list' as const, data: page.map(apiCustomer), has_more: hasMore, next_cursor: hasMore ? (page.at(-1)?.id ?? null) : null };
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/customers/:id',
      tag: 'customers',
      scope: 'customers:read',
      summary: 'One customer with their tags',
      params: idParams,
      response: detailView,
      handler: async ({ params }) => detail(await existing(params.id)),
    }),
    integrationRoute({
      method: 'PATCH',
      url: '/customers/:id',
      tag: 'customers',
      scope: 'customers:write',
      summary: 'Sets the language the bot writes to the customer in, and their id in your system (external_id)',
      params: idParams,
      body: z
        .object({
          language: z.enum(SUPPORTED_LOCALES).nullable().optional().describe('null: the one Telegram reports'),
          external_id: externalIdInput('customer').optional(),
        })
        .refine((body) => body.language !== undefined || body.external_id !== undefined, 'language or external_id'),
      response: detailView,
      handler: async ({ params, body, request }) => {
        const before = await existing(params.id);
        // The id first: a taken one is refused before anything else is written.
        if (body.external_id !== undefined) await users.setExternalId(params.id, body.external_id);
        if (body.language === null) await users.clearLocale(params.id);
        else if (body.language !== undefined) await users.setLocale(params.id, body.language);
        noteAudit(request, { subject: { type: 'user', id: params.id }, ...(body.external_id === undefined ? {} : { summary: { previous_external_id: before.external_id } }) });
        return detail(await existing(params.id));
      },
    }),
    integrationRoute({
      method: 'POST',
      url: '/customers/:id/tags',
      tag: 'customers',
      scope: 'customers:write',
      summary: 'Adds a tag to a customer (for segments and broadcasts)',
      params: idParams,
      body: z.object({ tag: tagSchema }),
      response: detailView,
      handler: async ({ params, body }) => {
        await existing(params.id);
        await users.addTag(params.id, body.tag);
        return detail(await existing(params.id));
      },
    }),
    integrationRoute({
      method: 'DELETE',
      url: '/customers/:id/tags/:tag',
      tag: 'customers',
      scope: 'customers:write',
      summary: 'Removes a tag from a customer',
      params: z.object({ id: idParams.shape.id, tag: tagSchema }),
      response: detailView,
      handler: async ({ params }) => {
        await existing(params.id);
        await users.removeTag(params.id, params.tag.toLowerCase());
        return detail(await existing(params.id));
      },
    }),
    integrationRoute({
      method: 'POST',
      url: '/messages',
      tag: 'messages',
      scope: 'messages:write',
      status: 202,
      summary: 'Writes to a customer from the bot: queued in the outbox and sent at Telegram’s pace, once',
      body: z.object({ customer_id: z.number().int().positive(), text: z.string().trim().min(1).max(4000) }),
      response: messageView,
      handler: async ({ body, request }) => {
        const user = await existing(body.customer_id);
        if (user.is_blocked === 1) throw new UsersError('users.blocked_bot', 'This customer has blocked the bot; Telegram will not deliver messages to them.');
        const id = `msg_${randomBytes(15).toString('base64url').replace(/[-_]/g, 'x').slice(0, 20)}`;
        const nowMs = deps.now();
        await enqueueOutbox(deps.db, { chatId: user.id, method: 'sendMessage', payload: { text: body.text }, priority: 'high', dedupeKey: `api:${id}` }, nowMs);
        noteAudit(request, { subject: { type: 'user', id: user.id }, summary: { message: id, length: body.text.length } });
        return { object: 'message' as const, id, customer_id: user.id, status: 'queued' as const, failure: null, telegram_message_id: null, created_at: new Date(nowMs).toISOString() };
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/messages/:id',
      tag: 'messages',
      scope: 'messages:read',
      summary: 'Whether a message reached the customer',
      params: z.object({ id: messageId }),
      response: messageView,
      handler: async ({ params }) => {
        const row = await outboxStateOf(deps.db, `api:${params.id}`);
        if (!row) throw new UsersError('users.message_not_found', 'There is no such message.');
        return {
          object: 'message' as const,
          id: params.id,
          customer_id: row.chat_id,
          status: messageStatus(row.status),
          failure: row.error_code,
          telegram_message_id: row.sent_message_id,
          created_at: new Date(row.created_at).toISOString(),
        };
      },
    }),
  ];
}
