import '../config/node-version.ts';
import { ConfigError, parseEnv } from '../config/env.ts';
import { environmentWithFile } from '../config/env-file.ts';
import { createDatabase } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import { discoverModules, migrationGroups } from '../modules/registry.ts';

// `npm run migrate`: applies pending migrations to DATABASE_URL and prints what it did.
try {
  const env = parseEnv(environmentWithFile());
  const database = await createDatabase({ url: env.DATABASE_URL });
  try {
    const report = await migrate(database, migrationGroups(await discoverModules()));
    process.stdout.write(
      report.applied.length > 0
        ? `Applied ${report.applied.length} migration(s) to ${database.location}:\n${report.applied.map((name) => `  ${name}`).join('\n')}\n`
        : `${database.location} is up to date (${report.alreadyApplied} migrations).\n`,
    );
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`);
  process.exit(1);
}
