import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Lavka's version, from package.json. */
export const LAVKA_VERSION: string = (JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;
