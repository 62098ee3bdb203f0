import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { DbExecutor } from '../../db/database.ts';
import type { StaffMember, StaffPrincipal } from '../../platform/principal.ts';
import type { StaffRole } from '../../platform/roles.ts';
import { AdminError } from './admin.errors.ts';
import { hashPassword, passwordProblem, verifyPassword } from './admin.password.ts';
import { createAdminRepository, type SessionWithStaff } from './admin.repository.ts';
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

const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

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

/**
 * Staff accounts, one-time login links, sessions and login rate limits. No HTTP and no
 * Telegram here: the bot and the routes call these use cases.
 */
export function createAdminService(deps: AdminServiceDeps) {
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

  const service = {
    limits,

    /** Called once the server listens, so links work without PUBLIC_URL (sandbox, tests). */
    setListeningUrl(url: string): void {
      listeningUrl = url;
    },

    /** Where the panel lives, e.g. `https://shop.example.com/admin/`. */
    panelUrl(): string {
      const base = (deps.publicUrl ?? listeningUrl ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
      return `${base}/admin/`;
    },

    /**
     * The staff role of a Telegram account, for the bot's staff commands. Read on every update
     * of a staff chat, so answers are kept for a few seconds: a role change or a disabled
     * account takes effect within `STAFF_ROLE_CACHE_MS`.
     */
    async roleOfTelegram(telegramId: number): Promise<StaffRole | undefined> {
      if (owners.has(telegramId)) return 'owner';
      const cached = roleCache.get(telegramId);
      if (cached && deps.now() - cached.atMs < STAFF_ROLE_CACHE_MS) return cached.role;
      const staff = await repository.findStaffByTelegramId(telegramId);
      const role = staff && staff.is_disabled === 0 ? staff.role : undefined;
      if (roleCache.size > 10_000) roleCache.clear();
      roleCache.set(telegramId, { role, atMs: deps.now() });
      return role;
    },

    /** True for ADMIN_IDS: they are owners whatever the staff table says. */
    isConfiguredOwner(telegramId: number): boolean {
      return owners.has(telegramId);
    },

    /**
     * The staff member behind a Telegram account: ADMIN_IDS get (or keep) an owner account,
     * others need an enabled account an owner created. Undefined for everyone else.
     */
    async staffForTelegram(user: { id: number; first_name: string; last_name?: string; username?: string }): Promise<StaffRecord | undefined> {
      const existing = await repository.findStaffByTelegramId(user.id);
      if (owners.has(user.id)) {
        const name = [user.first_name, user.last_name].filter(Boolean).join(' ').slice(0, 128) || `Owner ${user.id}`;
        if (!existing) {
          return repository.insertStaff({ telegramId: user.id, login: null, displayName: name, role: 'owner', passwordHash: null }, deps.now());
        }
        // ADMIN_IDS is the source of truth for its people: re-enable and promote if needed.
        if (existing.role !== 'owner' || existing.is_disabled === 1) {
          return repository.updateStaff(existing.id, { role: 'owner', is_disabled: 0 }, deps.now());
        }
        return existing;
      }
      return existing && existing.is_disabled === 0 ? existing : undefined;
    },

    /**
     * Issues a one-time login link for a staff member. Only the token's hash is stored; the
     * token travels in the URL's fragment, so it never reaches access logs or link previews.
     */
    async issueLink(staff: StaffRecord): Promise<{ url: string; expiresAt: number }> {
      if (staff.is_disabled === 1) throw new AdminError('admin.staff_disabled', 'This staff account is disabled.');
      await limited(`link:staff:${staff.id}`, limits.linksPerStaff);
      const token = newToken();
      const nowMs = deps.now();
      const expiresAt = nowMs + limits.linkTtlMs;
      await repository.insertLink(staff.id, hashToken(token), nowMs, expiresAt);
      return { url: `${service.panelUrl()}link#${token}`, expiresAt };
    },

    /** Exchanges a one-time link's token for a session; a used, expired or unknown link is refused. */
    async redeemLink(token: string, client: ClientInfo): Promise<StartedSession> {
      await limited(`ip:${client.ip}`, limits.attemptsPerIp);
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw new AdminError('admin.link_invalid', 'This login link is not valid. Ask the bot for a new one with /admin.');
      const link = await repository.findLink(hashToken(token));
      if (!link) throw new AdminError('admin.link_invalid', 'This login link is not valid. Ask the bot for a new one with /admin.');
      if (link.used_at !== null) throw new AdminError('admin.link_used', 'This login link was already used. Ask the bot for a new one with /admin.');
      if (link.expires_at <= deps.now()) throw new AdminError('admin.link_expired', 'This login link has expired. Ask the bot for a new one with /admin.');
      // The conditional update is the real one-time check: of two racing redemptions, one wins.
      if (!(await repository.consumeLink(link.id, deps.now()))) {
        throw new AdminError('admin.link_used', 'This login link was already used. Ask the bot for a new one with /admin.');
      }
      const staff = await repository.findStaffById(link.staff_id);
      if (!staff || staff.is_disabled === 1) throw new AdminError('admin.staff_disabled', 'This staff account is disabled.');
      return openSession(staff, client);
    },

    /** Password login, for the first owner before any bot is reachable. */
    async passwordLogin(loginInput: string, password: string, client: ClientInfo): Promise<StartedSession> {
      const login = normaliseLogin(loginInput);
      await limited(`ip:${client.ip}`, limits.attemptsPerIp);
      await limited(`password:${login.slice(0, 64)}`, limits.passwordPerLogin);
      const staff = LOGIN_PATTERN.test(login) ? await repository.findStaffByLogin(login) : undefined;
      const ok = await verifyPassword(staff?.password_hash ?? null, password);
      if (!staff || !ok) throw new AdminError('admin.bad_credentials', 'The login or the password is wrong.');
      if (staff.is_disabled === 1) throw new AdminError('admin.staff_disabled', 'This staff account is disabled.');
      await repository.clearHits(`password:${login}`);
      return openSession(staff, client);
    },

    /**
     * The staff member behind a session cookie, or undefined when the token is unknown,
     * revoked or expired, or the account was disabled. Active sessions slide forward.
     */
    async authenticate(token: string): Promise<Authenticated | undefined> {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
      const found: SessionWithStaff | undefined = await repository.findSession(hashToken(token));
      if (!found) return undefined;
      const { session, staff } = found;
      const nowMs = deps.now();
      if (session.revoked_at !== null || session.expires_at <= nowMs || staff.is_disabled === 1) return undefined;
      let expiresAt = session.expires_at;
      const slid = Math.min(nowMs + limits.sessionIdleMs, session.created_at + limits.sessionMaxMs);
      // Written at most once a minute per session: reads should not turn into writes.
      if (slid - expiresAt > 60_000) {
        expiresAt = slid;
        await repository.extendSession(session.id, nowMs, expiresAt);
      }
      return { sessionId: session.id, csrfToken: session.csrf_token, expiresAt, staff: staffView(staff) };
    },

    /**
     * Starts a session for a staff member authenticated by other means: tools and tests. The
     * panel's own logins go through {@link redeemLink} and {@link passwordLogin}.
     */
    async startSession(staffId: number, client: ClientInfo): Promise<StartedSession> {
      const staff = await repository.findStaffById(staffId);
      if (!staff || staff.is_disabled === 1) throw new AdminError('admin.staff_disabled', 'This staff account is disabled.');
      return openSession(staff, client);
    },

    /** Ends a session (logout). */
    async endSession(sessionId: number): Promise<void> {
      await repository.revokeSession(sessionId, deps.now());
    },

    async listStaff(): Promise<StaffView[]> {
      return (await repository.listStaff()).map(staffView);
    },

    async getStaff(id: number): Promise<StaffView | undefined> {
      const row = await repository.findStaffById(id);
      return row ? staffView(row) : undefined;
    },

    /** Creates (or resets the password of) an owner who logs in with a password. */
    async createOwner(input: { login: string; password: string; displayName?: string }): Promise<{ staff: StaffView; created: boolean }> {
      const login = normaliseLogin(input.login);
      if (!LOGIN_PATTERN.test(login)) throw new AdminError('admin.invalid_input', 'The login must be 3–64 characters: letters, digits, dot, dash or underscore.');
      const problem = passwordProblem(input.password);
      if (problem) throw new AdminError('admin.invalid_input', `Weak password: ${problem}.`);
      const passwordHash = await hashPassword(input.password);
      const existing = await repository.findStaffByLogin(login);
      if (existing) {
        const updated = await repository.updateStaff(existing.id, { password_hash: passwordHash, role: 'owner', is_disabled: 0 }, deps.now());
        if (updated) await repository.revokeSessionsOf(existing.id, deps.now());
        return { staff: staffView(updated ?? existing), created: false };
      }
      const staff = await repository.insertStaff(
        { telegramId: null, login, displayName: input.displayName?.trim() || login, role: 'owner', passwordHash },
        deps.now(),
      );
      return { staff: staffView(staff), created: true };
    },

    /** Adds a staff member who logs in through the bot (their Telegram id) and/or a password. */
    async createStaff(input: { telegramId?: number; login?: string; password?: string; displayName: string; role: StaffRole }): Promise<StaffView> {
      if (input.telegramId === undefined && !input.login) throw new AdminError('admin.invalid_input', 'Give a Telegram id or a login.');
      const login = input.login ? normaliseLogin(input.login) : null;
      if (login && !LOGIN_PATTERN.test(login)) throw new AdminError('admin.invalid_input', 'The login must be 3–64 characters: letters, digits, dot, dash or underscore.');
      if (login && !input.password) throw new AdminError('admin.invalid_input', 'A login needs a password.');
      if (input.password) {
        const problem = passwordProblem(input.password);
        if (problem) throw new AdminError('admin.invalid_input', `Weak password: ${problem}.`);
      }
      if (input.telegramId !== undefined && (await repository.findStaffByTelegramId(input.telegramId))) {
        throw new AdminError('admin.conflict', 'A staff member with this Telegram id already exists.');
      }
      if (login && (await repository.findStaffByLogin(login))) throw new AdminError('admin.conflict', 'This login is taken.');
      const row = await repository.insertStaff(
        {
          telegramId: input.telegramId ?? null,
          login,
          displayName: input.displayName.trim().slice(0, 128),
          role: input.role,
          passwordHash: input.password ? await hashPassword(input.password) : null,
        },
        deps.now(),
      );
      return staffView(row);
    },

    /** Changes a role or disables an account; the last enabled owner cannot be demoted or disabled. */
    async updateStaff(id: number, changes: { role?: StaffRole; disabled?: boolean; displayName?: string }): Promise<StaffView> {
      // This instance forgets cached roles at once; others within STAFF_ROLE_CACHE_MS.
      roleCache.clear();
      const row = await repository.findStaffById(id);
      if (!row) throw new AdminError('admin.not_found', 'No such staff member.');
      const losesOwner = row.role === 'owner' && row.is_disabled === 0 && ((changes.role && changes.role !== 'owner') || changes.disabled === true);
      if (losesOwner && (await repository.countOwners()) <= 1) {
        throw new AdminError('admin.last_owner', 'This is the only owner: add another owner first.');
      }
      if (row.telegram_id !== null && owners.has(row.telegram_id) && (changes.role !== undefined && changes.role !== 'owner')) {
        throw new AdminError('admin.conflict', 'This person is an owner through ADMIN_IDS; change ADMIN_IDS to change their role.');
      }
      const updated = await repository.updateStaff(
        id,
        {
          ...(changes.role ? { role: changes.role } : {}),
          ...(changes.disabled === undefined ? {} : { is_disabled: changes.disabled ? 1 : 0 }),
          ...(changes.displayName ? { display_name: changes.displayName.trim().slice(0, 128) } : {}),
        },
        deps.now(),
      );
      // A changed role or a disabled account takes effect now, not when the session expires.
      if (changes.disabled || (changes.role && changes.role !== row.role)) await repository.revokeSessionsOf(id, deps.now());
      return staffView(updated ?? row);
    },

    /** Deletes expired links, sessions and rate-limit windows (a periodic job). */
    async prune(): Promise<void> {
      const nowMs = deps.now();
      await repository.deleteLinksBefore(nowMs - 24 * 3600_000);
      await repository.deleteSessionsBefore(nowMs - 24 * 3600_000);
      await repository.deleteHitsBefore(nowMs - limits.attemptWindowMs);
    },

    /** The owner's stored text overrides. */
    listTextOverrides: repository.listTextOverrides,
    textOverridesFingerprint: repository.textOverridesFingerprint,
    upsertTextOverride: repository.upsertTextOverride,
    deleteTextOverride: repository.deleteTextOverride,
    getSetting: repository.getSetting,
    getSettingRow: repository.getSettingRow,
    settingRevisions: repository.settingRevisions,
    putSetting: repository.putSetting,
    deleteSetting: repository.deleteSetting,
  };
  return service;
}

/** The admin service's shape. */
export type AdminService = ReturnType<typeof createAdminService>;
