import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import type pg from 'pg';
import type { StatementNames } from './pg-statements.ts';

/** Options of {@link sharedReadConnection}. */
export interface SharedReadsOptions {
  /** A new client, not connected yet, in pipeline mode (`pipeline: true`). */
  open: () => pg.Client;
  /** The statement names of the database's pool, so that both prepare the same texts. */
  names: StatementNames;
  /**
   * Reads sent and not yet answered beyond which the next read takes a pool connection: a
   * slow read holds up every read behind it on the one connection, so the queue stays short.
   */
  maxInFlight?: number;
  /** How long after a failed attempt to connect before the next one (reads use the pool meanwhile). */
  retryMs?: number;
  /** Told when the open connection fails (the server restarted, the network went). */
  onError?: (error: Error) => void;
  now?: () => number;
}

/** A connection for the reads of units of work, shared by all of them ({@link sharedReadConnection}). */
export interface SharedReads {
  /** The shared connection when it is open and not too busy; otherwise undefined, and the caller takes one of the pool. */
  connection(): DatabaseConnection | undefined;
  /** Closes it; reads still waiting fail as on a closed pool. */
  end(): Promise<void>;
}

interface Open {
  client: pg.Client;
  connection: DatabaseConnection;
}

/**
 * One PostgreSQL connection in pipeline mode that carries the reads an update makes before
 * its first write (the duplicate check with the session, the cart, the orders), for every
 * update at once. Each read on a pool connection costs a checkout, a socket write and a
 * wake-up of its server process; here the reads of updates moved on by one turn of the event
 * loop leave in one socket write, are answered by one server process reading them in one go,
 * and need no checkout. Only plain reads come here: a statement that may wait for a lock
 * would hold up every read queued behind it, so those go to the pool (`sharesReads` in
 * unit-of-work.ts decides). While the connection is down, the pool takes the reads, and
 * it is opened again at the next read, at most once per `retryMs`.
 */
export function sharedReadConnection(options: SharedReadsOptions): SharedReads {
  const maxInFlight = options.maxInFlight ?? 32;
  const retryMs = options.retryMs ?? 1000;
  const now = options.now ?? Date.now;
  let open: Open | undefined;
  let opening: pg.Client | undefined;
  let nextAttempt = 0;
  let inFlight = 0;
  let ended = false;
  const connectionOf = (client: pg.Client): DatabaseConnection => ({
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      inFlight += 1;
      try {
        const result = await options.names.run<R>(client, query.sql, query.parameters, 'turn');
        return { rows: result.rows ?? [] };
      } finally {
        inFlight -= 1;
      }
    },
    // Never asked: streams take a pool connection (pipeline mode cannot carry a cursor).
    streamQuery() {
      throw new Error('the shared read connection does not stream');
    },
  });

  const connect = () => {
    if (ended || opening || now() < nextAttempt) return;
    const client = options.open();
    opening = client;
    let failed = false;
    const lost = (error?: Error) => {
      if (open?.client === client) open = undefined;
      if (opening === client) opening = undefined;
      if (failed) return;
      failed = true;
      nextAttempt = now() + retryMs;
      if (error) options.onError?.(error);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client
      .connect()
      // Its writes are bookkeeping that nothing acknowledged waits for (sharedWrites in
      // unit-of-work.ts): waiting for the WAL flush of each would hold up every read behind it.
      .then(() => client.query('set synchronous_commit to off'))
      .then(
        () => {
          if (opening !== client) return;
          opening = undefined;
          if (ended) void client.end().catch(() => undefined);
          else open = { client, connection: connectionOf(client) };
        },
        () => {
          // A failed attempt is not news: the pool's reads meet the same failure and say so.
          failed = true;
          if (opening === client) opening = undefined;
          nextAttempt = now() + retryMs;
          void client.end().catch(() => undefined);
        },
      );
  };

  return {
    connection() {
      if (!open) {
        connect();
        return undefined;
      }
      return inFlight < maxInFlight ? open.connection : undefined;
    },
    async end() {
      ended = true;
      const client = open?.client;
      open = undefined;
      if (client) await client.end().catch(() => undefined);
    },
  };
}
