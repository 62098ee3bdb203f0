/**
 * The background rounds run with the clinic's ERP — following its change feed, reading its
 * directory, the repair round — each recorded with its last outcome, so the panel can show
 * when each last ran and what it did, and start one at once.
 */
import type { Db } from '../../db/database.ts';
import { isErpUnavailable } from './clinic-erp.errors.ts';

/** A round's last outcome: what it did (counts), or why it could not. */
export interface RoundOutcome {
  name: string;
  ok: boolean;
  at: number;
  summary: Record<string, number>;
  error: string | null;
}

/** Runs the named rounds and remembers how each went (in `clinic_erp_cursors`, as `round:<name>`). */
export function createClinicErpRounds(deps: { db: Db; now(): number }) {
  const rounds = new Map<string, () => Promise<Record<string, number>>>();
  const keyOf = (name: string) => `round:${name}`;

  const remember = async (outcome: RoundOutcome) => {
    const value = JSON.stringify({ ok: outcome.ok, summary: outcome.summary, error: outcome.error });
    await deps.db
      .insertInto('clinic_erp_cursors')
      .values({ name: keyOf(outcome.name), value, updated_at: outcome.at })
      .onConflict((conflict) => conflict.column('name').doUpdateSet({ value, updated_at: outcome.at }))
      .execute();
  };

  return {
    /** Registers a round (a module's work with the ERP) under a name. */
    register(name: string, run: () => Promise<Record<string, number>>): void {
      rounds.set(name, run);
    },

    names: (): string[] => [...rounds.keys()],

    /**
     * Runs a round now and records its outcome. The ERP being down is an outcome (recorded,
     * not thrown: the breaker and the health check report it); anything else is recorded
     * and thrown.
     */
    async run(name: string): Promise<RoundOutcome | undefined> {
      const round = rounds.get(name);
      if (!round) return undefined;
      try {
        const outcome: RoundOutcome = { name, ok: true, at: deps.now(), summary: await round(), error: null };
        await remember(outcome);
        return outcome;
      } catch (error) {
        const outcome: RoundOutcome = { name, ok: false, at: deps.now(), summary: {}, error: (error as Error).message.slice(0, 500) };
        await remember(outcome);
        if (!isErpUnavailable(error)) throw error;
        return outcome;
      }
    },

    /** The last outcome of every registered round (never run: null). */
    async last(): Promise<{ name: string; outcome: RoundOutcome | null }[]> {
      const rows = await deps.db.selectFrom('clinic_erp_cursors').selectAll().where('name', 'in', [...rounds.keys()].map(keyOf)).execute();
      return [...rounds.keys()].map((name) => {
        const row = rows.find((item) => item.name === keyOf(name));
        if (!row) return { name, outcome: null };
        const stored = JSON.parse(row.value) as Omit<RoundOutcome, 'name' | 'at'>;
        return { name, outcome: { name, at: row.updated_at, ...stored } };
      });
    },
  };
}
