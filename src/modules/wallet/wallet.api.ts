import { z } from 'zod';
import { noteAudit } from '../../platform/audit.ts';
import { apiKeyActorId } from '../../platform/principal.ts';
import { integrationRoute, type AnyApiRoute } from '../../platform/route.ts';
import type { UsersService } from '../users/users.service.ts';
import { apiLedgerEntry } from './wallet.api.view.ts';
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
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), page: z.coerce.number().int().min(1).max(100_000).default(1) }),
      handler: async ({ params, query }) => {
        await deps.users.require(params.customer_id);
        const { window, entries } = await wallet.history(params.customer_id, query.page, query.limit);
        return { object: 'list', data: entries.map(apiLedgerEntry), has_more: window.page < window.pages, page: window.page };
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
