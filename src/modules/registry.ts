import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BusinessConfig } from '../config/business.ts';
import { ConfigError } from '../config/env.ts';
import type { MigrationGroup } from '../db/migrator.ts';
import { coreMigrations } from '../db/migrations/index.ts';
import { LAVKA_VERSION } from '../config/version.ts';
import { createMetrics } from '../observability/metrics.ts';
import { createEvents, type Events } from '../platform/events.ts';
import { DEFAULT_STAFF_ROLES } from '../platform/roles.ts';
import { loadOwnModule } from './declarations.ts';
import type { LavkaModule, ModuleDeps, ModuleFacts, ModuleInstance, ModuleServices, Runtime, ServiceName } from './module.ts';

/** Where modules live: each folder holds `<name>.module.ts` exporting `module`. */
export const MODULES_DIR = import.meta.dirname;

/**
 * Finds every module by its folder, so that adding a module means adding a folder.
 * Folders without a `<name>.module.ts` are skipped.
 */
export async function discoverModules(modulesDir = MODULES_DIR): Promise<LavkaModule[]> {
  const entries = await readdir(modulesDir, { withFileTypes: true });
  const modules: LavkaModule[] = [];
  for (const entry of entries.filter((item) => item.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(modulesDir, entry.name, `${entry.name}.module.ts`);
    if (!existsSync(file)) continue;
    // Lavka's own modules through declarations.ts (a table of them all in the start-up bundle);
    // another folder's by its file (tests that build modules of their own).
    const loaded = modulesDir === MODULES_DIR ? await loadOwnModule(entry.name) : ((await import(pathToFileURL(file).href)) as { module?: LavkaModule });
    if (!loaded.module || loaded.module.name !== entry.name) {
      throw new Error(`${file} must export \`module\` with name "${entry.name}"`);
    }
    modules.push(loaded.module);
  }
  return modules;
}

/** Orders modules so that each comes after what it depends on (or runs `after`); core modules first. */
export function orderModules(modules: readonly LavkaModule[]): LavkaModule[] {
  const byName = new Map(modules.map((item) => [item.name, item]));
  const ordered: LavkaModule[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (item: LavkaModule, trail: string[]) => {
    const seen = state.get(item.name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`Module dependency cycle: ${[...trail, item.name].join(' → ')}`);
    state.set(item.name, 'visiting');
    for (const dependency of item.dependsOn ?? []) {
      const target = byName.get(dependency);
      if (!target) throw new Error(`Module ${item.name} depends on unknown module ${dependency}`);
      visit(target, [...trail, item.name]);
    }
    // Optional predecessors: ordered first when they are in the list, ignored otherwise.
    for (const predecessor of item.after ?? []) {
      const target = byName.get(predecessor);
      if (target) visit(target, [...trail, item.name]);
    }
    state.set(item.name, 'done');
    ordered.push(item);
  };
  const sorted = [...modules].sort((a, b) => Number(Boolean(b.core)) - Number(Boolean(a.core)) || a.name.localeCompare(b.name));
  for (const item of sorted) visit(item, []);
  return ordered;
}

/**
 * Every migration, runtime first, then each module's in dependency order. All modules'
 * tables exist whatever the preset, so switching presets never needs a schema change.
 */
export function migrationGroups(modules: readonly LavkaModule[]): MigrationGroup[] {
  return [
    { module: 'core', migrations: coreMigrations },
    ...orderModules(modules)
      .filter((item) => (item.migrations?.length ?? 0) > 0)
      .map((item) => ({ module: item.name, migrations: item.migrations ?? [] })),
  ];
}

/** The modules a deployment runs: the core ones, the enabled ones, and their dependencies. */
export function selectModules(all: readonly LavkaModule[], config: BusinessConfig): LavkaModule[] {
  const byName = new Map(all.map((item) => [item.name, item]));
  const unknown = config.modules.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new ConfigError('Lavka cannot start: the business configuration enables unknown modules.', [
      `modules: ${unknown.join(', ')} (known: ${[...byName.keys()].sort().join(', ')})`,
    ]);
  }
  const wanted = new Set<string>();
  const add = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dependency of byName.get(name)?.dependsOn ?? []) add(dependency);
  };
  for (const item of all) if (item.core || item.enabledBy?.(config)) add(item.name);
  for (const name of config.modules) add(name);
  return orderModules(all.filter((item) => wanted.has(item.name)));
}

