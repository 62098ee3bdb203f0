import type { Generated, Selectable } from 'kysely';
import type { EpochMs, Flag } from '../../db/schema.ts';
import type { StaffRole } from '../../platform/roles.ts';

/**
 * A person who runs the business in the admin panel. Found by Telegram id (link login) or
 * by login name (password login); ADMIN_IDS owners get a row on their first `/admin`.
 */
export interface AdminStaffTable {
  id: Generated<number>;
  telegram_id: number | null;
  login: string | null;
  display_name: string;
  role: StaffRole;
  /** Argon2id PHC string; null for staff who only log in through the bot. */
  password_hash: string | null;
  is_disabled: Flag;
  created_at: EpochMs;
  updated_at: EpochMs;
  last_login_at: EpochMs | null;
}

/** A logged-in browser. Only a hash of the cookie's token is stored. */
export interface AdminSessionsTable {
  id: Generated<number>;
  /** SHA-256 of the session token, hex. */
  token_hash: string;
  staff_id: number;
  /** Sent back in the `x-csrf-token` header of every state-changing request. */
  csrf_token: string;
  created_at: EpochMs;
  last_seen_at: EpochMs;
  expires_at: EpochMs;
  revoked_at: EpochMs | null;
  user_agent: string | null;
  ip: string | null;
}

/** A one-time login link sent by the bot. Only a hash of its token is stored. */
export interface AdminLoginLinksTable {
  id: Generated<number>;
  token_hash: string;
  staff_id: number;
  created_at: EpochMs;
  expires_at: EpochMs;
  used_at: EpochMs | null;
}

/** Fixed-window counters for login attempts and link requests, keyed by what is limited. */
export interface AdminRateLimitsTable {
  key: string;
  window_started_at: EpochMs;
  hits: number;
}

/** The owner's per-language replacements for the bot's texts. */
export interface AdminTextOverridesTable {
  locale: string;
  message_id: string;
  text: string;
  updated_at: EpochMs;
  updated_by: number | null;
}

/** Business settings edited in the panel, stored as JSON per key. */
export interface AdminSettingsTable {
  key: string;
  value: string;
  /** Changes with every write; instances poll it to apply a change made elsewhere. */
  revision: string;
  updated_at: EpochMs;
  updated_by: number | null;
}

/** A staff row as read. */
export type StaffRecord = Selectable<AdminStaffTable>;
/** A session row as read. */
export type SessionRecord = Selectable<AdminSessionsTable>;
/** A login link row as read. */
export type LoginLinkRecord = Selectable<AdminLoginLinksTable>;

declare module '../../db/schema.ts' {
  interface Database {
    admin_staff: AdminStaffTable;
    admin_sessions: AdminSessionsTable;
    admin_login_links: AdminLoginLinksTable;
    admin_rate_limits: AdminRateLimitsTable;
    admin_text_overrides: AdminTextOverridesTable;
    admin_settings: AdminSettingsTable;
  }
}
