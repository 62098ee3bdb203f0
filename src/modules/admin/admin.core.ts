import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { DbExecutor } from '../../db/database.ts';
import type { StaffMember, StaffPrincipal } from '../../platform/principal.ts';
import type { StaffRole } from '../../platform/roles.ts';
import { AdminError } from './admin.errors.ts';
import { createAdminRepository } from './admin.repository.ts';
import type { StaffRecord } from './admin.tables.ts';

/** How long the bot trusts a looked-up staff role before reading it again. */
export const STAFF_ROLE_CACHE_MS = 10_000;

/** The name of the session cookie. */
export const SESSION_COOKIE = 'lavka_admin';

/** How long the panel's security measures last; tests shorten them. */
export interface AdminLimits {
  /** How long a one-time login link works. */
  linkTtlMs: number;
  /** A session ends after this long without a request. */
  sessionIdleMs: number;
  /** A session ends this long after login, however active. */
  sessionMaxMs: number;
  /** Window of the login-attempt counters. */
  attemptWindowMs: number;
  /** Password attempts per login name in a window. */
  passwordPerLogin: number;
  /** Password attempts and link redemptions per IP address in a window. */
  attemptsPerIp: number;
  /** Links a staff member may ask the bot for in a window. */
  linksPerStaff: number;
}

/** Defaults: a link lives 5 minutes; a session 12 idle hours, at most 7 days. */
export const DEFAULT_ADMIN_LIMITS: AdminLimits = {
  linkTtlMs: 5 * 60_000,
  sessionIdleMs: 12 * 3600_000,
  sessionMaxMs: 7 * 24 * 3600_000,
  attemptWindowMs: 15 * 60_000,
  passwordPerLogin: 5,
  attemptsPerIp: 20,
  linksPerStaff: 5,
};

/** Dependencies of the admin service. */
export interface AdminServiceDeps {
  db: DbExecutor;
  now(): number;
  logger: Logger;
  /** Telegram ids that are owners by configuration (ADMIN_IDS). */
  ownerTelegramIds: readonly number[];
  /** Where the panel is reached from outside (PUBLIC_URL); else the listening URL is used. */
  publicUrl?: string;
  limits?: Partial<AdminLimits>;
}

/** Who is asking, for sessions and rate limits. */
export interface ClientInfo {
  ip: string;
  userAgent?: string;
}

/** A staff member as the panel shows them (no hashes). */
export type StaffView = StaffMember;

/** A started session: the cookie's token is only ever returned here. */
export interface StartedSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
  staff: StaffView;
}

/** A request's authenticated staff member: a staff principal without its type. */
export type Authenticated = Omit<StaffPrincipal, 'type'>;

/** What a login name may look like (after trimming and lower-casing). */
export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** SHA-256 of a token, hex: what the database stores instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A fresh random token, URL-safe, 256 bits. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A staff row as the panel may see it. */
export function staffView(row: StaffRecord): StaffView {
  return {
    id: row.id,
    telegramId: row.telegram_id,
    login: row.login,
    displayName: row.display_name,
    role: row.role,
    disabled: row.is_disabled === 1,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}

/** What the admin use cases share: the repository, the limits, the owners, the role cache and sessions being opened. */
export function createAdminCore(deps: AdminServiceDeps) {
  const repository = createAdminRepository(deps.db);
  const limits: AdminLimits = { ...DEFAULT_ADMIN_LIMITS, ...deps.limits };
  const owners = new Set(deps.ownerTelegramIds);
  const roleCache = new Map<number, { role: StaffRole | undefined; atMs: number }>();
  let listeningUrl: string | undefined;

  const limited = async (key: string, max: number): Promise<void> => {
    const hits = await repository.hit(key, deps.now(), limits.attemptWindowMs);
    if (hits > max) {
      throw new AdminError('admin.rate_limited', 'Too many attempts. Wait a few minutes and try again.', {
        retryAfterSeconds: Math.ceil(limits.attemptWindowMs / 1000),
      });
    }
  };

  const openSession = async (staff: StaffRecord, client: ClientInfo): Promise<StartedSession> => {
    const nowMs = deps.now();
    const token = newToken();
    const csrfToken = newToken();
    const expiresAt = Math.min(nowMs + limits.sessionIdleMs, nowMs + limits.sessionMaxMs);
    await repository.insertSession(
      { tokenHash: hashToken(token), staffId: staff.id, csrfToken, expiresAt, userAgent: client.userAgent?.slice(0, 256) ?? null, ip: client.ip.slice(0, 64) },
      nowMs,
    );
    await repository.touchStaffLogin(staff.id, nowMs);
    return { token, csrfToken, expiresAt, staff: staffView({ ...staff, last_login_at: nowMs }) };
  };

  const normaliseLogin = (login: string) => login.trim().toLowerCase();

  /** Called once the server listens, so links work without PUBLIC_URL (sandbox, tests). */
  const setListeningUrl = (url: string): void => {
    listeningUrl = url;
  };

  /** Where the panel lives, e.g. `https://shop.example.com/admin/`. */
  const panelUrl = (): string => {
    const base = (deps.publicUrl ?? listeningUrl ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    return `${base}/admin/`;
  };

  return { deps, repository, limits, owners, roleCache, limited, openSession, normaliseLogin, setListeningUrl, panelUrl };
}

/** What the admin use cases share. */
export type AdminCore = ReturnType<typeof createAdminCore>;
