import type { FastifyPluginAsync } from 'fastify';
import type { Api, Composer, MiddlewareFn } from 'grammy';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { BusinessConfig, Locale } from '../config/business.ts';
import type { Env } from '../config/env.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { Migration, MigrationGroup } from '../db/migrator.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { BotContext } from '../telegram/context.ts';
import type { JobHandler } from '../delivery/scheduler.ts';
import type { Translator } from '../telegram/i18n.ts';
import type { FlowDefinition } from '../telegram/flow.ts';
import type { Events } from '../platform/events.ts';
import type { AnyApiRoute } from '../platform/route.ts';
import type { StaffRole } from '../platform/roles.ts';

/**
 * Services that modules expose to each other. A module adds its entry by augmenting this
 * interface from its `<name>.module.ts`; another module reads it from `deps.services`.
 * Modules never touch each other's tables, only each other's services.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ModuleServices {}

/** The name of a module that offers a service. */
export type ServiceName = keyof ModuleServices;

/**
 * What a module receives as `deps.services`: exactly the services it requires, present, and
 * the ones it may use when their module is enabled, possibly absent.
 */
export type ServicesOf<Required extends string, Optional extends string> = Pick<ModuleServices, Extract<Required, ServiceName>> &
  Partial<Pick<ModuleServices, Extract<Optional, ServiceName>>>;

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
  /**
   * Where it runs when several instances share one database (docs/scaling.md):
   * - `every-instance` (the default): each instance on its own timer. Right for a job that
   *   updates this process's memory, and harmless for one that is cheap and guarded in the
   *   database (row claims, conditional updates).
   * - `one-instance`: with Redis, each period one instance takes a lease and runs it, the
   *   others skip it; for a job whose runs elsewhere only repeat the work, e.g. calls to a
   *   gateway or an ERP. While Redis cannot be reached every instance runs it again, so a job
   *   marked so must still be correct when run on several instances at once.
   * Without Redis (one instance) both behave the same.
   */
  runs?: 'every-instance' | 'one-instance';
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
  /**
   * False for a check whose failure needs the operator but does not stop this instance from
   * serving (a staff chat the bot cannot write to): it is listed with its detail and in
   * `warnings`, and the instance stays ready. Default true.
   */
  critical?: boolean;
}

/** An enabled module as the admin panel and the API document know it. */
export interface ModuleFacts {
  name: string;
  panel: readonly PanelPage[];
  routes: readonly AnyApiRoute[];
  /** Roles its routes allow unless a route says otherwise; the owner always is. */
  staffRoles: readonly StaffRole[];
  /** Its resources in the integration API (`/api/v1`). */
  integrationRoutes: readonly AnyApiRoute[];
}

/**
 * What the running Lavka tells the modules that look after it (the admin module's system
 * page, its navigation, its "Go live"). Read at use time: parts are complete only once every
 * module is set up and the bot exists.
 */
