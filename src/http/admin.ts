// The admin panel's built pages at /admin/. Its API is the modules' routes (src/http/api.ts);
// the accounts, sessions and rules are the admin module's.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { serveBuiltApp } from './built-app.ts';

/** Where `npm run build:web` puts the admin panel. */
export const ADMIN_PAGE_DIR = path.resolve(import.meta.dirname, '../../web/admin/dist');

/** Headers every panel page carries: no framing, no inline scripts, no referrer. */
const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Serves the built panel at /admin/ with a fallback to index.html for the app's own routes. */
export function adminPageRoutes(pageDir: string): FastifyPluginAsync {
  return async (scope) => {
    const indexFile = path.join(pageDir, 'index.html');
    scope.addHook('onSend', async (_request, reply, payload) => {
      for (const [name, value] of Object.entries(PAGE_HEADERS)) reply.header(name, value);
      return payload;
    });
    if (!existsSync(indexFile)) {
      const missing = async (_request: unknown, reply: FastifyReply) => reply.code(503).type('text/html; charset=utf-8').send(missingBuildPage());
      scope.get('/', missing);
      scope.get('/*', missing);
      return;
    }
    const sendPage = await serveBuiltApp(scope, pageDir);
    scope.get('/', async (request, reply) => {
      // `/admin` without the slash would resolve relative URLs against `/`.
      if (!request.url.split('?', 1)[0]?.endsWith('/')) return reply.redirect('/admin/');
      return sendPage(reply);
    });
    scope.setNotFoundHandler(async (request, reply) => {
      const wantsPage = request.method === 'GET' && !request.url.startsWith('/admin/assets/');
      if (wantsPage) return sendPage(reply);
      return reply.code(404).send({ error: 'not found' });
    });
  };
}

function missingBuildPage(): string {
  return `<!doctype html><meta charset="utf-8"><title>Lavka admin</title>
<body style="font:16px system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5">
<h1>The admin panel is not built yet</h1>
<p>The API is running, but <code>web/admin/dist</code> is missing.</p>
<p>Build it with <code>npm run build:web</code> (npm install does this too), then reload this page.</p>
</body>`;
}
