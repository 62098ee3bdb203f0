import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import type { FaqService } from './faq.service.ts';

const listQuery = z.object({ locale: z.enum(SUPPORTED_LOCALES).default('en') });

/** Public read-only FAQ API (`GET /public/faq?locale=ru`), e.g. for the Mini App or a website. */
export function createFaqRoutes(deps: { faq: FaqService }): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request, reply) => {
      const parsed = listQuery.safeParse(request.query);
      if (!parsed.success) return reply.code(400).send({ error: 'faq.invalid_locale', message: 'locale must be ru, en or kk' });
      const entries = await deps.faq.list(parsed.data.locale);
      return { entries: entries.map(({ id, question, answer }) => ({ id, question, answer })) };
    });
  };
}
