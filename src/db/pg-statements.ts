import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** Options of {@link statementNames}. */
export interface StatementNamesOptions {
  /** Most distinct statements named; later ones run unnamed (a statement built with a varying list is not worth a name each). */
  maxNames?: number;
}

/** PostgreSQL's "cached plan must not change result type": a named statement outlived a schema change. */
const PLAN_CHANGED = '0A000';

/**
 * Names for the parameterised statements Lavka sends, shared by every connection of one
 * database, so that PostgreSQL parses and plans each once per connection and afterwards only
 * binds and executes it (the hot path repeats a few dozen statements). Names map to texts for
 * the life of the process; a statement that outlived a schema change on its connection (a
 * migration) is sent again unnamed, and its text gets a fresh name for later. Inside a
 * transaction PostgreSQL has already aborted it by then and the retry fails as the statement
 * did; schema changes happen when Lavka migrates at start, before the statements of the bot's
 * work are prepared.
 */
export interface StatementNames {
  /** Runs `text` on `client`, named when it has parameters. */
  run<R>(client: pg.ClientBase, text: string, parameters: ReadonlyArray<unknown>, hold?: WriteHold): Promise<PostgresQueryResult<R>>;
}

/**
 * How long a client's socket writes are held, so that statements made meanwhile leave in
 * one write: `tick` — until the code running now and its promise callbacks are done (a
 * transaction's BEGIN with its first statement); `turn` — until the event loop has run every
 * callback that was ready at once (the reads of all the updates that one turn of the loop
 * moves on, on the shared read connection). A turn under load is a few hundred microseconds.
 */
export type WriteHold = 'tick' | 'turn';

/** Clients whose socket is held corked now. */
const corked = new WeakSet<pg.ClientBase>();

/**
 * Holds a client's socket writes for a {@link WriteHold}, so that the statements made on it
 * meanwhile leave in one write. pg writes each statement as it is made (corking only the
 * messages of one statement): on a connection in pipeline mode, a transaction's BEGIN and its
 * first statement, or the reads of updates handled at the same moment, would each cost a write
 * of their own, and on loopback the writer pays for the delivery too (a write, and the wake-up
 * of the server process it reaches, cost about as much CPU as pg's handling of the statement).
 */
function holdWrites(client: pg.ClientBase, hold: WriteHold): void {
  if (corked.has(client)) return;
  const socket = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
  if (!socket?.cork || !socket.uncork) return;
  socket.cork();
  corked.add(client);
  const release = () => {
    corked.delete(client);
    socket.uncork!();
  };
  if (hold === 'tick') process.nextTick(release);
  else setImmediate(release);
}

export function statementNames(options: StatementNamesOptions = {}): StatementNames {
  const maxNames = options.maxNames ?? 500;
  const names = new Map<string, string>();
  let counter = 0;
  const nameOf = (text: string): string | undefined => {
    const known = names.get(text);
    if (known !== undefined || names.size >= maxNames) return known;
    counter += 1;
    const name = `lavka_${counter}`;
    names.set(text, name);
    return name;
  };
  return {
    async run<R>(client: pg.ClientBase, text: string, parameters: ReadonlyArray<unknown>, hold: WriteHold = 'tick'): Promise<PostgresQueryResult<R>> {
      holdWrites(client, hold);
      const values = [...parameters];
      const name = values.length > 0 ? nameOf(text) : undefined;
      if (name === undefined) return submit<R>(client, text, values);
      try {
        return await submit<R>(client, text, values, name);
      } catch (error) {
        if ((error as { code?: unknown }).code !== PLAN_CHANGED) throw error;
        if (names.get(text) === name) names.delete(text);
        return submit<R>(client, text, values);
      }
    },
  };
}

/**
 * Sends one statement as pg's own query object with a callback. `client.query(text, values)`
 * or `client.query({ name, text, values })` copies the config through property descriptors
 * and chains a second promise to rewrite the stack of a failure: on the hot path (a few
 * statements per update) that was 2–3 % of Lavka's CPU on PostgreSQL.
 */
function submit<R>(client: pg.ClientBase, text: string, values: unknown[], name?: string): Promise<PostgresQueryResult<R>> {
  const Query = (client.constructor as unknown as { Query: typeof pg.Query }).Query;
  return new Promise((resolve, reject) => {
    const query = new Query(text, values, (error: Error | undefined, result: pg.QueryResult) => (error ? reject(error) : resolve(result as unknown as PostgresQueryResult<R>)));
    if (name !== undefined) (query as unknown as { name: string }).name = name;
    client.query(query);
  });
}

/** Options of {@link namedStatements}. */
export interface NamedStatementsOptions extends StatementNamesOptions {
  /** The names to use (shared with other connections of the same database); a new set by default. */
  names?: StatementNames;
}

/** A pool whose clients name each parameterised statement Lavka sends ({@link StatementNames}). */
export function namedStatements(pool: pg.Pool, options: NamedStatementsOptions = {}): PostgresPool {
  const names = options.names ?? statementNames(options);
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const query = ((textOrCursor: string | PostgresCursor<unknown>, parameters?: ReadonlyArray<unknown>) =>
      typeof textOrCursor === 'string' ? names.run(client, textOrCursor, parameters ?? []) : client.query(textOrCursor as never)) as PostgresPoolClient['query'];
    return { query, release: () => client.release() };
  };

  // One face per connection: Kysely keeps its own connection object per client it is given,
  // and a new face at every checkout (one per statement outside a transaction) made it build
  // a new one each time.
  const faces = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    connect: async () => {
      const client = await pool.connect();
      let face = faces.get(client);
      if (!face) {
        face = wrap(client);
        faces.set(client, face);
      }
      return face;
    },
    end: () => pool.end(),
  };
}
