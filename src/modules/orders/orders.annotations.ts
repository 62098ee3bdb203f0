import type { DbExecutor } from '../../db/database.ts';
import { OrdersError, type OrdersCore } from './orders.core.ts';
import { createOrdersRepository } from './orders.repository.ts';
import type { OrderNoteRecord } from './orders.tables.ts';

/** Who writes a note: a staff member in the panel or another system with an API key. */
export interface NoteAuthor {
  type: 'staff' | 'api_key';
  /** `staff:<id>` or `api_key:<id>`. */
  id: string;
  name: string;
}

/**
 * What staff and the business's other systems attach to an order without moving it: notes
 * (never shown to the customer) and the order's id in the business's own system.
 */
export function createOrdersAnnotations(core: OrdersCore) {
  const { deps, repository } = core;
  const existing = async (orderId: number) => {
    const order = await repository.findById(orderId);
    if (!order) throw new OrdersError('orders.not_found', 'There is no such order.');
    return order;
  };
  return {
    /** Adds a staff note to an order. */
    async addNote(orderId: number, author: NoteAuthor, text: string): Promise<OrderNoteRecord> {
      await existing(orderId);
      const clean = text.trim();
      if (!clean) throw new OrdersError('orders.note_empty', 'A note needs some text.');
      return repository.insertNote({ order_id: orderId, author_type: author.type, author_id: author.id.slice(0, 64), author_name: author.name.slice(0, 80), text: clean.slice(0, 2000), at: deps.now() });
    },

    /** An order's notes, oldest first. */
    notesOf: (orderId: number): Promise<OrderNoteRecord[]> => repository.notesOf(orderId),

    /** Sets (or with null, clears) the business's own id of an order; refused when another order has it. */
    async setExternalId(orderId: number, externalId: string | null): Promise<void> {
      await existing(orderId);
      if (!(await repository.setExternalId(orderId, externalId, deps.now()))) {
        throw new OrdersError('orders.external_id_taken', 'Another order already has this external id.', { externalId });
      }
    },

    /**
     * Keeps the id the business's back end gave an order, in `executor`'s transaction: the same
     * id again changes nothing; another id than the one kept, or one another order has, is refused.
     */
    async recordExternalId(executor: DbExecutor, orderId: number, externalId: string): Promise<void> {
      const scoped = createOrdersRepository(executor);
      const order = await scoped.findById(orderId);
      if (!order) throw new OrdersError('orders.not_found', 'There is no such order.', { orderId });
      if (order.external_id === externalId) return;
      if (order.external_id !== null) {
        throw new OrdersError('orders.external_id_conflict', `Order ${order.number} already has external id ${order.external_id}, not ${externalId}.`, { orderId, externalId: order.external_id });
      }
      if (!(await scoped.setExternalId(orderId, externalId, deps.now()))) {
        throw new OrdersError('orders.external_id_taken', `Another order already has external id ${externalId}.`, { externalId });
      }
    },

    /** The order with the business's own id, if any. */
    async idOfExternal(externalId: string): Promise<number | undefined> {
      return (await repository.listBefore({ externalId }, undefined, 1))[0]?.id;
    },
  };
}
