import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ConfigError, parseEnv } from '../config/env.ts';
import { createMetrics } from '../observability/metrics.ts';
import { silentLogger } from '../observability/logger.ts';
import { createHttpServer } from './server.ts';

/** A server as Lavka builds it, with one route that answers the client address it resolved. */
async function serverWith(trustProxy: number | string[]): Promise<FastifyInstance> {
  const app = await createHttpServer({
    logger: silentLogger(),
    metrics: createMetrics({ processMetrics: false }),
    readiness: [],
    trustProxy,
    plugins: [{ prefix: '/probe', plugin: async (probe) => void probe.get('/ip', async (request) => ({ ip: request.ip })) }],
  });
  await app.ready();
  return app;
}

async function ipSeenBy(app: FastifyInstance, remoteAddress: string, forwardedFor?: string): Promise<string> {
  const response = await app.inject({ method: 'GET', url: '/probe/ip', remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
  return (response.json() as { ip: string }).ip;
}

describe('TRUST_PROXY', () => {
  const servers: FastifyInstance[] = [];
  after(async () => {
    for (const server of servers) await server.close();
  });

  test('is read as a number of hops or a list of proxy addresses and ranges, and anything else is refused', () => {
    assert.equal(parseEnv({}).TRUST_PROXY, 0);
    assert.equal(parseEnv({ TRUST_PROXY: '2' }).TRUST_PROXY, 2);
    assert.deepEqual(parseEnv({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,loopback,::1' }).TRUST_PROXY, ['10.0.0.1', '192.168.0.0/16', 'loopback', '::1']);
    for (const wrong of ['true', '10.0.0.0/33', 'proxy.example', '1.2.3']) {
      assert.throws(() => parseEnv({ TRUST_PROXY: wrong }), (error: unknown) => error instanceof ConfigError && /TRUST_PROXY: expected a number of proxy hops/.test(error.message), wrong);
    }
  });

  test('unset, the client address is the socket peer and X-Forwarded-For is ignored', async () => {
    const app = await serverWith(0);
    servers.push(app);
    assert.equal(await ipSeenBy(app, '198.51.100.7', '31.133.220.8'), '198.51.100.7');
  });

  test('with one hop, the address the proxy appended is the client, never the leftmost entry the client wrote', async () => {
    const app = await serverWith(1);
    servers.push(app);
    // The client sent "X-Forwarded-For: 31.133.220.8"; the proxy at 127.0.0.1 appended the real peer.
    assert.equal(await ipSeenBy(app, '127.0.0.1', '31.133.220.8, 198.51.100.7'), '198.51.100.7');
    assert.equal(await ipSeenBy(app, '127.0.0.1', '31.133.220.8'), '31.133.220.8');
    assert.equal(await ipSeenBy(app, '127.0.0.1'), '127.0.0.1', 'without the header the peer is the client');
  });

  test('with proxy addresses, the right-most address outside them is the client, and a direct caller cannot forward anything', async () => {
    const app = await serverWith(['127.0.0.1', '10.0.0.0/8']);
    servers.push(app);
    assert.equal(await ipSeenBy(app, '127.0.0.1', '31.133.220.8, 198.51.100.7, 10.1.2.3'), '198.51.100.7');
    assert.equal(await ipSeenBy(app, '203.0.113.9', '31.133.220.8'), '203.0.113.9');
  });
});
