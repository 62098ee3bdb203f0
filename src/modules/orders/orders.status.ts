/** Who moves an order: its customer, a staff member, or Lavka itself (a payment arrived). */
export type OrderActorRole = 'customer' | 'staff' | 'system';

/** A move an order may make, and who may make it. */
export interface StatusTransition {
  from: string;
  to: string;
  by: readonly OrderActorRole[];
}

/**
 * The life of one kind of order. Custom orders and clinic payments register their own
 * machine with the orders service; the shop's is {@link SHOP_STATUS_MACHINE}.
 */
export interface StatusMachine {
  kind: string;
  initial: string;
  /** Every status, in the order a happy path visits them. */
  statuses: readonly string[];
  transitions: readonly StatusTransition[];
  /** Statuses whose orders bring no revenue (cancelled, refunded). */
  voidStatuses: readonly string[];
  /** Statuses from which nothing moves on. */
  finalStatuses: readonly string[];
}

/** Statuses of a shop order. */
export const SHOP_STATUSES = ['new', 'confirmed', 'paid', 'in_progress', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;
/** One of {@link SHOP_STATUSES}. */
export type ShopStatus = (typeof SHOP_STATUSES)[number];

const STAFF: readonly OrderActorRole[] = ['staff'];
const STAFF_OR_SYSTEM: readonly OrderActorRole[] = ['staff', 'system'];
const ANYONE: readonly OrderActorRole[] = ['customer', 'staff', 'system'];

/**
 * new → confirmed → paid → in progress → shipped → delivered, or cancelled / refunded.
 * Pay-on-delivery orders skip `paid` (confirmed → in progress). The customer may cancel until
 * the order is in progress; after that only staff can stop it. A payment arriving moves an
 * unpaid order to `paid` as the system; a refunded payment moves its order to `refunded`
 * from any status after `paid` (an order in progress too: the goods have not left yet).
 */
export const SHOP_STATUS_MACHINE: StatusMachine = {
  kind: 'shop',
  initial: 'new',
  statuses: SHOP_STATUSES,
  transitions: [
    { from: 'new', to: 'confirmed', by: STAFF_OR_SYSTEM },
    { from: 'new', to: 'paid', by: STAFF_OR_SYSTEM },
    { from: 'new', to: 'cancelled', by: ANYONE },
    { from: 'confirmed', to: 'paid', by: STAFF_OR_SYSTEM },
    { from: 'confirmed', to: 'in_progress', by: STAFF },
    { from: 'confirmed', to: 'cancelled', by: ANYONE },
    { from: 'paid', to: 'in_progress', by: STAFF },
    { from: 'paid', to: 'cancelled', by: ANYONE },
    { from: 'paid', to: 'refunded', by: STAFF_OR_SYSTEM },
    { from: 'in_progress', to: 'shipped', by: STAFF },
    { from: 'in_progress', to: 'cancelled', by: STAFF },
    { from: 'in_progress', to: 'refunded', by: STAFF_OR_SYSTEM },
    { from: 'shipped', to: 'delivered', by: STAFF },
    { from: 'shipped', to: 'refunded', by: STAFF_OR_SYSTEM },
    { from: 'delivered', to: 'refunded', by: STAFF_OR_SYSTEM },
    { from: 'cancelled', to: 'refunded', by: STAFF_OR_SYSTEM },
  ],
  voidStatuses: ['cancelled', 'refunded'],
  finalStatuses: ['refunded'],
};

/** Where an order may go next from `status`, and by whom. */
export function nextStatuses(machine: StatusMachine, status: string, role: OrderActorRole): string[] {
  return machine.transitions.filter((transition) => transition.from === status && transition.by.includes(role)).map((transition) => transition.to);
}

/** Whether `role` may move an order from `from` to `to`. */
export function canTransition(machine: StatusMachine, from: string, to: string, role: OrderActorRole): boolean {
  return machine.transitions.some((transition) => transition.from === from && transition.to === to && transition.by.includes(role));
}

/**
 * Checks a machine is coherent: known statuses only, the initial one among them, final
 * statuses without ways out. Thrown at registration, so a broken machine never starts.
 */
export function validateMachine(machine: StatusMachine): void {
  const known = new Set(machine.statuses);
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(machine.kind)) problems.push(`kind "${machine.kind}" is not a short lower-case name`);
  if (!known.has(machine.initial)) problems.push(`initial status ${machine.initial} is not listed`);
  for (const status of machine.statuses) {
    if (!/^[a-z][a-z_]{0,15}$/.test(status)) problems.push(`status "${status}" must be a short lower-case name (it travels in callback data)`);
  }
  for (const transition of machine.transitions) {
    if (!known.has(transition.from) || !known.has(transition.to)) problems.push(`transition ${transition.from} → ${transition.to} uses an unknown status`);
    if (machine.finalStatuses.includes(transition.from)) problems.push(`final status ${transition.from} has a way out`);
  }
  if (problems.length > 0) throw new Error(`orders.invalid_status_machine (${machine.kind}): ${problems.join('; ')}`);
}
