// The simulator as a Fastify plugin: the Bot API, the control API and the SSE stream under one
// prefix. It reads request bodies itself (raw Buffers), so it mounts cleanly into an app that
// has its own JSON, form or multipart parsers.

import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { registerBotApiRoutes } from './bot-api.routes.ts';
import { registerControlRoutes } from './control.routes.ts';
import type { TelegramSimulator } from './simulator.ts';

/** Uploads may be up to 50 MB on the Bot API; leave room for the multipart framing. */
const BODY_LIMIT_BYTES = 60 * 1024 * 1024;

/** A Fastify plugin serving `sim`; register it with `{ prefix }`. */
export function simulatorPlugin(sim: TelegramSimulator): FastifyPluginAsync {
  return async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_request, rawBody, done) => {
      done(null, rawBody);
    });
    // Ends long polls and SSE streams before the server waits for open connections.
    const closing = new AbortController();
    scope.addHook('preClose', async () => {
      closing.abort();
    });
    registerBotApiRoutes(scope, sim, closing.signal);
    registerControlRoutes(scope, sim, closing.signal);
  };
}

/**
 * Mounts the simulator. `registerSimulatorRoutes(sim)` returns the plugin (for
 * `app.register(plugin, { prefix })`); `registerSimulatorRoutes(app, sim, { prefix })`
 * registers it directly.
 */
export function registerSimulatorRoutes(sim: TelegramSimulator): FastifyPluginAsync;
export function registerSimulatorRoutes(app: FastifyInstance, sim: TelegramSimulator, options?: { prefix?: string }): Promise<void>;
export function registerSimulatorRoutes(
  appOrSim: FastifyInstance | TelegramSimulator,
  sim?: TelegramSimulator,
  options: { prefix?: string } = {},
): FastifyPluginAsync | Promise<void> {
  if (sim === undefined) return simulatorPlugin(appOrSim as TelegramSimulator);
  const app = appOrSim as FastifyInstance;
  return (async () => {
    await app.register(simulatorPlugin(sim), { prefix: options.prefix ?? '' });
  })();
}
