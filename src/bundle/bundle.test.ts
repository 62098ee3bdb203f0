import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { BUNDLE_DIR, BUNDLE_ENTRY, checkBundle, fileStamp, MANIFEST_FILE, moduleFolders, type BundleManifest } from './bundle.freshness.ts';

/** A folder shaped like Lavka's, with a "built" bundle whose manifest matches its two sources. */
function builtTree(): { root: string; done: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'lavka-bundle-'));
  mkdirSync(path.join(root, 'src', 'modules', 'shop'), { recursive: true });
  mkdirSync(path.join(root, BUNDLE_DIR), { recursive: true });
  writeFileSync(path.join(root, 'src', 'start.ts'), 'export {};\n');
  writeFileSync(path.join(root, 'src', 'modules', 'shop', 'shop.module.ts'), 'export const module = {};\n');
  writeFileSync(path.join(root, 'package-lock.json'), '{}\n');
  writeFileSync(path.join(root, BUNDLE_DIR, BUNDLE_ENTRY), 'export {};\n');
  const inputs: Record<string, string> = {};
  for (const file of ['src/start.ts', 'src/modules/shop/shop.module.ts', 'package-lock.json']) inputs[file] = fileStamp(path.join(root, file)) ?? '';
  const manifest: BundleManifest = { format: 1, inputs, modules: moduleFolders(root) };
  writeFileSync(path.join(root, BUNDLE_DIR, MANIFEST_FILE), JSON.stringify(manifest));
  return { root, done: () => rmSync(root, { recursive: true, force: true }) };
}

describe('whether the start-up bundle matches the sources', () => {
  test('fresh right after the build, with the entry to import', () => {
    const tree = builtTree();
    try {
      const check = checkBundle(tree.root);
      assert.equal(check.fresh, true);
      assert.ok(check.fresh && check.entryUrl.endsWith(`${BUNDLE_DIR}/${BUNDLE_ENTRY}`));
    } finally {
      tree.done();
    }
  });

  test('stale once a source or the lock file changes, is removed, or a module folder is added, saying which', () => {
    const cases: [string, (root: string) => void, RegExp][] = [
      ['edited', (root) => writeFileSync(path.join(root, 'src', 'start.ts'), 'export const changed = 1;\n'), /src\/start\.ts changed/],
      ['touched', (root) => utimesSync(path.join(root, 'src', 'start.ts'), new Date(), new Date(Date.now() + 5_000)), /src\/start\.ts changed/],
      ['dependencies', (root) => writeFileSync(path.join(root, 'package-lock.json'), '{"lockfileVersion":3}\n'), /package-lock\.json changed/],
      ['removed', (root) => rmSync(path.join(root, 'src', 'modules', 'shop', 'shop.module.ts')), /shop\.module\.ts is gone/],
      ['new module', (root) => mkdirSync(path.join(root, 'src', 'modules', 'clinic')), /src\/modules\/clinic was added/],
    ];
    for (const [name, change, reason] of cases) {
      const tree = builtTree();
      try {
        change(tree.root);
        const check = checkBundle(tree.root);
        assert.equal(check.fresh, false, name);
        assert.ok(!check.fresh && check.built, name);
        assert.match(check.fresh ? '' : check.reason, reason, name);
      } finally {
        tree.done();
      }
    }
  });

  test('absent or unreadable: the sources start, and the reason says so', () => {
    const tree = builtTree();
    try {
      writeFileSync(path.join(tree.root, BUNDLE_DIR, MANIFEST_FILE), '{not json');
      const broken = checkBundle(tree.root);
      assert.ok(!broken.fresh && broken.built && /cannot be read/.test(broken.reason));
      writeFileSync(path.join(tree.root, BUNDLE_DIR, MANIFEST_FILE), JSON.stringify({ format: 2, inputs: {}, modules: [] }));
      const other = checkBundle(tree.root);
      assert.ok(!other.fresh && /not one this version writes/.test(other.reason));
      rmSync(path.join(tree.root, BUNDLE_DIR), { recursive: true });
      const none = checkBundle(tree.root);
      assert.ok(!none.fresh && !none.built && /no start-up bundle/.test(none.reason));
    } finally {
      tree.done();
    }
  });
});
