// The Telegram Mini App's built pages at /app/. Its API is the modules' `miniAppRoutes` under
// /api/miniapp (src/http/api.ts), behind the initData check.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { serveBuiltApp } from './built-app.ts';

/** Where `npm run build:web` puts the Mini App. */
export const MINIAPP_PAGE_DIR = path.resolve(import.meta.dirname, '../../web/miniapp/dist');

/**
 * Headers of the app's pages. Telegram's web clients show a Mini App in an iframe of
 * web.telegram.org (the sandbox, in one of its own page): only those may frame it.
 */
const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'self' https://web.telegram.org; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Serves the built Mini App at /app/ (404 while the owner has it turned off). */
export function miniAppPageRoutes(options: { pageDir: string; enabled(): boolean }): FastifyPluginAsync {
  return async (scope) => {
    const indexFile = path.join(options.pageDir, 'index.html');
    scope.addHook('onSend', async (_request, reply, payload) => {
      for (const [name, value] of Object.entries(PAGE_HEADERS)) reply.header(name, value);
      return payload;
    });
    scope.addHook('onRequest', async (_request, reply) => {
      if (!options.enabled()) return reply.code(404).type('text/plain; charset=utf-8').send('The Mini App is turned off.');
    });
    if (!existsSync(indexFile)) {
      const missing = async (_request: unknown, reply: FastifyReply) => reply.code(503).type('text/html; charset=utf-8').send(missingBuildPage());
      scope.get('/', missing);
      scope.get('/*', missing);
      return;
    }
    const sendPage = await serveBuiltApp(scope, options.pageDir);
    scope.get('/', async (request, reply) => {
      if (!request.url.split('?', 1)[0]?.endsWith('/')) return reply.redirect('/app/');
      return sendPage(reply);
    });
    scope.setNotFoundHandler(async (request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith('/app/assets/')) return sendPage(reply);
      return reply.code(404).send({ error: 'not found' });
    });
  };
}

function missingBuildPage(): string {
  return `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Lavka</title>
<body style="font:16px system-ui,sans-serif;margin:2rem 1rem;line-height:1.5">
<h1>The Mini App is not built yet</h1>
<p>Build it with <code>npm run build:web</code> (npm install does this too), then open it again.</p>
</body>`;
}
