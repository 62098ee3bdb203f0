import type { OrderFilter } from './orders.repository.ts';
import { validateMachine, type StatusMachine } from './orders.status.ts';
import { createOrdersCore, type OrderKind, type StatusChangeHook, type FunnelSource, type OrdersServiceDeps } from './orders.core.ts';

import { createOrdersAnnotations } from './orders.annotations.ts';
import { createOrdersLifecycle } from './orders.lifecycle.ts';
import { createOrdersQueries } from './orders.queries.ts';

export {
  MAX_LINE_QUANTITY,
  MAX_ORDER_LINES,
  OrdersError,
  startOfDayMs,
  zonedMidnightMs,
  type KindNotifications,
  type Order,
  type OrderActor,
  type OrderChange,
  type OrderDetail,
  type OrderLineInput,
  type OrderNotifications,
  type OrderPaymentReceipt,
  type OrdersServiceDeps,
  type OutgoingMessage,
  type OutgoingText,
  type PlaceOrderInput,
} from './orders.core.ts';
/**
 * Orders of every kind: placing (with the caller's stock and cart work in the same
 * transaction), status changes along the kind's machine with history and notifications,
 * lookups, listings, exports and statistics.
 */
export function createOrdersService(deps: OrdersServiceDeps) {
  const core = createOrdersCore(deps);
  const { repository, kinds, hooks, funnels, machineOf, allStatuses } = core;
  const service = {
    /** Registers the status machine of another kind of order, with the shop's texts and rules. */
    registerMachine(machine: StatusMachine): void {
      service.registerKind({ machine });
    },

    /** Registers another kind of order (custom print jobs) with its machine, texts and rules. */
    registerKind(kind: OrderKind): void {
      validateMachine(kind.machine);
      kinds.set(kind.machine.kind, kind);
    },

    machineOf,

    /** Every status any kind of order knows (what `/export` may filter by). */
    statuses: (): string[] => allStatuses(),

    /** The module that moves orders of `kind` on its own screens, if not the orders module. */
    managedBy(kind: string): string | undefined {
      return kinds.get(kind)?.managedBy;
    },

    /** How staff move orders of `kind` when another module manages them, if it lets them. */
    staffMoverOf(kind: string): OrderKind['moveAsStaff'] {
      return kinds.get(kind)?.moveAsStaff;
    },

    /** Adds work done inside every status change's transaction. */
    onStatusChange(hook: StatusChangeHook): void {
      hooks.push(hook);
    },

    /** Adds a step counted before ordering in the conversion figures (the cart). */
    registerFunnel(source: FunnelSource): void {
      funnels.push(source);
    },

    /** How many orders match a filter. */
    count: (filter: OrderFilter): Promise<number> => repository.count(filter),

    /** Orders matching a filter, per status. */
    countByStatus: (filter: OrderFilter): Promise<{ status: string; count: number }[]> => repository.countByStatus(filter),

    ...createOrdersLifecycle(core),
    ...createOrdersQueries(core),
    ...createOrdersAnnotations(core),
  };
  return service;
}

/** The orders service's shape. */
export type OrdersService = ReturnType<typeof createOrdersService>;
