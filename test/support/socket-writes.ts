import net from 'node:net';

/**
 * Counts the socket writes (system calls) made to the server on `port` while `work` runs: how
 * many round trips' worth of writes a piece of database work costs, whatever the driver batches.
 */
export async function socketWrites(port: number, work: () => Promise<void>): Promise<number> {
  const prototype = net.Socket.prototype as unknown as Record<'_write' | '_writev', (this: net.Socket, ...args: unknown[]) => unknown>;
  const originals = { _write: prototype._write, _writev: prototype._writev };
  let writes = 0;
  for (const name of ['_write', '_writev'] as const) {
    prototype[name] = function (this: net.Socket, ...args: unknown[]) {
      if (this.remotePort === port) writes += 1;
      return originals[name].apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    Object.assign(prototype, originals);
  }
  return writes;
}
