import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DbExecutor } from '../../db/database.ts';
import type { StaffRole } from '../../platform/roles.ts';
import type { LoginLinkRecord, SessionRecord, StaffRecord } from './admin.tables.ts';

/** Fields of a new staff member. */
export interface NewStaff {
  telegramId: number | null;
  login: string | null;
  displayName: string;
  role: StaffRole;
  passwordHash: string | null;
}

/** A session joined with the staff member it belongs to. */
export interface SessionWithStaff {
  session: SessionRecord;
  staff: StaffRecord;
}

/** SQL for the admin panel's tables. */
export function createAdminRepository(db: DbExecutor) {
  return {
    findStaffById(id: number): Promise<StaffRecord | undefined> {
      return db.selectFrom('admin_staff').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findStaffByTelegramId(telegramId: number): Promise<StaffRecord | undefined> {
      return db.selectFrom('admin_staff').selectAll().where('telegram_id', '=', telegramId).executeTakeFirst();
    },

    findStaffByLogin(login: string): Promise<StaffRecord | undefined> {
      return db.selectFrom('admin_staff').selectAll().where('login', '=', login).executeTakeFirst();
    },

    listStaff(): Promise<StaffRecord[]> {
      return db.selectFrom('admin_staff').selectAll().orderBy('id').execute();
    },

    async insertStaff(input: NewStaff, nowMs: number): Promise<StaffRecord> {
      return db
        .insertInto('admin_staff')
        .values({
          telegram_id: input.telegramId,
          login: input.login,
          display_name: input.displayName,
          role: input.role,
          password_hash: input.passwordHash,
          is_disabled: 0,
          created_at: nowMs,
          updated_at: nowMs,
          last_login_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async updateStaff(
      id: number,
      changes: Partial<{ role: StaffRole; display_name: string; password_hash: string | null; is_disabled: number; login: string | null; telegram_id: number | null }>,
      nowMs: number,
    ): Promise<StaffRecord | undefined> {
      return db
        .updateTable('admin_staff')
        .set({ ...changes, updated_at: nowMs })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async touchStaffLogin(id: number, nowMs: number): Promise<void> {
      await db.updateTable('admin_staff').set({ last_login_at: nowMs }).where('id', '=', id).execute();
    },

    async countOwners(): Promise<number> {
      const row = await db
        .selectFrom('admin_staff')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'owner')
        .where('is_disabled', '=', 0)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async insertLink(staffId: number, tokenHash: string, nowMs: number, expiresAt: number): Promise<void> {
      await db.insertInto('admin_login_links').values({ staff_id: staffId, token_hash: tokenHash, created_at: nowMs, expires_at: expiresAt, used_at: null }).execute();
    },

    findLink(tokenHash: string): Promise<LoginLinkRecord | undefined> {
      return db.selectFrom('admin_login_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    },

    /** Marks the link used if nobody did first; false when it was already used (a race or a replay). */
    async consumeLink(id: number, nowMs: number): Promise<boolean> {
      const result = await db.updateTable('admin_login_links').set({ used_at: nowMs }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async deleteLinksBefore(cutoffMs: number): Promise<void> {
      await db.deleteFrom('admin_login_links').where('expires_at', '<', cutoffMs).execute();
    },

    async insertSession(
      values: { tokenHash: string; staffId: number; csrfToken: string; expiresAt: number; userAgent: string | null; ip: string | null },
      nowMs: number,
    ): Promise<SessionRecord> {
      return db
        .insertInto('admin_sessions')
        .values({
          token_hash: values.tokenHash,
          staff_id: values.staffId,
          csrf_token: values.csrfToken,
          created_at: nowMs,
          last_seen_at: nowMs,
          expires_at: values.expiresAt,
          revoked_at: null,
          user_agent: values.userAgent,
          ip: values.ip,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async findSession(tokenHash: string): Promise<SessionWithStaff | undefined> {
      const session = await db.selectFrom('admin_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      if (!session) return undefined;
      const staff = await db.selectFrom('admin_staff').selectAll().where('id', '=', session.staff_id).executeTakeFirst();
      return staff ? { session, staff } : undefined;
    },

    async extendSession(id: number, nowMs: number, expiresAt: number): Promise<void> {
      await db.updateTable('admin_sessions').set({ last_seen_at: nowMs, expires_at: expiresAt }).where('id', '=', id).execute();
    },

    async revokeSession(id: number, nowMs: number): Promise<void> {
      await db.updateTable('admin_sessions').set({ revoked_at: nowMs }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },

    async revokeSessionsOf(staffId: number, nowMs: number): Promise<void> {
      await db.updateTable('admin_sessions').set({ revoked_at: nowMs }).where('staff_id', '=', staffId).where('revoked_at', 'is', null).execute();
    },

    async deleteSessionsBefore(cutoffMs: number): Promise<void> {
      await db.deleteFrom('admin_sessions').where('expires_at', '<', cutoffMs).execute();
    },

    /**
     * Counts one hit against `key` in a fixed window and returns the hits so far, in one
     * statement, so two concurrent attempts can never both read "one left".
     */
    async hit(key: string, nowMs: number, windowMs: number): Promise<number> {
      const staleBefore = nowMs - windowMs;
      const row = await db
        .insertInto('admin_rate_limits')
        .values({ key, window_started_at: nowMs, hits: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            hits: sql<number>`case when admin_rate_limits.window_started_at <= ${staleBefore} then 1 else admin_rate_limits.hits + 1 end`,
            window_started_at: sql<number>`case when admin_rate_limits.window_started_at <= ${staleBefore} then ${nowMs} else admin_rate_limits.window_started_at end`,
          }),
        )
        .returning('hits')
        .executeTakeFirstOrThrow();
      return Number(row.hits);
    },

    async hitsOf(key: string, nowMs: number, windowMs: number): Promise<number> {
      const row = await db.selectFrom('admin_rate_limits').selectAll().where('key', '=', key).executeTakeFirst();
      return row && row.window_started_at > nowMs - windowMs ? Number(row.hits) : 0;
    },

    async clearHits(key: string): Promise<void> {
      await db.deleteFrom('admin_rate_limits').where('key', '=', key).execute();
    },

    async deleteHitsBefore(cutoffMs: number): Promise<void> {
      await db.deleteFrom('admin_rate_limits').where('window_started_at', '<', cutoffMs).execute();
    },

    listTextOverrides(): Promise<{ locale: string; message_id: string; text: string; updated_at: number }[]> {
      return db.selectFrom('admin_text_overrides').select(['locale', 'message_id', 'text', 'updated_at']).orderBy('locale').orderBy('message_id').execute();
    },

    /**
     * A cheap summary of the text overrides that changes with every edit, addition and
     * removal (count and latest change), so other instances know when to reload them.
     */
    async textOverridesFingerprint(): Promise<string> {
      const row = await db
        .selectFrom('admin_text_overrides')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('latest')])
        .executeTakeFirstOrThrow();
      return `${Number(row.n)}:${Number(row.latest ?? 0)}`;
    },

    async upsertTextOverride(locale: string, messageId: string, text: string, staffId: number | null, nowMs: number): Promise<void> {
      await db
        .insertInto('admin_text_overrides')
        .values({ locale, message_id: messageId, text, updated_at: nowMs, updated_by: staffId })
        .onConflict((oc) => oc.columns(['locale', 'message_id']).doUpdateSet({ text, updated_at: nowMs, updated_by: staffId }))
        .execute();
    },

    async deleteTextOverride(locale: string, messageId: string): Promise<boolean> {
      const result = await db.deleteFrom('admin_text_overrides').where('locale', '=', locale).where('message_id', '=', messageId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async getSetting(key: string): Promise<string | undefined> {
      const row = await db.selectFrom('admin_settings').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },

    /** A stored setting with who changed it last and its revision. */
    getSettingRow(key: string): Promise<{ value: string; revision: string; updated_at: number; updated_by: number | null } | undefined> {
      return db.selectFrom('admin_settings').select(['value', 'revision', 'updated_at', 'updated_by']).where('key', '=', key).executeTakeFirst();
    },

    /** The revision of each stored setting among `keys`: what instances compare to notice a change. */
    async settingRevisions(keys: readonly string[]): Promise<Map<string, string>> {
      if (keys.length === 0) return new Map();
      const rows = await db.selectFrom('admin_settings').select(['key', 'revision']).where('key', 'in', [...keys]).execute();
      return new Map(rows.map((row) => [row.key, row.revision]));
    },

    /** Stores a setting under a new random revision and returns it. */
    async putSetting(key: string, value: string, staffId: number | null, nowMs: number): Promise<string> {
      // Random rather than counted: a reset deletes the row, and a counter starting again
      // could repeat a revision another instance has already seen.
      const revision = randomBytes(12).toString('hex');
      await db
        .insertInto('admin_settings')
        .values({ key, value, revision, updated_at: nowMs, updated_by: staffId })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, revision, updated_at: nowMs, updated_by: staffId }))
        .execute();
      return revision;
    },

    async deleteSetting(key: string): Promise<boolean> {
      const result = await db.deleteFrom('admin_settings').where('key', '=', key).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

/** The admin repository's shape. */
export type AdminRepository = ReturnType<typeof createAdminRepository>;
