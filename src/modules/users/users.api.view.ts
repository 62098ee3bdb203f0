import { z } from 'zod';
import type { UserRecord } from './users.tables.ts';
import { isoTime } from '../../platform/api-values.ts';

/** A customer as the integration API and its webhooks show it. */
export const customerView = z.object({
  object: z.literal('customer'),
  id: z.number().describe('Their Telegram user id'),
  external_id: z.string().nullable().describe("The customer's id in your system (PATCH sets it)"),
  username: z.string().nullable(),
  first_name: z.string(),
  last_name: z.string().nullable(),
  language: z.string().nullable().describe('The language they chose in the bot, else the one Telegram reports'),
  phone: z.string().nullable(),
  blocked: z.boolean().describe('They blocked the bot: nothing reaches them'),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
});

/** A customer as the integration API and its webhooks show it. */
export function apiCustomer(user: UserRecord): z.infer<typeof customerView> {
  return {
    object: 'customer',
    id: user.id,
    external_id: user.external_id,
    username: user.username,
    first_name: user.first_name,
    last_name: user.last_name,
    language: user.locale ?? user.language_code,
    phone: user.phone,
    blocked: user.is_blocked === 1,
    first_seen_at: isoTime(user.first_seen_at),
    last_seen_at: isoTime(user.last_seen_at),
  };
}
