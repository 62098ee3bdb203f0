import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Serves a Vite-built web app (the sandbox chat, the admin panel) from `pageDir` inside a
 * Fastify scope, and returns how to send its `index.html` for client-side routes. Vite puts a
 * content hash in every asset name, so assets are cached for good; the page itself never is,
 * so a deploy reaches every browser at once.
 */
export async function serveBuiltApp(scope: FastifyInstance, pageDir: string): Promise<(reply: FastifyReply) => FastifyReply> {
  // Loaded when a page is mounted (after a polling bot polls), not with the rest of Lavka.
  const { default: fastifyStatic } = await import('@fastify/static');
  await scope.register(fastifyStatic, {
    root: pageDir,
    prefix: '/',
    index: false,
    wildcard: true,
    cacheControl: false,
    setHeaders(reply, filePath) {
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return (reply) => reply.header('cache-control', 'no-cache').sendFile('index.html', pageDir);
}
