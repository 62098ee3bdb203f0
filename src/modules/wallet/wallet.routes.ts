import { z } from 'zod';
import { staffActorOf } from '../../platform/principal.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { endOfLocalDate, parseLocalDate } from './wallet.dates.ts';
import { WalletError } from './wallet.errors.ts';
import type { WalletService } from './wallet.service.ts';
import { LEDGER_KINDS } from './wallet.tables.ts';

const exportQuery = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  userId: z.coerce.number().int().positive().optional(),
});
const userParams = z.object({ userId: z.coerce.number().int().positive() });
const ledgerQuery = exportQuery.extend({
  /** One kind or several, comma-separated (`topup,refund`). */
  kind: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(z.enum(LEDGER_KINDS)).max(LEDGER_KINDS.length))
    .optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
const historyQuery = z.object({ page: z.coerce.number().int().min(1).max(9999).default(1), pageSize: z.coerce.number().int().min(1).max(100).default(20) });
const adjustBody = z.object({
  userId: z.number().int().positive(),
  amount: z.number().int().refine((value) => value !== 0, 'must not be zero'),
  reason: z.string().trim().min(3).max(300),
});

/** A day range in the business's time zone; a date that is no calendar day is refused. */
function periodOf(query: { from?: string | undefined; to?: string | undefined }, timeZone: string): { fromMs?: number; toMs?: number } {
  const fromMs = query.from ? parseLocalDate(query.from, timeZone) : undefined;
  const toMs = query.to ? endOfLocalDate(query.to, timeZone) : undefined;
  if ((query.from && fromMs === undefined) || (query.to && toMs === undefined)) throw new WalletError('wallet.invalid_date', 'A date is not a real calendar day.');
  return { fromMs, toMs };
}

/** The wallet's staff API under `/api/wallet`: the ledger export, balances, history, adjustments. */
export function createWalletRoutes(deps: { wallet: WalletService; timeZone(): string }): AnyApiRoute[] {
  const { wallet } = deps;
  return [
    route({
      method: 'GET',
      url: '/transactions.csv',
      summary: 'The ledger as CSV for a period, a customer or kinds of entry',
      produces: 'text/csv',
      query: ledgerQuery,
      handler: async ({ query, reply }) => {
        const { fromMs, toMs } = periodOf(query, deps.timeZone());
        const { csv } = await wallet.exportCsv({ fromMs, toMs, userId: query.userId, kinds: query.kind });
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="transactions.csv"').send(csv);
      },
    }),
    route({
      method: 'GET',
      url: '/ledger',
      summary: 'Ledger entries, newest first',
      query: ledgerQuery,
      handler: async ({ query }) => {
        const { fromMs, toMs } = periodOf(query, deps.timeZone());
        const { window, entries } = await wallet.ledger({ userId: query.userId, fromMs, toMs, kinds: query.kind }, query.page, query.pageSize);
        return { entries, page: window.page, pages: window.pages, total: window.total };
      },
    }),
    route({
      method: 'GET',
      url: '/balances/:userId',
      summary: 'A customer’s balance',
      params: userParams,
      handler: async ({ params }) => ({ userId: params.userId, balance: await wallet.balance(params.userId) }),
    }),
    route({
      method: 'GET',
      url: '/history/:userId',
      summary: 'A customer’s ledger entries, newest first',
      params: userParams,
      query: historyQuery,
      handler: async ({ params, query }) => {
        const { window, entries } = await wallet.history(params.userId, query.page, query.pageSize);
        return { page: window.page, pages: window.pages, total: window.total, entries };
      },
    }),
    route({
      method: 'POST',
      url: '/adjust',
      summary: 'Adds or takes tokens with a reason (written to the ledger and the audit log)',
      body: adjustBody,
      handler: async ({ body, principal, reply }) => {
        const { entry } = await wallet.adjust({ userId: body.userId, amount: body.amount, reason: body.reason, actor: staffActorOf(principal) });
        return reply.code(201).send({ entry });
      },
    }),
  ];
}
