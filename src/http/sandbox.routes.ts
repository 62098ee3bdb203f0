// The sandbox chat page: a Telegram-like web chat served at /sandbox/ on Lavka's own port, only
// when no bot token is configured (app.ts registers it in sandbox mode and never otherwise).
// The page itself is a static build (web/chat/dist); this plugin serves it, answers
// /sandbox/config.json and creates the simulated users the page starts with.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxPageConfig, SandboxUser } from '../../web/chat/src/api/sandbox-config.ts';
import { listPresets, type BusinessConfig, type Locale } from '../config/business.ts';
import type { TelegramSimulator } from '../sim/index.ts';
import { serveBuiltApp } from './built-app.ts';

/** The Telegram id of the simulated admin when ADMIN_IDS is empty. */
export const SANDBOX_ADMIN_ID = 1000;
/** The Telegram id of the simulated customer. */
export const SANDBOX_CUSTOMER_ID = 1001;

/** Where `npm run build:web` puts the chat page. */
export const SANDBOX_PAGE_DIR = path.resolve(import.meta.dirname, '../../web/chat/dist');

/**
 * The admins in sandbox mode: ADMIN_IDS when set, otherwise the simulated admin, so that a
 * fresh `npm start` can try the staff side of the bot without configuring anything.
 */
export function sandboxAdminIds(adminIds: readonly number[]): number[] {
  return adminIds.length > 0 ? [...adminIds] : [SANDBOX_ADMIN_ID];
}

/** Options of {@link sandboxPageRoutes}. */
export interface SandboxPageOptions {
  sim: TelegramSimulator;
  config: BusinessConfig;
  /** The preset's name (LAVKA_PRESET). */
  preset: string;
  /** Admin ids in effect (see {@link sandboxAdminIds}); the first is the simulated admin. */
  adminIds: readonly number[];
  /** Where the simulator's routes are mounted, e.g. "/sandbox/telegram". */
  apiPrefix: string;
  /** The admin panel's URL once Lavka serves one. */
  adminUrl?: string;
  /** The built page (default web/chat/dist). */
  pageDir?: string;
  /** The bot's Mini App as its menu button opens it, read at use time (the owner may turn it off). */
  miniApp?(): SandboxPageConfig['miniApp'];
}

/** Names the simulated people get, in the preset's default language. */
const PEOPLE: Record<Locale, { customer: [string, string]; admin: [string, string] }> = {
  ru: { customer: ['Анна', 'Смирнова'], admin: ['Марат', 'Админов'] },
  kk: { customer: ['Айгерім', 'Сейітова'], admin: ['Марат', 'Әкімшілік'] },
  en: { customer: ['Alice', 'Walker'], admin: ['Sam', 'Admin'] },
};

/** The users the page starts with: a customer first, then the admin. */
export function defaultSandboxUsers(config: BusinessConfig, adminIds: readonly number[]): SandboxUser[] {
  const locale = config.business.defaultLocale;
  const names = PEOPLE[locale];
  const adminId = adminIds[0] ?? SANDBOX_ADMIN_ID;
  const customerId = adminId === SANDBOX_CUSTOMER_ID ? SANDBOX_CUSTOMER_ID + 1 : SANDBOX_CUSTOMER_ID;
  return [
    { id: customerId, first_name: names.customer[0], last_name: names.customer[1], username: 'sandbox_customer', language_code: locale },
    { id: adminId, first_name: names.admin[0], last_name: names.admin[1], username: 'sandbox_admin', language_code: locale },
  ];
}

/**
 * The sandbox page as a Fastify plugin; register it with `{ prefix: '/sandbox' }`. Creates
 * the default simulated users right away, so that the bot can address the admin (command
 * lists, notifications) before anyone opens the page.
 */
export function sandboxPageRoutes(options: SandboxPageOptions): FastifyPluginAsync {
  return async (scope) => {
    const users = defaultSandboxUsers(options.config, options.adminIds);
    // The simulated admin has pressed Start already, so staff notifications reach them at once.
    for (const user of users) options.sim.user(user.id === users[1]?.id ? { ...user, hasStartedBot: true } : user);
    const presets = await listPresets().catch(() => [options.preset]);
    const pageDir = options.pageDir ?? SANDBOX_PAGE_DIR;
    const indexFile = path.join(pageDir, 'index.html');

    const pageConfig = (): SandboxPageConfig => ({
      preset: options.preset,
      presets,
      businessName: options.config.business.name,
      bot: {
        id: options.sim.botInfo.id,
        username: options.sim.botInfo.username ?? 'lavka_sim_bot',
        firstName: options.sim.botInfo.first_name,
      },
      locales: [options.config.business.defaultLocale, ...options.config.business.locales.filter((l) => l !== options.config.business.defaultLocale)],
      users,
      adminIds: [...options.adminIds],
      adminUrl: options.adminUrl ?? null,
      apiPrefix: options.apiPrefix,
      miniApp: options.miniApp?.() ?? null,
    });

    scope.get('/config.json', async (_request, reply) => reply.header('cache-control', 'no-store').send(pageConfig()));

    if (!existsSync(indexFile)) {
      // A checkout without `npm install` (which builds the page): say how to get it.
      scope.get('/*', async (_request, reply) => reply.code(503).type('text/html; charset=utf-8').send(missingBuildPage(pageDir)));
      scope.get('/', async (_request, reply) => reply.code(503).type('text/html; charset=utf-8').send(missingBuildPage(pageDir)));
      return;
    }

    const sendPage = await serveBuiltApp(scope, pageDir);
    scope.get('/', async (_request, reply) => sendPage(reply));

    // Client-side routes (/sandbox/anything) get the page; missing assets and API paths stay 404.
    scope.setNotFoundHandler(async (request, reply) => {
      const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
      if (wantsPage && !request.url.startsWith(`${options.apiPrefix}/`)) return sendPage(reply);
      return reply.code(404).send({ error: 'not found' });
    });
  };
}

function missingBuildPage(pageDir: string): string {
  return `<!doctype html><meta charset="utf-8"><title>Lavka sandbox</title>
<body style="font:16px system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5">
<h1>The sandbox page is not built yet</h1>
<p>Lavka and the simulated Telegram are running, but <code>${escapeHtml(pageDir)}</code> is missing.</p>
<p>Build it with <code>npm run build:web</code> (npm install does this too), then reload this page.</p>
</body>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);
}

/** What the sandbox banner tells a person who just ran `npm start`. */
export interface SandboxBannerFacts {
  url: string;
  admin: string;
  preset: string;
  database: string;
}

/** The few lines printed on a terminal when the sandbox is up: where to go and how to stop. */
export function sandboxBanner(facts: SandboxBannerFacts): string {
  const rows: [string, string][] = [
    ['Chat with your bot', facts.url],
    ['Admin panel', facts.admin],
    ['Preset', `${facts.preset}   (another: LAVKA_PRESET=clinic npm start)`],
    ['Database', facts.database],
    ['Stop', 'Ctrl+C'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    '',
    '  Lavka sandbox is running (no TELEGRAM_BOT_TOKEN set: a simulated Telegram)',
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '',
    '',
  ].join('\n');
}