export interface Runtime {
  mode: 'sandbox' | 'polling' | 'webhook';
  version: string;
  startedAtMs: number;
  metrics: Metrics;
  /** The checks `/health/ready` runs. */
  readiness(): readonly HealthCheck[];
  /** The bot's Bot API client; undefined until the bot exists. */
  telegram(): Api | undefined;
  /** Every enabled module. */
  modules(): readonly ModuleFacts[];
  /** The OpenAPI document of every module's staff API. */
  apiDocument(): Record<string, unknown>;
  /** Present in the sandbox when Lavka can restart itself: what taking it live needs. */
  goLive?: {
    migrations: readonly MigrationGroup[];
    keep: readonly GoLiveTable[];
    requestRestart(): void;
  };
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
export interface ModuleDeps<Required extends string = never, Optional extends string = never> {
  env: Env;
  config: BusinessConfig;
  database: DatabaseHandle;
  logger: Logger;
  i18n: Translator;
  /** The services the module declared: `dependsOn` present, `after` when enabled. */
  services: ServicesOf<Required, Optional>;
  /** Milliseconds since the epoch; replaced in tests. */
  now(): number;
  /** The running Lavka: mode, version, readiness, the other modules. */
  runtime: Runtime;
  /** Publishes what happened (an order moved, a payment came) for webhooks, in the change's transaction. */
  events: Events;
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
   * The module's back-office API for the admin panel, mounted under `/api/<module>` and
   * described in the OpenAPI document. These routes sit behind the access check: a staff
   * session, its role (`staffRoles`, or the route's own) and CSRF are checked before any
   * handler runs. Declared with `route()` from `src/platform/route.ts`.
   */
  routes?: readonly AnyApiRoute[];
  /** Staff roles allowed to use `routes`; the owner always is. Default: manager. */
  staffRoles?: readonly StaffRole[];
  /** The code of the answer to input no route schema accepts. Default: `<module>.invalid_request`. */
  invalidInputCode?: string;
  /**
   * The module's resources in the integration API, which the business's other systems call
   * with an API key: mounted under `/api/v1` (urls from there, e.g. `/orders/:id`), behind the
   * key check (scope, rate, idempotency, audit), described in `/api/v1/openapi.json`.
   * Declared with `integrationRoute()`, each naming the scope it needs.
   */
  integrationRoutes?: readonly AnyApiRoute[];
  /**
   * The module's part of the Mini App's API, called by the customer's Mini App: mounted under
   * `/api/miniapp` (urls from there, e.g. `/catalog/products`), behind the initData check.
   * Declared with `miniAppRoute()`; the handler gets the Telegram user.
   */
  miniAppRoutes?: readonly AnyApiRoute[];
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

/**
 * A page of the admin panel a module brings. The panel's navigation and the pages a staff
 * member may open are built from these, in `order`, for the modules a deployment runs.
 */
export interface PanelPage {
  /** The page's path in the panel: `orders` is `/admin/orders`. Two modules may bring the same page. */
  id: string;
  /**
   * Its label: a message id of the panel's own (`nav.orders`) for the pages the panel ships, or
   * of the module's locale files (`notes-panel-title`), sent to the panel in ru, en and kk.
   */
  label: string;
  /** The panel's icon name. */
  icon: string;
  /** The navigation group: the business's daily work, or the settings. */
  group: 'business' | 'settings';
  /** Position within the navigation, smaller first. */
  order: number;
  /** Roles that see the page; the owner always does. Default: the roles of the module's routes. */
  roles?: readonly StaffRole[];
  /** Shown only while Lavka runs the sandbox (taking it live). */
  sandboxOnly?: boolean;
  /**
   * For a module that ships no page of its own in the panel: a table the panel draws from one
   * of the module's GET routes, so a module needs no front-end code to be seen by the staff.
   */
  table?: PanelTable;
}

/** A table page the panel draws from a module's route. */
export interface PanelTable {
  /** The GET route under the module's API, e.g. `/` for `GET /api/<module>/`. */
  source: string;
  /** The field of the answer that holds the rows, e.g. `notes` in `{ notes: [...] }`. */
  rows: string;
  columns: readonly PanelColumn[];
}

/** A column of a panel table. */
export interface PanelColumn {
  /** The field of a row it shows. */
  key: string;
  /** A message id of the module's locale files. */
  label: string;
  /** How the value is shown; `money` reads `<key>` as minor units and the row's `currency`. */
  format?: 'text' | 'number' | 'date' | 'money';
}

/** A feature module: `src/modules/<name>/<name>.module.ts` exports one as `module`. */
export interface LavkaModule<Required extends string = string, Optional extends string = string> {
  name: string;
  /**
   * Modules whose services this one requires; enabling this module enables them, set up
   * first, and `setup` receives their services, never absent.
   */
  dependsOn?: readonly Required[];
  /**
   * Modules this one uses when they are enabled, without enabling them: they are set up
   * first if present (the shop's orders sell through payments, or are paid on delivery).
   */
  after?: readonly Optional[];
  /** Pages of the admin panel this module brings. */
  panel?: readonly PanelPage[];
  /** True for modules every deployment runs (users, audit), whatever the preset says. */
  core?: boolean;
  /**
   * Enabled by a section of the config file rather than by `modules` (a connector to the
   * business's own system runs when the config says where that system is).
   */
  enabledBy?(config: BusinessConfig): boolean;
  migrations?: readonly Migration[];
  /**
   * What this module carries over when the sandbox goes live (the panel's "Go live"): its
   * tables of business data, parents before children, and columns to empty on the way (ids
   * that only the simulated Telegram knows). Every other table holds the sandbox's simulated
   * people — users, chats, carts, orders, payments — and stays behind.
   */
  goLive?: { keep: readonly GoLiveTable[] };
  setup?(deps: ModuleDeps<Required, Optional>): ModuleInstance | Promise<ModuleInstance>;
}

/**
 * Declares a module with its dependencies typed: `setup` sees exactly the services named in
 * `dependsOn` (present) and `after` (possibly absent), so the compiler refuses a module that
 * uses a service it did not declare.
 */
export function defineModule<const Required extends string = never, const Optional extends string = never>(
  definition: LavkaModule<Required, Optional>,
): LavkaModule<Required, Optional> {
  return definition;
}

/** A table of business data carried from the sandbox to the real bot's database. */
export interface GoLiveTable {
  table: string;
  /** Columns set to NULL in the copy, e.g. a Telegram file_id of the simulated Telegram. */
  clear?: readonly string[];
}
