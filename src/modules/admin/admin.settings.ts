import type { Logger } from 'pino';
import { describeIssues } from '../../platform/route.ts';
import { AdminError } from './admin.errors.ts';
import type { LiveSettingsSection, SettingsCheckTools } from '../module.ts';

/** Where live settings are stored: `admin_settings`, one JSON value per section key. */
export interface LiveSettingsStore {
  getSettingRow(key: string): Promise<{ value: string; revision: string; updated_at: number; updated_by: number | null } | undefined>;
  settingRevisions(keys: readonly string[]): Promise<Map<string, string>>;
  putSetting(key: string, value: string, staffId: number | null, nowMs: number): Promise<string>;
  deleteSetting(key: string): Promise<boolean>;
}

/** A section as the panel sees it. */
export interface SectionView {
  key: string;
  /** The module that owns it (`admin` for the business's own settings). */
  module: string;
  /** The value in effect. */
  value: unknown;
  /** The config file's value, which a reset goes back to. */
  fallback: unknown;
  /** True when the panel's value overrides the config file's. */
  overridden: boolean;
  updatedAt: number | null;
  /** The staff account that made the last change. */
  updatedBy: number | null;
  /** What the section adds for the form (e.g. which payment methods can be turned on). */
  facts: Record<string, unknown>;
}

interface Entry {
  section: LiveSettingsSection;
  module: string;
  /** The revision applied last; null when the config file's value is in effect. */
  revision: string | null;
  value: unknown;
  updatedAt: number | null;
  updatedBy: number | null;
  listeners: ((value: unknown) => void | Promise<void>)[];
}

/**
 * Settings the owner changes in the panel while Lavka runs, one mechanism for every section:
 * each value is validated by the section's schema (the config file's own rules) and its checks,
 * stored in `admin_settings` under a fresh revision, and applied in place. The config file's
 * value is the default and a reset goes back to it. Other instances on the same database poll
 * the revisions ({@link LiveSettings.sync}, every few seconds) and apply what changed, so they
 * converge without a restart. Audit entries are written by the admin gate around the routes.
 */
export function createLiveSettings(deps: { store: LiveSettingsStore; logger: Logger; now(): number }) {
  const entries = new Map<string, Entry>();
  // One change at a time per instance: a poll never applies an older value over a newer one.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const entryOf = (key: string): Entry => {
    const entry = entries.get(key);
    if (!entry) throw new AdminError('admin.not_found', `There is no setting called ${key}.`);
    return entry;
  };

  const put = async (entry: Entry, value: unknown, meta: { revision: string | null; updatedAt: number | null; updatedBy: number | null }) => {
    entry.section.apply(value);
    Object.assign(entry, { value, ...meta });
    for (const listener of entry.listeners) {
      try {
        await listener(value);
      } catch (error) {
        // The setting is in effect; a follower (the daily report's schedule) logs its own trouble.
        deps.logger.error({ err: error, key: entry.section.key }, 'a follower of a settings change failed');
      }
    }
  };

  /** Reads the stored value (or the config file's) and applies it. */
  const load = async (entry: Entry) => {
    const row = await deps.store.getSettingRow(entry.section.key);
    if (row) {
      let parsed: { success: true; data: unknown } | { success: false; error: unknown };
      try {
        parsed = entry.section.schema.safeParse(JSON.parse(row.value));
      } catch (error) {
        parsed = { success: false, error };
      }
      if (parsed.success) {
        await put(entry, parsed.data, { revision: row.revision, updatedAt: row.updated_at, updatedBy: row.updated_by });
        return;
      }
      // A stored value the rules no longer accept (an older Lavka, a hand edit) must not stop the bot.
      deps.logger.warn({ key: entry.section.key, error: parsed.error }, 'a stored setting is invalid and was ignored; the config file applies');
    }
    await put(entry, entry.section.fallback(), { revision: row?.revision ?? null, updatedAt: null, updatedBy: null });
  };

  const settings = {
    /** Adds sections and applies what is stored for them. */
    register(sections: readonly LiveSettingsSection[], module: string): Promise<void> {
      return serial(async () => {
        for (const section of sections) {
          if (entries.has(section.key)) throw new Error(`the setting ${section.key} is registered twice`);
          if (!/^[a-z][a-z-]{1,31}$/.test(section.key)) throw new Error(`setting key ${section.key} must be lower-case letters and dashes`);
          const entry: Entry = { section, module, revision: null, value: undefined, updatedAt: null, updatedBy: null, listeners: [] };
          entries.set(section.key, entry);
          await load(entry);
        }
      });
    },

    /** Every registered section, in registration order. */
    sections(): LiveSettingsSection[] {
      return [...entries.values()].map((entry) => entry.section);
    },

    has(key: string): boolean {
      return entries.has(key);
    },

    /** The value in effect for `key`. */
    value(key: string): unknown {
      return entryOf(key).value;
    },

    view(key: string): SectionView {
      const entry = entryOf(key);
      return {
        key,
        module: entry.module,
        value: entry.value,
        fallback: entry.section.fallback(),
        overridden: entry.updatedAt !== null,
        updatedAt: entry.updatedAt,
        updatedBy: entry.updatedBy,
        facts: entry.section.describe?.() ?? {},
      };
    },

    /**
     * Validates, checks, stores and applies a new value. Bad input and refused checks throw
     * `admin.invalid_input` / `admin.setting_refused` and change nothing.
     */
    change(key: string, input: unknown, staffId: number, tools: SettingsCheckTools): Promise<unknown> {
      return serial(async () => {
        const entry = entryOf(key);
        const parsed = entry.section.schema.safeParse(input);
        if (!parsed.success) throw new AdminError('admin.invalid_input', describeIssues(parsed.error.issues));
        const refusal = await entry.section.check?.(parsed.data, entry.value, tools);
        if (refusal) throw new AdminError('admin.setting_refused', refusal.message, { reason: refusal.reason });
        const nowMs = deps.now();
        const revision = await deps.store.putSetting(key, JSON.stringify(parsed.data), staffId, nowMs);
        await put(entry, parsed.data, { revision, updatedAt: nowMs, updatedBy: staffId });
        return parsed.data;
      });
    },

    /** Forgets the panel's value: the config file's applies again. */
    reset(key: string): Promise<boolean> {
      return serial(async () => {
        const entry = entryOf(key);
        const removed = await deps.store.deleteSetting(key);
        await put(entry, entry.section.fallback(), { revision: null, updatedAt: null, updatedBy: null });
        return removed;
      });
    },

    /** Applies changes made by other instances; returns how many sections changed. */
    sync(): Promise<number> {
      return serial(async () => {
        const revisions = await deps.store.settingRevisions([...entries.keys()]);
        let changed = 0;
        for (const entry of entries.values()) {
          if ((revisions.get(entry.section.key) ?? null) === entry.revision) continue;
          await load(entry);
          changed += 1;
        }
        if (changed > 0) deps.logger.info({ changed }, 'applied settings changed on another instance');
        return changed;
      });
    },

    /** Runs `listener` after every value `key` takes from now on (here or from another instance). */
    onApplied(key: string, listener: (value: unknown) => void | Promise<void>): void {
      entryOf(key).listeners.push(listener);
    },
  };
  return settings;
}

/** The live settings' shape. */
export type LiveSettings = ReturnType<typeof createLiveSettings>;
