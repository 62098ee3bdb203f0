import type { StaffRole } from '../../platform/roles.ts';
import { AdminError } from './admin.errors.ts';
import { hashPassword, passwordProblem } from './admin.password.ts';
import type { StaffRecord } from './admin.tables.ts';
import { LOGIN_PATTERN, STAFF_ROLE_CACHE_MS, staffView, type AdminCore, type StaffView } from './admin.core.ts';
import { fullName } from '../users/users.names.ts';

/** Staff accounts: who a Telegram account is, listing, creating, changing and disabling staff. */
export function createAdminStaff(core: AdminCore) {
  const { deps, repository, owners, roleCache, normaliseLogin } = core;
  return {
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
        const name = fullName(user).slice(0, 128) || `Owner ${user.id}`;
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
  };
}
