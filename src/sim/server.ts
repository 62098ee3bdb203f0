// The simulator as a standalone HTTP server, for tests that run a bot over real HTTP and for
// benchmarks. grammY reaches it through `client.apiRoot`.

import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { simulatorPlugin } from './sim.routes.ts';
import { createSimulator } from './simulator.ts';
import type { SimulatorOptions, TelegramSimulator } from './simulator.ts';

/** Where and what to serve. */
export interface SimulatorServerOptions {
  /** An existing simulator; otherwise one is created from `simulator` options. */
  sim?: TelegramSimulator;
  simulator?: SimulatorOptions;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Mount point of every route (default ''). */
  prefix?: string;
  /** Whether close() also closes the simulator (default true). */
  closeSim?: boolean;
}

/** A running simulator server. */
export interface SimulatorServer {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** What to give grammY as `client.apiRoot`. */
  apiRoot: string;
  sim: TelegramSimulator;
  app: FastifyInstance;
  /** Stops the server (ending long polls and SSE streams) and, by default, the simulator. */
  close(): Promise<void>;
}

/** Starts the simulator on its own port. */
export async function startSimulatorServer(options: SimulatorServerOptions = {}): Promise<SimulatorServer> {
  const sim = options.sim ?? createSimulator(options.simulator);
  const host = options.host ?? '127.0.0.1';
  const prefix = options.prefix ?? '';
  // Keep-alive sockets from the bot must not hold close() open.
  const app = Fastify({ forceCloseConnections: true });
  await app.register(simulatorPlugin(sim), { prefix });
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const apiRoot = `${url}${prefix}`;
  sim.apiRoot = apiRoot;
  return {
    url,
    apiRoot,
    sim,
    app,
    async close() {
      await app.close();
      if (options.closeSim ?? true) await sim.close();
    },
  };
}
