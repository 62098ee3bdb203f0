import type { Context, LazySessionFlavor } from 'grammy';
import type { UpdateLogger } from './update-logger.ts';
import type { Locale } from '../config/business.ts';
import type { StaffRole } from '../platform/roles.ts';
import type { UserRecord } from '../modules/users/users.tables.ts';
import type { TranslateVariables } from './i18n.ts';

/**
 * A multi-step flow in progress (checkout, registration, …), stored in the session so that
 * a restart or a deploy does not lose it. `version` is the flow definition's version when
 * the flow started: a deploy that changes a flow's steps bumps it, and a flow stored under
 * an older version is closed politely instead of being misread.
 */
export interface FlowState {
  name: string;
  version: number;
  step: string;
  data: Record<string, unknown>;
  startedAt: number;
}

/** What Lavka keeps per chat between updates. Stored in the database, versioned. */
export interface SessionData {
  /** The multi-step flow the chat is in, if any (checkout, registration, …). */
  flow?: FlowState;
  /** Free per-module scratch space, e.g. the catalogue page a user was on. */
  scratch?: Record<string, unknown>;
}

/** Per-update additions every handler can rely on. */
export interface LavkaFlavor {
  /** Translates a message id into the user's language. */
  t(key: string, variables?: TranslateVariables): string;
  /** The language replies are written in. */
  locale: Locale;
  /** Switches the language for the rest of this update (after /language). */
  setLocale(locale: Locale): void;
  /** The stored user (registered on their first update); absent for updates without a sender. */
  user?: UserRecord;
  /** True for the owners (ADMIN_IDS) and staff with the owner or manager role: staff commands. */
  isAdmin: boolean;
  /** The sender's staff role, when they are staff (for commands of one role, e.g. accountants). */
  staffRole?: StaffRole;
  /** Logger with update_id and user id bound (a pino child made on the first message). */
  log: UpdateLogger;
}

/** The context type of every Lavka handler. */
export type BotContext = Context & LazySessionFlavor<SessionData> & LavkaFlavor;
