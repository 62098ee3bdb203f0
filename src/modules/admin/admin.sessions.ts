import { AdminError } from './admin.errors.ts';
import { verifyPassword } from './admin.password.ts';
import { type SessionWithStaff } from './admin.repository.ts';
import type { StaffRecord } from './admin.tables.ts';
import { LOGIN_PATTERN, hashToken, newToken, staffView, type AdminCore, type Authenticated, type ClientInfo, type StartedSession } from './admin.core.ts';

/** Getting into the panel: one-time login links, password logins, sessions and their clean-up. */
export function createAdminSessions(core: AdminCore) {
  const { deps, repository, limits, limited, openSession, normaliseLogin, setListeningUrl, panelUrl } = core;
  return {
    limits,
    setListeningUrl,
    panelUrl,

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
      return { url: `${panelUrl()}link#${token}`, expiresAt };
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

    /** Deletes expired links, sessions and rate-limit windows (a periodic job). */
    async prune(): Promise<void> {
      const nowMs = deps.now();
      await repository.deleteLinksBefore(nowMs - 24 * 3600_000);
      await repository.deleteSessionsBefore(nowMs - 24 * 3600_000);
      await repository.deleteHitsBefore(nowMs - limits.attemptWindowMs);
    },
  };
}
