import { defineModule } from '../module.ts';
import type { FeedbackService } from './feedback.service.ts';
import { feedbackMigrations } from './feedback.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    feedback: FeedbackService;
  }
}

/**
 * Feedback after a completed visit: an NPS question (0–10), an optional comment, alerts on
 * low scores; with the clinic's ERP (`connectors.clinic`), each score is reported there too.
 */
export const module = defineModule({
  name: 'feedback',
  dependsOn: ['patients', 'booking'],
  after: ['clinic-erp'],
  migrations: feedbackMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupFeedback } = await import('./feedback.setup.ts');
    return setupFeedback(deps);
  },
});
