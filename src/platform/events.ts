import type { DbExecutor } from '../db/database.ts';

/** What happened, as the business's other systems hear it through webhooks. */
export const EVENT_TYPES = [
  'order.created',
  'order.status_changed',
  'order.paid',
  'payment.succeeded',
  'payment.refunded',
  'booking.created',
  'booking.rescheduled',
  'booking.cancelled',
  'customer.registered',
  'support.message_received',
  'feedback.received',
  'wallet.credited',
  'wallet.debited',
  'broadcast.finished',
] as const;

/** One of {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[number];

/** True for a string that names an event type. */
export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** Something that happened to one record, with what a receiver needs to act on it. */
export interface LavkaEvent {
  type: EventType;
  /**
   * The record it happened to. Events of one record reach each endpoint in order, numbered
   * per record (`sequence`); `order` events and `payment` events are different records.
   */
  resource: { type: string; id: string | number };
  /** The record as the integration API shows it, and what changed. */
  data: Record<string, unknown>;
}

/** Where events are kept until they are delivered (the integrations module's webhooks). */
export interface EventSink {
  record(executor: DbExecutor, event: LavkaEvent): Promise<void>;
}

/** What modules publish events through. */
export interface Events {
  /**
   * Records an event in the caller's transaction (`executor`): it exists — and leaves for the
   * webhooks — only if the change it describes commits, and always if it does.
   */
  publish(executor: DbExecutor, event: LavkaEvent): Promise<void>;
}

/**
 * The events of a running Lavka. Modules get `publish` when they are set up; the app then
 * connects the sink (the webhooks), before any update or request is handled.
 */
export function createEvents(): Events & { deliverTo(sink: EventSink): void } {
  let sink: EventSink | undefined;
  return {
    async publish(executor, event) {
      await sink?.record(executor, event);
    },
    deliverTo(next) {
      sink = next;
    },
  };
}
