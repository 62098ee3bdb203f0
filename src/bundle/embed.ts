// Lavka inside another Node program, from the start-up bundle (dist/server/embed.js): the
// benchmarks run the same code `npm start` runs, not the sources through Node's TypeScript
// stripping (a module record and a commented text per file: 13 MB more heap to measure).
export { startLavka } from '../app.ts';
export { parseEnv } from '../config/env.ts';
export { createLogger } from '../observability/logger.ts';