/** A module after `setup`. */
export interface ActiveModule {
  name: string;
  definition: LavkaModule;
  instance: ModuleInstance;
}

/** Sets modules up in order; each receives the services it declared, set up before it. */
export async function setupModules(
  modules: readonly LavkaModule[],
  options: Omit<ModuleDeps, 'services' | 'runtime' | 'events'> & { runtime?: Runtime; events?: Events },
): Promise<{ active: ActiveModule[]; services: Partial<ModuleServices> }> {
  const services: Partial<ModuleServices> = {};
  const active: ActiveModule[] = [];
  // Set up outside a running Lavka (tests, tools), events go nowhere unless the caller connects them.
  const deps = { ...options, runtime: options.runtime ?? standaloneRuntime(() => active, options.now), events: options.events ?? createEvents() };
  for (const definition of modules) {
    const missing = (definition.dependsOn ?? []).filter((name) => (services as Record<string, unknown>)[name] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(`Lavka cannot start: the ${definition.name} module requires ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not set up.`, [
        `${definition.name}: enable ${missing.join(', ')} in the preset, or take ${definition.name} out of it`,
      ]);
    }
    // Exactly what the module declared: the compiler holds it to that, and so does the run.
    const declared = [...(definition.dependsOn ?? []), ...(definition.after ?? [])];
    const visible = Object.fromEntries(declared.filter((name) => name in services).map((name) => [name, (services as Record<string, unknown>)[name]]));
    const instance = (await definition.setup?.({ ...deps, services: visible as never, logger: deps.logger.child({ module: definition.name }) })) ?? {};
    if (instance.service !== undefined) (services as Record<string, unknown>)[definition.name] = instance.service;
    active.push({ name: definition.name, definition, instance });
  }
  return { active, services };
}

/** The services every deployment has (the core modules'), present or a clear start-up error. */
export function coreServices<Name extends ServiceName>(services: Partial<ModuleServices>, names: readonly Name[]): Pick<ModuleServices, Name> {
  for (const name of names) {
    if (services[name] === undefined) throw new ConfigError(`Lavka cannot start: the ${name} module is not set up.`, [`modules: ${name} is a core module; check that src/modules/${name} exists`]);
  }
  return services as Pick<ModuleServices, Name>;
}

/** The code a module's routes answer input no schema accepts with: `orders.invalid_request`. */
export function invalidInputCode(item: ActiveModule): string {
  return item.instance.invalidInputCode ?? `${item.name.replaceAll('-', '_')}.invalid_request`;
}

/** The enabled modules as the panel and the API document know them. */
export function moduleFacts(active: readonly ActiveModule[]): ModuleFacts[] {
  return active.map((item) => ({
    name: item.name,
    panel: item.definition.panel ?? [],
    routes: item.instance.routes ?? [],
    staffRoles: item.instance.staffRoles ?? DEFAULT_STAFF_ROLES,
    integrationRoutes: item.instance.integrationRoutes ?? [],
  }));
}

/**
 * The runtime of modules set up outside a running Lavka (tests, command-line tools): no bot,
 * no readiness checks, no HTTP server; the modules are the ones set up.
 */
export function standaloneRuntime(active: () => readonly ActiveModule[], now: () => number): Runtime {
  return {
    mode: 'sandbox',
    version: LAVKA_VERSION,
    startedAtMs: now(),
    metrics: createMetrics({ processMetrics: false }),
    readiness: () => [],
    telegram: () => undefined,
    modules: () => moduleFacts(active()),
    apiDocument: () => ({}),
  };
}
