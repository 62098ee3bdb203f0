// The admin panel's mount: the gate in front of every module's staff routes (/api/<module>),
// the panel's own API (/api/admin) and its built pages (/admin/). It lives in the HTTP layer
// because it needs what only the app has: every active module, the readiness checks and the
// metrics. The accounts, sessions and rules themselves are the admin module's.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Api } from 'grammy';
import type { Logger } from 'pino';
import type { BusinessConfig } from '../config/business.ts';
import type { Env } from '../config/env.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { createContentService } from '../modules/admin/admin.content.ts';
import { createAdminGate } from '../modules/admin/admin.gate.ts';
import type { GoLiveOutcome } from '../modules/admin/admin.go-live.ts';
import { createAdminApi, type SystemCheck } from '../modules/admin/admin.routes.ts';
import type { ModuleServices, StaffRole } from '../modules/module.ts';
import type { ActiveModule } from '../modules/registry.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Translator } from '../telegram/i18n.ts';
import { serveBuiltApp } from './built-app.ts';

/** Where `npm run build:web` puts the admin panel. */
export const ADMIN_PAGE_DIR = path.resolve(import.meta.dirname, '../../web/admin/dist');

/** Lavka's version, from package.json. */
export const LAVKA_VERSION: string = (JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;

/** Everything the admin mount needs from the app. */
export interface AdminHttpDeps {
  env: Env;
  config: BusinessConfig;
  database: DatabaseHandle;
  logger: Logger;
  i18n: Translator;
  metrics: Metrics;
  modules: readonly ActiveModule[];
  services: Partial<ModuleServices>;
  /** The readiness checks; read at request time, so checks added later are included. */
  readiness: readonly SystemCheck[];
  mode: string;
  now(): number;
  /** The built panel (default web/admin/dist). */
  pageDir?: string;
  /** The bot's Bot API client once the bot exists, for settings checks with Telegram. */
  telegram?(): Api | undefined;
  /** Present in the sandbox when Lavka can restart its runtime: the panel's "Go live". */
  goLive?(token: string): Promise<GoLiveOutcome>;
}

/** A route of the server as the inventory saw it being added. */
export interface RouteEntry {
  method: string;
  url: string;
  /** Roles the gate allows on it; undefined for routes outside the gate. */
  staffRoles?: readonly StaffRole[];
}

const inventories = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route added to `http` after the admin mount, with the roles the gate allows (tests, checks). */
export function registeredRoutes(http: FastifyInstance): readonly RouteEntry[] {
  return inventories.get(http) ?? [];
}

/** The plugins to register and a hook for the listening URL. */
export interface AdminHttp {
  plugins: { prefix: string; plugin: FastifyPluginAsync }[];
  /** Tells the panel where it is reached when PUBLIC_URL is not set (links from the bot). */
  listening(url: string): void;
}

/**
 * Builds the admin mount. Every module's `routes` is registered only through the gate here;
 * `publicRoutes` stay outside it (app.ts mounts them under /public/<module>).
 */
export function createAdminHttp(deps: AdminHttpDeps): AdminHttp {
  const admin = deps.services.admin;
  if (!admin) throw new Error('the admin module is missing');
  const gated = createAdminGate({ admin, audit: deps.services.audit, logger: deps.logger.child({ component: 'admin' }) });
  const content = createContentService({ admin, i18n: deps.i18n, config: deps.config, now: deps.now });
  const modules = deps.modules.map((item) => ({ name: item.name, hasRoutes: Boolean(item.instance.routes), staffRoles: item.instance.staffRoles }));
  const api = createAdminApi({
    admin,
    content,
    settings: admin.settings,
    telegram: deps.telegram,
    services: deps.services,
    modules,
    db: deps.database.db,
    dialect: deps.database.dialect,
    config: deps.config,
    preset: deps.env.LAVKA_PRESET,
    mode: deps.mode,
    version: LAVKA_VERSION,
    publicUrl: deps.env.PUBLIC_URL,
    checks: deps.readiness,
    metrics: deps.metrics,
    i18n: deps.i18n,
    now: deps.now,
    startedAtMs: deps.now(),
    ...(deps.goLive ? { goLive: deps.goLive } : {}),
  });

  // Registered in the root context (skip-override, as fastify-plugin does) so that it sees
  // every route of every scope; at ready time an /api route outside the gate stops start-up.
  const inventory: FastifyPluginAsync = async (root) => {
    const routes: RouteEntry[] = [];
    inventories.set(root, routes);
    root.addHook('onRoute', (options) => {
      for (const method of [options.method].flat()) routes.push({ method, url: options.url });
    });
    root.addHook('onReady', async () => {
      for (const entry of routes) entry.staffRoles = gated.rolesOf(entry.method, entry.url);
      const open = routes.filter((entry) => /^\/api(\/|$)/.test(entry.url) && entry.staffRoles === undefined);
      if (open.length > 0) {
        throw new Error(`Routes under /api must be module routes behind the admin gate; these are not: ${open.map((entry) => `${entry.method} ${entry.url}`).join(', ')}`);
      }
    });
  };
  (inventory as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

  const plugins: AdminHttp['plugins'] = [
    { prefix: '', plugin: inventory },
    // Every admin route names its roles; the scope's default (owner only) is the safe fallback.
    { prefix: '/api/admin', plugin: gated({ module: 'admin', staffRoles: [] }, api.plugin) },
    ...deps.modules
      .filter((item) => item.name !== 'admin' && item.instance.routes)
      .map((item) => ({
        prefix: `/api/${item.name}`,
        plugin: gated({ module: item.name, staffRoles: item.instance.staffRoles }, item.instance.routes as FastifyPluginAsync),
      })),
    { prefix: '/admin', plugin: adminPageRoutes(deps.pageDir ?? ADMIN_PAGE_DIR) },
  ];
  return { plugins, listening: (url) => admin.setListeningUrl(url) };
}

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
