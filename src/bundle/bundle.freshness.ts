import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// Whether the start-up bundle (docs/decisions/0021) still matches the sources it was built
// from. Read by main.ts before anything else of Lavka's is loaded: node:fs and node:path only.

/** Where the bundle is written, relative to Lavka's folder. */
export const BUNDLE_DIR = path.join('dist', 'server');
/** The bundle's entry (what src/start.ts becomes). */
export const BUNDLE_ENTRY = 'start.js';
/** What `npm start` runs (what src/main.ts becomes). */
export const BUNDLE_LAUNCHER = 'main.js';
/** Lavka to start from another program, the benchmarks (what src/bundle/embed.ts becomes). */
export const BUNDLE_EMBED = 'embed.js';
/** What the build recorded about its inputs. */
export const MANIFEST_FILE = 'manifest.json';

/** The record a build leaves beside the bundle. */
export interface BundleManifest {
  format: 1;
  /** Every file of Lavka's own the bundle holds, and the lock file for its dependencies: `size:mtimeMs`. */
  inputs: Record<string, string>;
  /** The folders of src/modules when it was built (a new module is a new folder). */
  modules: string[];
}

/** Files whose change makes the bundle stale even though it does not hold them. */
export const ALSO_WATCHED = ['package.json', 'package-lock.json'];
/** Where the modules are: a new folder there is a module the bundle does not hold. */
export const MODULES_FOLDER = path.join('src', 'modules');

/** A file's identity as the manifest keeps it. */
export function fileStamp(file: string): string | undefined {
  try {
    const stats = statSync(file, { throwIfNoEntry: false });
    return stats && `${stats.size}:${Math.trunc(stats.mtimeMs)}`;
  } catch {
    // Unreadable (permissions, a file where a folder was): not the file that was built.
    return undefined;
  }
}

/** The module folders of `root`, sorted. */
export function moduleFolders(root: string): string[] {
  return readdirSync(path.join(root, MODULES_FOLDER), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** What main.ts started: the bundle, or the sources and why. */
export type StartedFrom = { from: 'bundle' } | { from: 'sources'; reason: string };

// Shared through the global object: the bundle holds its own copy of this file.
const STARTED_FROM = Symbol.for('lavka.startedFrom');

/** Said by main.ts before it loads Lavka. */
export function rememberStartedFrom(startedFrom: StartedFrom): void {
  (globalThis as Record<symbol, unknown>)[STARTED_FROM] = startedFrom;
}

/** What main.ts said it started (undefined when Lavka was not started by main.ts: tests, tools). */
export function startedFrom(): StartedFrom | undefined {
  return (globalThis as Record<symbol, unknown>)[STARTED_FROM] as StartedFrom | undefined;
}

/** The bundle to start, or why not: absent, unreadable or built from other sources. */
export type BundleCheck = { fresh: true; entryUrl: string } | { fresh: false; reason: string; built: boolean };

/**
 * Compares the manifest with the files as they are now: a size or time that differs, a file
 * gone or a module folder added means the sources changed since the build. Costs one `stat`
 * per source file (a few milliseconds).
 */
export function checkBundle(root: string): BundleCheck {
  const dir = path.join(root, BUNDLE_DIR);
  const entry = path.join(dir, BUNDLE_ENTRY);
  const manifestFile = path.join(dir, MANIFEST_FILE);
  if (!existsSync(entry) || !existsSync(manifestFile)) return { fresh: false, reason: 'no start-up bundle has been built', built: false };
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BundleManifest;
  } catch {
    return { fresh: false, reason: `${path.join(BUNDLE_DIR, MANIFEST_FILE)} cannot be read`, built: true };
  }
  if (manifest.format !== 1 || typeof manifest.inputs !== 'object' || !Array.isArray(manifest.modules)) {
    return { fresh: false, reason: `${path.join(BUNDLE_DIR, MANIFEST_FILE)} is not one this version writes`, built: true };
  }
  // The first code of every start, run before V8 has optimised anything: a plain loop and no
  // path.join (about half the time of Object.entries and path.join for each of ~600 files).
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  for (const file in manifest.inputs) {
    const stamp = fileStamp(prefix + file);
    if (stamp !== manifest.inputs[file]) return { fresh: false, reason: `${file} ${stamp === undefined ? 'is gone' : 'changed'} since it was built`, built: true };
  }
  let folders: string[];
  try {
    folders = moduleFolders(root);
  } catch {
    return { fresh: false, reason: `${MODULES_FOLDER} cannot be read`, built: true };
  }
  const added = folders.find((name) => !manifest.modules.includes(name));
  if (added) return { fresh: false, reason: `${path.join(MODULES_FOLDER, added)} was added since it was built`, built: true };
  return { fresh: true, entryUrl: pathToFileURL(entry).href };
}
