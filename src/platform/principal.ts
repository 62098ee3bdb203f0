import type { FastifyRequest } from 'fastify';
import type { Locale } from '../config/business.ts';
import { AccessError } from './access.errors.ts';
import type { InitDataUser } from './init-data.ts';
import type { StaffRole } from './roles.ts';
import type { ApiScope } from './scopes.ts';

/** A staff member as the panel shows them (no hashes, no secrets). */
export interface StaffMember {
  id: number;
  telegramId: number | null;
  login: string | null;
  displayName: string;
  role: StaffRole;
  disabled: boolean;
  hasPassword: boolean;
  createdAt: number;
  lastLoginAt: number | null;
}

/** A person logged in to the admin panel: their session and who they are. */
export interface StaffPrincipal {
  type: 'staff';
  sessionId: number;
  /** Sent back in `x-csrf-token` with every request that changes something. */
  csrfToken: string;
  expiresAt: number;
  staff: StaffMember;
}

/** A program of the business (an ERP, a site, a CRM) calling the integration API with a key. */
export interface ApiKeyPrincipal {
  type: 'api_key';
  keyId: number;
  /** The name the owner gave the key ("1C warehouse"). */
  name: string;
  /** The key's public prefix (`lvk_live_ab12cd`), safe to show and log. */
  prefix: string;
  scopes: readonly ApiScope[];
}

/**
 * A customer using the Mini App: the Telegram user whose initData, signed with this bot's
 * token, came with the request. The same person the bot knows by the same id.
 */
export interface MiniAppPrincipal {
  type: 'miniapp';
  /** Their Telegram user id: the id carts, orders and payments are kept under. */
  userId: number;
  user: InitDataUser;
  /** The language the app speaks to them: the one they chose in the bot, else their Telegram's. */
  locale: Locale;
  /** When Telegram signed the initData, in seconds since the epoch. */
  authDateSec: number;
}

/** Who is behind a request that passed an access check: a staff session, an API key or a Mini App user. */
export type Principal = StaffPrincipal | ApiKeyPrincipal | MiniAppPrincipal;

/** Why a key was refused, for the caller (never which part of a secret was wrong). */
export type ApiKeyRefusal = 'unknown' | 'revoked' | 'expired';

/** What the integration access check needs to know an API key: the integrations module provides it. */
export interface ApiKeyAuthenticator {
  /** The key behind a secret, or why it is refused; `ip` is recorded as where it was last used. */
  authenticate(secret: string, seen: { ip: string }): Promise<ApiKeyPrincipal | ApiKeyRefusal>;
}

/** What the access check needs to know a staff session: the admin module provides it. */
export interface StaffSessions {
  /** The session token the request carries (the panel's cookie), or undefined. */
  tokenOf(request: FastifyRequest): string | undefined;
  /** The session behind a token, or undefined when it is unknown, expired or its staff member disabled. */
  authenticate(token: string): Promise<Omit<StaffPrincipal, 'type'> | undefined>;
}

const principals = new WeakMap<FastifyRequest, Principal>();

/** Records who is behind a request (the access check does this once it let the request in). */
export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  principals.set(request, principal);
}

/** Who is behind a request, or undefined outside the access check. */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}

/** The staff member behind a request that passed the access check; a refusal otherwise. */
export function staffOf(request: FastifyRequest): StaffPrincipal {
  const principal = principals.get(request);
  if (principal?.type !== 'staff') throw new AccessError('admin.unauthenticated', 'Log in to the admin panel first.');
  return principal;
}

/** The API key behind a request that passed the integration access check; a refusal otherwise. */
export function apiKeyOf(request: FastifyRequest): ApiKeyPrincipal {
  const principal = principals.get(request);
  if (principal?.type !== 'api_key') throw new AccessError('admin.unauthenticated', 'Send an API key in the Authorization header.');
  return principal;
}

/** The Mini App user behind a request that passed the Mini App access check; a refusal otherwise. */
export function miniAppUserOf(request: FastifyRequest): MiniAppPrincipal {
  const principal = principals.get(request);
  if (principal?.type !== 'miniapp') throw new AccessError('admin.unauthenticated', 'Open this from the Telegram Mini App.');
  return principal;
}

/** How records of who acted name an API key: `api_key:<id>`, findable in the panel's list of keys. */
export function apiKeyActorId(principal: ApiKeyPrincipal): string {
  return `api_key:${principal.keyId}`;
}

/**
 * A staff principal as records of who acted name them (a payment decided, a ledger entry, a
 * print job moved): their Telegram id when their account is linked to one, so that the bot and
 * the panel name the same person alike, else their panel account (`staff:<id>`).
 */
export function staffActorOf(principal: StaffPrincipal): { type: 'admin'; id: string | number } {
  return { type: 'admin', id: principal.staff.telegramId ?? `staff:${principal.staff.id}` };
}
