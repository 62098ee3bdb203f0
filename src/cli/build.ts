import '../config/node-version.ts';
import path from 'node:path';
import { buildBundle } from '../bundle/bundle.build.ts';
import { BUNDLE_DIR } from '../bundle/bundle.freshness.ts';

// `npm run build:server`: builds the start-up bundle that `npm start` runs while it matches
// the sources (docs/decisions/0021). `npm install` runs it; so does the Docker image's build.
const root = path.resolve(import.meta.dirname, '../..');
try {
  const report = await buildBundle(root);
  process.stdout.write(
    `Built the start-up bundle in ${BUNDLE_DIR}: ${report.files} files, ${(report.bytes / 1_048_576).toFixed(1)} MB from ${report.inputs} sources, in ${(report.ms / 1000).toFixed(1)} s.\n`,
  );
} catch (error) {
  console.error(`Could not build the start-up bundle: ${(error as Error).message}\nnpm start runs the sources instead, only more slowly.`);
  process.exit(1);
}
