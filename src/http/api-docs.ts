// The integration API's reference: its OpenAPI document and a page to browse it, drawn by
// Swagger UI (swagger-ui-dist, served from this server: no CDN, works offline).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

/** Headers of the reference page: its scripts are files of this server, nothing inline. */
const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lavka API reference</title>
<link rel="stylesheet" href="/api/v1/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/v1/docs/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/init.js"></script>
</body>
</html>
`;

// "Try it out" sends requests from the page: the reader pastes their key with "Authorize".
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui', deepLinking: true, presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout', persistAuthorization: false });\n`;

/** A route that stays outside the API key check: the document and its page are public. */
export const PUBLIC_ROUTE = { public: true } as const;

/**
 * `GET /api/v1/openapi.json` and `GET /api/v1/docs`: the document is built once, on first
 * request (every module's routes are known by then), and so are the page's files. `others`
 * are documents of contracts the business's systems implement (the clinic ERP's side),
 * served beside it under their names; they may load their code when first asked for.
 */
export function apiDocsRoutes(
  document: () => Record<string, unknown>,
  others: Readonly<Record<string, () => Record<string, unknown> | Promise<Record<string, unknown>>>> = {},
): FastifyPluginAsync {
  return async (app) => {
    const assets = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    const files = new Map<string, Promise<Buffer>>();
    const asset = (name: string) => {
      let file = files.get(name);
      if (!file) {
        file = readFile(path.join(assets, name));
        files.set(name, file);
      }
      return file;
    };
    app.get('/openapi.json', { config: PUBLIC_ROUTE }, async (_request, reply) => reply.header('cache-control', 'no-cache').send(document()));
    for (const [name, build] of Object.entries(others)) {
      app.get(`/${name}`, { config: PUBLIC_ROUTE }, async (_request, reply) => reply.header('cache-control', 'no-cache').send(await build()));
    }
    app.get('/docs', { config: PUBLIC_ROUTE }, async (_request, reply) => reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(PAGE));
    app.get('/docs/init.js', { config: PUBLIC_ROUTE }, async (_request, reply) => reply.headers(PAGE_HEADERS).type('text/javascript; charset=utf-8').send(INIT));
    app.get('/docs/swagger-ui-bundle.js', { config: PUBLIC_ROUTE }, async (_request, reply) =>
      reply.headers(PAGE_HEADERS).header('cache-control', 'public, max-age=86400').type('text/javascript; charset=utf-8').send(await asset('swagger-ui-bundle.js')),
    );
    app.get('/docs/swagger-ui.css', { config: PUBLIC_ROUTE }, async (_request, reply) =>
      reply.headers(PAGE_HEADERS).header('cache-control', 'public, max-age=86400').type('text/css; charset=utf-8').send(await asset('swagger-ui.css')),
    );
  };
}
