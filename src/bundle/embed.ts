// Lavka inside another Node program, from the start-up bundle (dist/server/embed.js): the
// benchmarks run the same code `npm start` runs, not the sources through Node's TypeScript
// stripping (whose compiler and copies of the sources would sit in the measured heap).
export { startLavka } from '../app.ts';
export { parseEnv } from '../config/env.ts';
export { createLogger } from '../observability/logger.ts';
