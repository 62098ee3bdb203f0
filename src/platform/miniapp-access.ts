import type { FastifyError, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Locale } from '../config/business.ts';
import { type ErrorKind, refusalClass } from './errors.ts';
import { validateInitData, type InitDataRefusal, type InitDataUser } from './init-data.ts';
import { sendApiError, sendIntegrationError } from './integration.errors.ts';
import { setPrincipal } from './principal.ts';
import type { RequestRateLimiter } from './rate-limit.ts';

/** Refusals of the Mini App access check. */
export type MiniAppAccessCode = 'miniapp.unauthenticated' | 'miniapp.init_data_invalid' | 'miniapp.init_data_expired' | 'miniapp.disabled' | 'miniapp.rate_limited' | 'miniapp.not_found';

const KINDS: Readonly<Record<MiniAppAccessCode, ErrorKind>> = {
  'miniapp.unauthenticated': 'unauthenticated',
  'miniapp.init_data_invalid': 'unauthenticated',
  'miniapp.init_data_expired': 'unauthenticated',
  'miniapp.disabled': 'not_found',
  'miniapp.rate_limited': 'too_many',
  'miniapp.not_found': 'not_found',
};

/** A Mini App request turned away before any module saw it. */
export class MiniAppAccessError extends refusalClass<MiniAppAccessCode>('MiniAppAccessError', KINDS) {}

/** The scheme of the Authorization header that carries initData (`Authorization: tma <initData>`). */
export const INIT_DATA_SCHEME = 'tma';

/** What a Mini App route puts in its `config`: marks it as one, for the API inventory. */
export interface MiniAppRouteConfig {
  miniApp?: true;
}

/** What the Mini App access check needs. */
export interface MiniAppAccessDeps {
  /** The token initData must be signed with: this bot's (the simulator's in the sandbox). */
  botToken(): string;
  /** How old initData may be, in seconds (read at use time: the owner may change it). */
  maxAgeSec(): number;
  /** False when the owner turned the Mini App off: every call is 404, as if it did not exist. */
  enabled(): boolean;
  /** Registers the user the bot way (first contact, profile refresh) and tells their language. */
  signIn(user: InitDataUser): Promise<{ locale: Locale }>;
  limiter: RequestRateLimiter;
  /** Requests one user may make per second. */
  requestsPerSecond: number;
  now(): number;
  logger: Logger;
}

const REFUSALS: Record<InitDataRefusal, MiniAppAccessError> = {
  missing: new MiniAppAccessError('miniapp.unauthenticated', 'Open this from the Telegram Mini App: every call needs its initData (Authorization: tma <initData>).'),
  malformed: new MiniAppAccessError('miniapp.init_data_invalid', 'This initData is not valid launch data of this bot.'),
  signature_invalid: new MiniAppAccessError('miniapp.init_data_invalid', 'This initData is not valid launch data of this bot.'),
  from_the_future: new MiniAppAccessError('miniapp.init_data_invalid', 'This initData is not valid launch data of this bot.'),
  expired: new MiniAppAccessError('miniapp.init_data_expired', 'This Mini App session has expired. Close the app and open it again.'),
};

/** `Authorization: tma <initData>`, or undefined. */
function initDataOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^tma\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The access check in front of the Mini App's API (`/api/miniapp`). Before a body is read,
 * a request needs initData signed with this bot's token and younger than the configured age
 * (401 otherwise, and nothing runs); the same initData is good for every call within that age,
 * as the app sends it with each one. The user is then registered as the bot registers them, so
 * the app and the chat share one person, one cart and one order list. Refusals have the API's
 * one shape: `{ error: { code, message } }`.
 */
export function createMiniAppGuard(deps: MiniAppAccessDeps) {
  const covered = new Set<string>();

  const guard = function guard(plugin: FastifyPluginAsync): FastifyPluginAsync {
    return async (app) => {
      app.addHook('onRoute', (options) => {
        options.config = { ...(options.config as object | undefined), miniApp: true } as typeof options.config;
        for (const method of [options.method].flat()) covered.add(`${method} ${options.url}`);
      });
      app.setNotFoundHandler((request, reply) =>
        sendIntegrationError(reply, new MiniAppAccessError('miniapp.not_found', `There is no ${request.method} ${request.url.split('?', 1)[0]} in the Mini App API.`)),
      );
      app.setErrorHandler((error: FastifyError, request, reply) => {
        const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
        if (status >= 500) {
          request.log.error({ err: error, url: request.url }, 'Mini App API request failed');
          return sendApiError(reply, 500, { code: 'miniapp.internal_error', message: 'Something went wrong. Nothing was lost; try again.' });
        }
        return sendApiError(reply, status, { code: 'miniapp.invalid_request', message: error.message });
      });

      app.addHook('onRequest', async (request, reply) => {
        reply.header('cache-control', 'no-store');
        if (!deps.enabled()) return sendIntegrationError(reply, new MiniAppAccessError('miniapp.disabled', 'The Mini App is turned off.'));
        const checked = validateInitData(initDataOf(request), { botToken: deps.botToken(), maxAgeSec: deps.maxAgeSec(), nowMs: deps.now() });
        if (typeof checked === 'string') {
          deps.logger.debug({ refusal: checked, url: request.url }, 'Mini App request refused');
          return sendIntegrationError(reply, REFUSALS[checked]);
        }
        const rate = await deps.limiter.take(`miniapp:${checked.user.id}`, deps.requestsPerSecond);
        if (!rate.allowed) {
          return sendIntegrationError(reply, new MiniAppAccessError('miniapp.rate_limited', 'Too many requests. Wait a moment.', { retryAfterSeconds: rate.retryAfterSeconds }));
        }
        const { locale } = await deps.signIn(checked.user);
        setPrincipal(request, { type: 'miniapp', userId: checked.user.id, user: checked.user, locale, authDateSec: checked.authDateSec });
      });

      await app.register(plugin);
    };
  };
  return Object.assign(guard, {
    /** Whether a route (`GET /api/miniapp/catalog/products`) is behind this check. */
    covers(method: string, url: string): boolean {
      return covered.has(`${method} ${url}`);
    },
  });
}

/** The Mini App access check's wrapper, as given to the HTTP layer. */
export type MiniAppGuard = ReturnType<typeof createMiniAppGuard>;
