import { z } from 'zod';
import { noteAudit } from '../../platform/audit.ts';
import { apiKeyActorId } from '../../platform/principal.ts';
import { integrationRoute, type AnyApiRoute } from '../../platform/route.ts';
import type { UsersService } from '../users/users.service.ts';
import { apiLedgerEntry, ledgerEntryView } from './wallet.api.view.ts';
import type { WalletService } from './wallet.service.ts';

const customerParams = z.object({ customer_id: z.coerce.number().int().positive().describe("The customer's Telegram user id") });

/**
 * The token wallet in the integration API: a customer's balance and ledger, and adjustments
 * a back office makes (a bonus, a correction) — posted to the ledger with their reason, refused
 * when they would overdraw, and told to the customer in their language as staff adjustments are.
 */
export function createWalletApi(deps: { wallet: WalletService; users: Pick<UsersService, 'require'> }): AnyApiRoute[] {
  const { wallet } = deps;
  return [
    integrationRoute({
      method: 'GET',
      url: '/wallets/:customer_id',
      tag: 'wallet',
      scope: 'wallet:read',
      summary: "A customer's token balance",
      params: customerParams,
      response: z.object({ object: z.literal('wallet'), customer_id: z.number(), balance: z.number() }),
      handler: async ({ params }) => {
        await deps.users.require(params.customer_id);
        return { object: 'wallet' as const, customer_id: params.customer_id, balance: await wallet.balance(params.customer_id) };
      },
    }),
    integrationRoute({
      method: 'GET',
      url: '/wallets/:customer_id/ledger',
      tag: 'wallet',
      scope: 'wallet:read',
      summary: "A customer's ledger, newest first, a page at a time",
      params: customerParams,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(100).default(50),
        starting_after: z.coerce.number().int().positive().optional().describe('The id of the last entry of the previous page (its next_cursor)'),
      }),
      response: z.object({ object: z.literal('list'), data: z.array(ledgerEntryView), has_more: z.boolean(), next_cursor: z.number().nullable() }),
      handler: async ({ params, query }) => {
        await deps.users.require(params.customer_id);
        const { entries, hasMore } = await wallet.historyPage(params.customer_id, { limit: query.limit, startingAfter: query.starting_after });
        return { object: 'list' as const, data: entries.map(apiLedgerEntry), has_more: hasMore, next_cursor: hasMore ? (entries.at(-1)?.id ?? null) : null };
      },
    }),
    integrationRoute({
      method: 'POST',
      url: '/wallets/:customer_id/adjustments',
      tag: 'wallet',
      scope: 'wallet:write',
      status: 201,
      summary: 'Adds or takes tokens with a reason; the customer is told; an overdraft is refused',
      params: customerParams,
      body: z.object({ amount: z.number().int().refine((value) => value !== 0, 'not zero'), reason: z.string().trim().min(1).max(500) }),
      handler: async ({ params, body, principal, request }) => {
        const { entry } = await wallet.adjust({ userId: params.customer_id, amount: body.amount, reason: body.reason, actor: { type: 'admin', id: apiKeyActorId(principal) } });
        noteAudit(request, { subject: { type: 'wallet', id: params.customer_id }, summary: { amount: body.amount } });
        return { ...apiLedgerEntry(entry), balance: entry.balance_after };
      },
    }),
  ];
}
