import type { FastifyPluginAsync } from 'fastify';
import type { Api, Composer, MiddlewareFn } from 'grammy';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { BusinessConfig, Locale } from '../config/business.ts';
import type { Env } from '../config/env.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { Migration } from '../db/migrator.ts';
import type { BotContext } from '../telegram/context.ts';
import type { JobHandler } from '../delivery/scheduler.ts';
import type { Translator } from '../telegram/i18n.ts';
import type { FlowDefinition } from '../telegram/flow.ts';

/**
 * Services that modules expose to each other. A module adds its entry by augmenting this
 * interface from its `<name>.module.ts`; another module reads it from `deps.services`.
 * Modules never touch each other's tables, only each other's services.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ModuleServices {}

/** Roles of the people who run the business in the admin panel. */
export type StaffRole = 'owner' | 'manager' | 'support' | 'accountant';

/** A command a module publishes with setMyCommands. */
export interface CommandSpec {
  command: string;
  /** Fluent message id of the description shown in Telegram's command menu. */
  description: string;
  /** `admin` commands are published only in the chats of admins. */
  audience?: 'everyone' | 'admin';
}

/** A periodic job a module runs in the background. */
export interface JobSpec {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

/**
 * A named audience a module offers to broadcasts and segments, e.g. "ordered within N days"
 * from the orders module. The broadcasts module combines them.
 */
export interface AudienceSegment {
  /** Dotted name, e.g. `orders.ordered_within_days`. */
  name: string;
  /** Fluent message id of its label in the composer. */
  label: string;
  /** What the owner types for it, if anything. */
  parameter: 'none' | 'days' | 'amount' | 'text';
  /** Ids of the users in the segment. */
  userIds(parameter: string | number | undefined): Promise<number[]>;
}

/** What a module may report on `/health/ready`. */
export interface HealthCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

/** Why a settings change was refused, for the person at the panel. */
export interface SettingsRefusal {
  /** A short code the panel translates, e.g. `bot_not_admin`. */
  reason: string;
  /** The explanation in plain English (API clients, the log). */
  message: string;
}

/** What a settings check may use. */
export interface SettingsCheckTools {
  /** The bot's Bot API client; undefined until the bot exists. */
  telegram(): Api | undefined;
}

/**
 * A part of the configuration the owner may change in the admin panel while Lavka runs (the
 * gate's channels, the payment methods). The config file's value is the default; the panel's
 * value, stored and audited by the admin module, overrides it on every instance.
 */
export interface LiveSettingsSection<T = unknown> {
  /** Storage key and URL segment: `gate` is `PUT /api/admin/settings/gate`. */
  key: string;
  /** One line for the API documentation. */
  summary: string;
  /** Validates what the panel sends; the same rules as the config file's. */
  schema: z.ZodType<T>;
  /** The value in effect when the panel stores none: the config file's. */
  fallback(): T;
  /** Puts a valid value into effect: at start-up, after a change, and when another instance made one. */
  apply(value: T): void;
  /** Checks that need the outside world before a value is stored; a refusal stores nothing. */
  check?(value: T, current: T, tools: SettingsCheckTools): Promise<SettingsRefusal | undefined>;
  /** Facts the panel shows beside the form (which methods can be turned on, and why not). */
  describe?(): Record<string, unknown>;
}

/** What every module's `setup` receives: explicit dependencies, no singletons. */
export interface ModuleDeps {
  env: Env;
  config: BusinessConfig;
  database: DatabaseHandle;
  logger: Logger;
  i18n: Translator;
  /** Services of the modules set up before this one (see `dependsOn`). */
  services: Partial<ModuleServices>;
  /** Milliseconds since the epoch; replaced in tests. */
  now(): number;
}

/** What a module contributes once set up. Every part is optional. */
export interface ModuleInstance {
  /** The service other modules may call; registered under the module's name. */
  service?: unknown;
  /** Bot handlers; registered in module order, before the fallback. */
  composer?: Composer<BotContext>;
  /**
   * Runs on every update before the base commands (`/start`) and flows, for access gates
   * such as a mandatory channel subscription; it calls `next()` to let the update through.
   */
  guard?: MiddlewareFn<BotContext>;
  /** Multi-step flows the module owns (checkout, registration, …). */
  flows?: readonly FlowDefinition[];
  commands?: readonly CommandSpec[];
  /** `/start <prefix><arg>` deep links, e.g. `{ p_: openProduct }` for `t.me/bot?start=p_12`. */
  deepLinks?: Readonly<Record<string, (ctx: BotContext, argument: string) => Promise<void>>>;
  /**
   * The module's back-office API for the admin panel, mounted under `/api/<module>`. These
   * routes sit behind the admin login: a staff session, its role (`staffRoles`) and CSRF are
   * checked before any handler runs.
   */
  routes?: FastifyPluginAsync;
  /** Staff roles allowed to use `routes`; the owner always is. Default: manager. */
  staffRoles?: readonly StaffRole[];
  /**
   * Routes anyone may call, mounted under `/public/<module>`: payment gateway webhooks, a
   * public FAQ for a website. They authenticate their callers themselves (signatures).
   */
  publicRoutes?: FastifyPluginAsync;
  jobs?: readonly JobSpec[];
  /**
   * Handlers for durable scheduled jobs, by kind (`<module>.<what>`, e.g. `booking.reminder`).
   * Jobs are stored with `scheduleJob` from `src/delivery/scheduler.ts`, in the caller's transaction.
   */
  jobHandlers?: Readonly<Record<string, JobHandler>>;
  /** Lines this module adds to the admins' daily report (e.g. orders and revenue of the day). */
  dailyReport?(window: { sinceMs: number; untilMs: number; locale: Locale }): Promise<string[]>;
  /** Audiences this module offers to broadcasts. */
  segments?: readonly AudienceSegment[];
  /** Parts of its configuration the owner may change in the admin panel while Lavka runs. */
  settings?: readonly LiveSettingsSection[];
  health?: readonly HealthCheck[];
  /** Seeds the preset's demo data into an empty database. Must be idempotent. */
  seedDemo?(data: unknown): Promise<void>;
}

/** A feature module: `src/modules/<name>/<name>.module.ts` exports one as `module`. */
export interface LavkaModule {
  name: string;
  /** Modules whose services this one needs; enabling this module enables them, set up first. */
  dependsOn?: readonly string[];
  /**
   * Modules this one uses when they are enabled, without enabling them: they are set up
   * first if present (the shop's orders sell through payments, or are paid on delivery).
   */
  after?: readonly string[];
  /** True for modules every deployment runs (users, audit), whatever the preset says. */
  core?: boolean;
  migrations?: readonly Migration[];
  /**
   * What this module carries over when the sandbox goes live (the panel's "Go live"): its
   * tables of business data, parents before children, and columns to empty on the way (ids
   * that only the simulated Telegram knows). Every other table holds the sandbox's simulated
   * people — users, chats, carts, orders, payments — and stays behind.
   */
  goLive?: { keep: readonly GoLiveTable[] };
  setup?(deps: ModuleDeps): ModuleInstance | Promise<ModuleInstance>;
}

/** A table of business data carried from the sandbox to the real bot's database. */
export interface GoLiveTable {
  table: string;
  /** Columns set to NULL in the copy, e.g. a Telegram file_id of the simulated Telegram. */
  clear?: readonly string[];
}
