import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { endOfLocalDate, parseLocalDate } from './wallet.dates.ts';
import { isUsersError } from '../users/users.errors.ts';
import { isWalletError } from './wallet.errors.ts';
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

/** The wallet's staff API under `/api/wallet` (behind the admin gate): the ledger export, balances, history, adjustments. */
export function createWalletRoutes(deps: { wallet: WalletService; timeZone(): string; actorOf(request: FastifyRequest): { type: 'admin'; id: string | number } }): FastifyPluginAsync {
  const { wallet } = deps;
  return async (app) => {
    app.get('/transactions.csv', async (request, reply) => {
      const query = ledgerQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'wallet.invalid_query', issues: query.error.issues });
      const fromMs = query.data.from ? parseLocalDate(query.data.from, deps.timeZone()) : undefined;
      const toMs = query.data.to ? endOfLocalDate(query.data.to, deps.timeZone()) : undefined;
      if ((query.data.from && fromMs === undefined) || (query.data.to && toMs === undefined)) return reply.code(400).send({ error: 'wallet.invalid_date' });
      const { csv } = await wallet.exportCsv({ fromMs, toMs, userId: query.data.userId, kinds: query.data.kind });
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="transactions.csv"').send(csv);
    });

    app.get('/ledger', async (request, reply) => {
      const query = ledgerQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'wallet.invalid_query', message: query.error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`).join('; ') });
      const fromMs = query.data.from ? parseLocalDate(query.data.from, deps.timeZone()) : undefined;
      const toMs = query.data.to ? endOfLocalDate(query.data.to, deps.timeZone()) : undefined;
      if ((query.data.from && fromMs === undefined) || (query.data.to && toMs === undefined)) return reply.code(400).send({ error: 'wallet.invalid_date', message: 'A date is not a real calendar day.' });
      const { window, entries } = await wallet.ledger({ userId: query.data.userId, fromMs, toMs, kinds: query.data.kind }, query.data.page, query.data.pageSize);
      return { entries, page: window.page, pages: window.pages, total: window.total };
    });

    app.get('/balances/:userId', async (request, reply) => {
      const params = userParams.safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'wallet.invalid_user' });
      return { userId: params.data.userId, balance: await wallet.balance(params.data.userId) };
    });

    app.get('/history/:userId', async (request, reply) => {
      const params = userParams.safeParse(request.params);
      const query = historyQuery.safeParse(request.query);
      if (!params.success || !query.success) return reply.code(400).send({ error: 'wallet.invalid_query' });
      const { window, entries } = await wallet.history(params.data.userId, query.data.page, query.data.pageSize);
      return { page: window.page, pages: window.pages, total: window.total, entries };
    });

    app.post('/adjust', async (request, reply) => {
      const body = adjustBody.safeParse(request.body);
      if (!body.success) return reply.code(400).send({ error: 'wallet.invalid_input', issues: body.error.issues });
      try {
        const { entry } = await wallet.adjust({
          userId: body.data.userId,
          amount: body.data.amount,
          reason: body.data.reason,
          actor: deps.actorOf(request),
        });
        return reply.code(201).send({ entry });
      } catch (error) {
        if (isUsersError(error)) return reply.code(404).send({ error: error.code, message: error.message });
        if (isWalletError(error)) return reply.code(409).send({ error: error.code, message: error.message, details: error.details });
        throw error;
      }
    });
  };
}
