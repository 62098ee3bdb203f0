import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { FeedbackService } from './feedback.service.ts';

const listQuery = z.object({ sinceMs: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(200) });

/**
 * Feedback for the admin panel: the answers and the NPS since a moment.
 * // admin-only: mounted under /api/feedback, which the admin panel's auth wraps.
 */
export function createFeedbackRoutes(deps: { feedback: FeedbackService }): FastifyPluginAsync {
  return async (app) => {
    // admin-only
    app.get('/', async (request, reply) => {
      const query = listQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'feedback.invalid_query' });
      return { summary: await deps.feedback.summary(query.data.sinceMs), feedback: await deps.feedback.list(query.data.sinceMs, query.data.limit) };
    });
  };
}
