import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { envSchema } from './env.ts';

const root = path.resolve(import.meta.dirname, '../..');

test('every environment variable is documented in the README table and in .env.example', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const example = readFileSync(path.join(root, '.env.example'), 'utf8');
  const names = Object.keys(envSchema.shape);
  const missingInReadme = names.filter((name) => !readme.includes(`| \`${name}\` |`));
  const missingInExample = names.filter((name) => !new RegExp(`^${name}=`, 'm').test(example));
  assert.deepEqual(missingInReadme, [], 'README configuration table');
  assert.deepEqual(missingInExample, [], '.env.example');
});
