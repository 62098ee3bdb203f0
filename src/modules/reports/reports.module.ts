import { defineModule, type CommandSpec } from '../module.ts';
import { createReportsComposer } from './reports.bot.ts';
import type { ReportSource } from './reports.types.ts';

/** The reports module's service: where modules add their part of `/stats` and `/export`. */
export interface ReportsService {
  /** Adds a module's figures and dataset to the staff commands. */
  register(source: ReportSource): void;
}

declare module '../module.ts' {
  interface ModuleServices {
    reports: ReportsService;
  }
}

/**
 * Staff reports: `/stats` and `/export` gather what each enabled module contributes (orders and
 * revenue of the shop, print jobs and Stars through the orders module, the clinic's
 * appointments), so every preset with staff has them without one module knowing another.
 */
export const module = defineModule({
  name: 'reports',
  core: true,
  setup(deps) {
    const sources: ReportSource[] = [];
    const service: ReportsService = {
      register(source) {
        sources.push(source);
      },
    };
    const commands: CommandSpec[] = [
      { command: 'stats', description: 'command-reports-stats', audience: 'admin' },
      { command: 'export', description: 'command-reports-export', audience: 'admin' },
    ];
    return {
      service,
      composer: createReportsComposer({ sources, timeZone: () => deps.config.business.timeZone, now: deps.now }),
      // Read once every module is set up: published only when some module contributes.
      get commands() {
        return sources.length > 0 ? commands : [];
      },
    };
  },
});
