import type { DbExecutor } from '../../db/database.ts';
import { type Order } from '../orders/orders.service.ts';
import { createCustomOrdersRepository } from './custom-orders.repository.ts';
import { type Quote } from './quote.ts';
import { printRef, createCustomOrdersCore, type CustomOrder, type CustomOrdersServiceDeps } from './custom-orders.core.ts';
import { createCustomOrdersIntake } from './custom-orders.intake.ts';
import { createCustomOrdersProgress } from './custom-orders.progress.ts';
import { createCustomOrdersQueries } from './custom-orders.queries.ts';

export { CustomOrdersError, DRAFT_TTL_MS, parsePrintRef, printRef, type Actor, type CustomOrder, type CustomOrderTexts, type OrderFile } from './custom-orders.core.ts';

/**
 * Custom print jobs on the orders machinery: accepting model files, quoting, placing a job as
 * an order of kind `print3d` with its own row beside it, status changes through the orders
 * service, staff prices the customer accepts, cancellations of paid jobs that refund the
 * payment, notification choices, lists and statistics.
 */
export function createCustomOrdersService(deps: CustomOrdersServiceDeps) {
  const core = createCustomOrdersCore(deps);
  const { viewIn } = core;
  const service = {
    viewIn,

    /** {@link viewIn} with the automatic quote's breakdown, for the staff alert of a new order. */
    async quotedViewIn(executor: DbExecutor, order: Order): Promise<(CustomOrder & { autoQuote: Quote | undefined }) | undefined> {
      const job = await viewIn(executor, order);
      if (!job) return undefined;
      const auto = (await createCustomOrdersRepository(executor).quotesOf(order.id)).find((quote) => quote.breakdown !== null);
      return { ...job, autoQuote: auto?.breakdown ? (JSON.parse(auto.breakdown) as Quote) : undefined };
    },

    /** The payment reference of the order's current price. */
    payRef: printRef,

    ...createCustomOrdersIntake(core),
    ...createCustomOrdersProgress(core),
    ...createCustomOrdersQueries(core),
  };
  return service;
}

/** The custom-orders service's shape. */
export type CustomOrdersService = ReturnType<typeof createCustomOrdersService>;
