import { z } from 'zod';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import type { FeedbackService } from './feedback.service.ts';

const listQuery = z.object({ sinceMs: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(200) });

/** Feedback for the admin panel: the answers and the NPS since a moment. */
export function createFeedbackRoutes(deps: { feedback: FeedbackService }): AnyApiRoute[] {
  return [
    route({
      method: 'GET',
      url: '/',
      summary: 'Answers after visits and the NPS since a moment',
      query: listQuery,
      handler: async ({ query }) => ({ summary: await deps.feedback.summary(query.sinceMs), feedback: await deps.feedback.list(query.sinceMs, query.limit) }),
    }),
  ];
}
