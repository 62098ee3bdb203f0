/**
 * A lease on a piece of work with the clinic's ERP that must not run twice at once — on two
 * instances sharing the database, or the job and the panel's "run now" in one process.
 * Following the change feed needs it: two rounds reading from the same cursor would apply
 * the same changes twice and could move the cursor back, replaying an older move of a visit
 * over a newer one (the patient told of both).
 *
 * Kept in `clinic_erp_cursors` as the row `lease:<name>`: `value` is the holder ('' when
 * free) and `updated_at` the moment the lease runs out, so a round whose instance died frees
 * it by itself.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';

/** A lease held by one round. */
export interface ClinicErpLease {
  /** Extends the lease before a long step; false when it ran out and another round took it. */
  renew(): Promise<boolean>;
}

/** Takes and frees the leases of the ERP's rounds. */
export function createClinicErpLeases(deps: { db: Db; now(): number }) {
  const keyOf = (name: string) => `lease:${name}`;
  return {
    /**
     * Runs `work` holding the lease `name` for `leaseMs` (renewed by `work` through the
     * lease it is given); undefined, without running it, when another round holds it.
     */
    async hold<T>(name: string, leaseMs: number, work: (lease: ClinicErpLease) => Promise<T>): Promise<T | undefined> {
      // A holder per round, never per process: the panel's "run now" must not join the job's round.
      const holder = randomUUID();
      const key = keyOf(name);
      await deps.db
        .insertInto('clinic_erp_cursors')
        .values({ name: key, value: '', updated_at: 0 })
        .onConflict((conflict) => conflict.column('name').doNothing())
        .execute();
      const nowMs = deps.now();
      const taken = await deps.db
        .updateTable('clinic_erp_cursors')
        .set({ value: holder, updated_at: nowMs + leaseMs })
        .where('name', '=', key)
        .where((eb) => eb.or([eb('value', '=', ''), eb('updated_at', '<', nowMs)]))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) return undefined;
      const lease: ClinicErpLease = {
        async renew() {
          const renewed = await deps.db.updateTable('clinic_erp_cursors').set({ updated_at: deps.now() + leaseMs }).where('name', '=', key).where('value', '=', holder).executeTakeFirst();
          return Number(renewed.numUpdatedRows) > 0;
        },
      };
      try {
        return await work(lease);
      } finally {
        await deps.db.updateTable('clinic_erp_cursors').set({ value: '', updated_at: 0 }).where('name', '=', key).where('value', '=', holder).execute();
      }
    },
  };
}
