import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import { noteAudit } from '../../platform/audit.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { faqEntryInputSchema } from '../faq/faq.service.ts';
import { OWNER_ONLY, idParams, type AdminApiDeps, type AdminApiServices } from './admin.api.ts';
import { AdminError } from './admin.errors.ts';

const localeSchema = z.enum(SUPPORTED_LOCALES);

/** The FAQ module's service, or a refusal when the preset runs without it. */
function faqOf(services: AdminApiServices) {
  if (!services.faq) throw new AdminError('admin.module_disabled', 'The FAQ module is not enabled.');
  return services.faq;
}

function faqView(entry: { id: number; locale: string; question: string; answer: string; position: number; is_hidden: number; updated_at: number }) {
  return { id: entry.id, locale: entry.locale, question: entry.question, answer: entry.answer, position: entry.position, hidden: entry.is_hidden === 1, updatedAt: entry.updated_at };
}

/** The content page: FAQ entries in every language, and the bot's texts the owner edits. */
export function contentRoutes(deps: AdminApiDeps): AnyApiRoute[] {
  const { services } = deps;
  return [
    route({
      method: 'GET',
      url: '/content/faq',
      tag: 'content',
      summary: 'Every FAQ entry in every language, hidden ones included',
      staffRoles: OWNER_ONLY,
      handler: async () => {
        if (!services.faq) return { enabled: false, entries: [] };
        return { enabled: true, entries: (await services.faq.listAll()).map(faqView) };
      },
    }),
    route({
      method: 'POST',
      url: '/content/faq',
      tag: 'content',
      summary: 'Adds a FAQ entry',
      staffRoles: OWNER_ONLY,
      body: faqEntryInputSchema,
      handler: async ({ body, request, reply }) => {
        const entry = await faqOf(services).create(body);
        noteAudit(request, { subject: { type: 'faq_entry', id: entry.id } });
        return reply.code(201).send({ entry: faqView(entry) });
      },
    }),
    route({
      method: 'PUT',
      url: '/content/faq/:id',
      tag: 'content',
      summary: 'Changes a FAQ entry',
      staffRoles: OWNER_ONLY,
      params: idParams,
      body: faqEntryInputSchema,
      handler: async ({ params, body, request }) => {
        const entry = await faqOf(services).update(params.id, body);
        if (!entry) throw new AdminError('admin.not_found', 'This question no longer exists.');
        noteAudit(request, { subject: { type: 'faq_entry', id: entry.id } });
        return { entry: faqView(entry) };
      },
    }),
    route({
      method: 'DELETE',
      url: '/content/faq/:id',
      tag: 'content',
      summary: 'Deletes a FAQ entry',
      staffRoles: OWNER_ONLY,
      params: idParams,
      handler: async ({ params, request }) => {
        if (!(await faqOf(services).remove(params.id))) throw new AdminError('admin.not_found', 'This question no longer exists.');
        noteAudit(request, { subject: { type: 'faq_entry', id: params.id } });
        return { deleted: true };
      },
    }),
    route({
      method: 'GET',
      url: '/content/texts',
      tag: 'content',
      summary: 'The bot’s texts in one language, with the owner’s overrides',
      staffRoles: OWNER_ONLY,
      query: z.object({ locale: localeSchema }),
      handler: async ({ query }) => ({ locale: query.locale, texts: await deps.content.texts(query.locale) }),
    }),
    route({
      method: 'PUT',
      url: '/content/texts/:locale/:id',
      tag: 'content',
      summary: 'Overrides one bot text in one language (Fluent syntax, e.g. { $name })',
      staffRoles: OWNER_ONLY,
      params: z.object({ locale: localeSchema, id: z.string().regex(/^[a-zA-Z][\w-]{0,127}$/) }),
      body: z.object({ text: z.string().min(1).max(4000) }),
      handler: async ({ params, body, principal, request }) => {
        await deps.content.setText(params.locale, params.id, body.text, principal.staff.id);
        noteAudit(request, { subject: { type: 'text', id: `${params.locale}:${params.id}` } });
        return { ok: true };
      },
    }),
    route({
      method: 'DELETE',
      url: '/content/texts/:locale/:id',
      tag: 'content',
      summary: 'Goes back to the shipped text',
      staffRoles: OWNER_ONLY,
      params: z.object({ locale: localeSchema, id: z.string().regex(/^[a-zA-Z][\w-]{0,127}$/) }),
      handler: async ({ params, request }) => {
        const removed = await deps.content.resetText(params.locale, params.id);
        noteAudit(request, { subject: { type: 'text', id: `${params.locale}:${params.id}` } });
        return { removed };
      },
    }),
  ];
}
