import { sql, type Insertable, type Updateable } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { WebhookDeliveriesTable, WebhookDeliveryRecord, WebhookEndpointRecord, WebhookEndpointsTable } from './integrations.tables.ts';

/** A delivery with what sending it needs: its event's id and body, and its endpoint. */
export interface DueDelivery {
  id: number;
  endpointId: number;
  attempts: number;
  eventId: string;
  body: string;
  url: string;
  secret: string;
  type: string;
  managedBy: string | null;
}

/** The webhooks' queries: endpoints, events with their per-record numbers, deliveries. */
export function createWebhooksRepository(db: DbExecutor) {
  return {
    async insertEndpoint(values: Insertable<WebhookEndpointsTable>): Promise<WebhookEndpointRecord> {
      const { id } = await db.insertInto('webhook_endpoints').values(values).returning('id').executeTakeFirstOrThrow();
      return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', Number(id)).executeTakeFirstOrThrow();
    },

    endpoints(): Promise<WebhookEndpointRecord[]> {
      return db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute();
    },

    endpointManagedBy(name: string): Promise<WebhookEndpointRecord | undefined> {
      return db.selectFrom('webhook_endpoints').selectAll().where('managed_by', '=', name).executeTakeFirst();
    },

    /** Creates the endpoint of a connector unless an instance starting at the same time did. */
    async insertManagedEndpoint(values: Insertable<WebhookEndpointsTable>): Promise<void> {
      await db.insertInto('webhook_endpoints').values(values).onConflict((oc) => oc.column('managed_by').doNothing()).execute();
    },

    endpoint(id: number): Promise<WebhookEndpointRecord | undefined> {
      return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async updateEndpoint(id: number, values: Updateable<WebhookEndpointsTable>): Promise<void> {
      await db.updateTable('webhook_endpoints').set(values).where('id', '=', id).execute();
    },

    async deleteEndpoint(id: number): Promise<boolean> {
      const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** The next number of a record's events; one statement, so concurrent changes never share one. */
    async nextSequence(resourceType: string, resourceId: string): Promise<number> {
      const row = await db
        .insertInto('webhook_sequences')
        .values({ resource_type: resourceType, resource_id: resourceId, value: 1 })
        .onConflict((oc) => oc.columns(['resource_type', 'resource_id']).doUpdateSet((eb) => ({ value: eb('webhook_sequences.value', '+', 1) })))
        .returning('value')
        .executeTakeFirstOrThrow();
      return Number(row.value);
    },

    async insertEvent(values: { event_id: string; type: string; resource_type: string; resource_id: string; sequence: number; body: string; created_at: number }): Promise<number> {
      const { id } = await db.insertInto('webhook_events').values(values).returning('id').executeTakeFirstOrThrow();
      return Number(id);
    },

    async insertDeliveries(rows: readonly Insertable<WebhookDeliveriesTable>[]): Promise<void> {
      if (rows.length > 0) await db.insertInto('webhook_deliveries').values([...rows]).execute();
    },

    /**
     * Deliveries due now, each the oldest still pending of its record for its endpoint (the
     * next of a record waits until the previous is accepted), of enabled endpoints only.
     */
    async due(nowMs: number, limit: number): Promise<DueDelivery[]> {
      const rows = await db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .innerJoin('webhook_events as v', 'v.id', 'd.event_row_id')
        .select(['d.id', 'd.endpoint_id', 'd.attempts', 'v.event_id', 'v.type', 'v.body', 'e.url', 'e.secret', 'e.managed_by'])
        .where('d.status', '=', 'pending')
        .where('d.next_attempt_at', '<=', nowMs)
        .where((eb) => eb.or([eb('d.claimed_until', 'is', null), eb('d.claimed_until', '<', nowMs)]))
        .where('e.state', '=', 'enabled')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('webhook_deliveries as p')
                .select(sql.lit(1).as('one'))
                .whereRef('p.endpoint_id', '=', 'd.endpoint_id')
                .whereRef('p.resource_key', '=', 'd.resource_key')
                .where('p.status', '=', 'pending')
                .whereRef('p.id', '<', 'd.id'),
            ),
          ),
        )
        .orderBy('d.next_attempt_at')
        .orderBy('d.id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: Number(row.id),
        endpointId: Number(row.endpoint_id),
        attempts: row.attempts,
        eventId: row.event_id,
        type: row.type,
        body: row.body,
        url: row.url,
        secret: row.secret,
        managedBy: row.managed_by,
      }));
    },

    /** Takes a delivery for this instance until `untilMs`; false when another instance has it. */
    async claim(id: number, nowMs: number, untilMs: number): Promise<boolean> {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ claimed_until: untilMs })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', nowMs)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async delivered(id: number, nowMs: number, status: number): Promise<void> {
      await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({ status: 'delivered', attempts: eb('attempts', '+', 1), last_attempt_at: nowMs, last_status: status, last_error: null, delivered_at: nowMs, claimed_until: null }))
        .where('id', '=', id)
        .execute();
    },

    async failed(id: number, nowMs: number, failure: { status: number | null; error: string; nextAttemptAt: number }): Promise<void> {
      await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_attempt_at: nowMs, last_status: failure.status, last_error: failure.error.slice(0, 300), next_attempt_at: failure.nextAttemptAt, claimed_until: null }))
        .where('id', '=', id)
        .execute();
    },

    /** Marks an endpoint failing since now, unless it already was; returns since when. */
    async markFailing(endpointId: number, nowMs: number): Promise<number> {
      await db.updateTable('webhook_endpoints').set({ failing_since: nowMs }).where('id', '=', endpointId).where('failing_since', 'is', null).execute();
      const row = await db.selectFrom('webhook_endpoints').select('failing_since').where('id', '=', endpointId).executeTakeFirst();
      return row?.failing_since ?? nowMs;
    },

    async markHealthy(endpointId: number): Promise<void> {
      await db.updateTable('webhook_endpoints').set({ failing_since: null }).where('id', '=', endpointId).where('failing_since', 'is not', null).execute();
    },

    /** Turns a failing endpoint off; false when it was off already (another instance did). */
    async disableFailing(endpointId: number, nowMs: number): Promise<boolean> {
      const result = await db
        .updateTable('webhook_endpoints')
        .set({ state: 'disabled', disabled_reason: 'failing', disabled_at: nowMs, updated_at: nowMs })
        .where('id', '=', endpointId)
        .where('state', '=', 'enabled')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Pending deliveries of an endpoint become due now (it was turned back on). */
    async resume(endpointId: number, nowMs: number): Promise<void> {
      await db.updateTable('webhook_deliveries').set({ next_attempt_at: nowMs, claimed_until: null }).where('endpoint_id', '=', endpointId).where('status', '=', 'pending').execute();
    },

    /** An endpoint's deliveries, newest first, with their event. */
    deliveriesOf(endpointId: number, limit: number, beforeId?: number) {
      let query = db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_events as v', 'v.id', 'd.event_row_id')
        .select(['d.id', 'd.status', 'd.attempts', 'd.next_attempt_at', 'd.last_attempt_at', 'd.last_status', 'd.last_error', 'd.delivered_at', 'd.created_at', 'v.event_id', 'v.type', 'v.resource_type', 'v.resource_id', 'v.sequence'])
        .where('d.endpoint_id', '=', endpointId);
      if (beforeId !== undefined) query = query.where('d.id', '<', beforeId);
      return query.orderBy('d.id', 'desc').limit(limit).execute();
    },

    delivery(id: number): Promise<WebhookDeliveryRecord | undefined> {
      return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    },

    eventRow(id: number) {
      return db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Pending deliveries of disabled endpoints older than `beforeMs` give up. */
    async expireQueued(beforeMs: number): Promise<number> {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'expired', claimed_until: null })
        .where('status', '=', 'pending')
        .where('created_at', '<', beforeMs)
        .where('endpoint_id', 'in', (eb) => eb.selectFrom('webhook_endpoints').select('id').where('state', '=', 'disabled'))
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /** Forgets finished deliveries, and events no delivery waits for, older than `beforeMs`. */
    async pruneHistory(beforeMs: number): Promise<void> {
      await db.deleteFrom('webhook_deliveries').where('status', '!=', 'pending').where('created_at', '<', beforeMs).execute();
      await db
        .deleteFrom('webhook_events')
        .where('created_at', '<', beforeMs)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('webhook_deliveries as d').select(sql.lit(1).as('one')).whereRef('d.event_row_id', '=', 'webhook_events.id'))))
        .execute();
    },
  };
}

/** The webhooks' queries. */
export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;
