import type { LavkaModule } from './module.ts';

/**
 * Imports the declaration of one of Lavka's own modules, `<name>/<name>.module.ts`, by a path
 * relative to this file. The start-up bundle replaces this file with a table of every module's
 * declaration (`moduleDeclarationsInOneFile` in src/bundle/bundle.build.ts): a start reads them
 * all anyway, and one file of the bundle costs less to load than one per module.
 */
export async function loadOwnModule(name: string): Promise<{ module?: LavkaModule }> {
  return (await import(`./${name}/${name}.module.ts`)) as { module?: LavkaModule };
}
