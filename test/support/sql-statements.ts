import net from 'node:net';
import { StatementSync } from 'node:sqlite';

/**
 * Calls `listener` with the text of every SQL statement the chosen drivers run, below Kysely
 * and below Lavka's own wrappers, so that what is counted is what reaches the database:
 * executions of `node:sqlite`'s prepared statements, and for PostgreSQL the statements on the
 * wire (see {@link watchPostgresWire}). Patches prototypes for the rest of the process: call it
 * once, before the database is opened.
 */
export function onEveryStatement(listener: (sql: string) => void, drivers: readonly ('sqlite' | 'postgres')[] = ['sqlite', 'postgres']): void {
  if (drivers.includes('sqlite')) {
    const prototype = StatementSync.prototype as unknown as Record<'all' | 'run' | 'get' | 'iterate', (...args: unknown[]) => unknown>;
    for (const name of ['all', 'run', 'get', 'iterate'] as const) {
      const original = prototype[name];
      prototype[name] = function (this: StatementSync, ...args: unknown[]) {
        listener(this.sourceSQL);
        return original.apply(this, args);
      };
    }
  }
  if (drivers.includes('postgres')) watchPostgresWire(listener);
}

/** The protocol version 3.0 a StartupMessage names: how a PostgreSQL connection begins. */
const PROTOCOL_3 = 196_608;

/**
 * Reads the PostgreSQL protocol messages every client socket writes: a simple query (`Q`) is
 * one statement, and so is each Execute (`E`) of the statement its Bind (`B`) named, whose text
 * came with its Parse (`P`) on the same connection. Whichever copy of `pg` sends them (the
 * one in node_modules or the one in Lavka's start-up bundle), they are counted the same. pg
 * hands the socket whole messages (one or several per write), which is what this reads.
 */
function watchPostgresWire(listener: (sql: string) => void): void {
  const connections = new WeakMap<net.Socket, { prepared: Map<string, string>; bound?: string }>();
  const original = net.Socket.prototype.write as (this: net.Socket, ...args: unknown[]) => boolean;
  net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
    const chunk = args[0];
    if (Buffer.isBuffer(chunk)) {
      const connection = connections.get(this);
      if (connection) readMessages(chunk, connection, listener);
      else if (chunk.length >= 8 && chunk.readInt32BE(0) === chunk.length && chunk.readInt32BE(4) === PROTOCOL_3) connections.set(this, { prepared: new Map() });
    }
    return original.apply(this, args);
  } as typeof net.Socket.prototype.write;
}

function readMessages(buffer: Buffer, connection: { prepared: Map<string, string>; bound?: string }, listener: (sql: string) => void): void {
  // Each message: a type byte, then its length (which counts itself) and its body.
  for (let at = 0; at + 5 <= buffer.length; ) {
    const type = buffer[at];
    const end = at + 1 + buffer.readInt32BE(at + 1);
    const body = at + 5;
    if (type === 0x51 /* Q */) {
      listener(cString(buffer, body).text);
    } else if (type === 0x50 /* P */) {
      const name = cString(buffer, body);
      connection.prepared.set(name.text, cString(buffer, name.next).text);
    } else if (type === 0x42 /* B */) {
      const portal = cString(buffer, body);
      connection.bound = connection.prepared.get(cString(buffer, portal.next).text);
    } else if (type === 0x45 /* E */ && connection.bound !== undefined) {
      listener(connection.bound);
    }
    at = end;
  }
}

function cString(buffer: Buffer, start: number): { text: string; next: number } {
  const zero = buffer.indexOf(0, start);
  return { text: buffer.toString('utf8', start, zero), next: zero + 1 };
}
