import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z, ZodError } from 'zod';
import { DocumentsError, type DocumentsService } from './documents.service.ts';

const listQuery = z.object({ patientId: z.coerce.number().int() });
const uploadBody = z.object({
  patientId: z.number().int(),
  kind: z.enum(['certificate', 'lab_result', 'other']),
  title: z.string().trim().min(1).max(120),
  fileName: z.string().trim().min(1).max(120),
  mimeType: z.enum(['application/pdf', 'image/png', 'image/jpeg']),
  /** The file, base64-encoded. */
  contentBase64: z.string().min(4).max(70 * 1024 * 1024),
  requestId: z.number().int().positive().optional(),
  uploadedBy: z.string().max(64).optional(),
});
const requestsQuery = z.object({ status: z.enum(['open', 'done', 'rejected']).optional() });

const STATUS_CODES: Record<string, number> = {
  'documents.not_found': 404,
  'documents.unknown_patient': 404,
  'documents.unknown_request': 404,
  'documents.request_closed': 409,
  'documents.too_large': 413,
  'documents.wrong_type': 415,
};

/**
 * Documents for the admin panel: a patient's list, uploads (certificates, lab results, with
 * the request they answer), the files themselves, and certificate requests.
 * // admin-only: mounted under /api/documents, which the admin panel's auth wraps.
 */
export function createDocumentsRoutes(deps: { documents: DocumentsService; maxUploadMegabytes: number }): FastifyPluginAsync {
  return async (app) => {
    const fail = (reply: FastifyReply, error: unknown) => {
      if (error instanceof ZodError) return reply.code(400).send({ error: 'documents.invalid_request', issues: error.issues.map((issue) => issue.message) });
      if (error instanceof DocumentsError) return reply.code(STATUS_CODES[error.code] ?? 400).send({ error: error.code, message: error.message });
      throw error;
    };

    // admin-only
    app.get('/', async (request, reply) => {
      const query = listQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'documents.invalid_query' });
      return { documents: await deps.documents.listForPatient(query.data.patientId, 200) };
    });

    // admin-only
    app.post('/', { bodyLimit: Math.ceil(deps.maxUploadMegabytes * 1024 * 1024 * 1.4) + 4096 }, async (request, reply) => {
      try {
        const { contentBase64, ...body } = uploadBody.parse(request.body);
        const content = Buffer.from(contentBase64, 'base64');
        return reply.code(201).send({ document: await deps.documents.upload({ ...body, content }) });
      } catch (error) {
        return fail(reply, error);
      }
    });

    // admin-only
    app.get('/file/:token', async (request, reply) => {
      const params = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{22}$/) }).safeParse(request.params);
      if (!params.success) return reply.code(404).send({ error: 'documents.not_found' });
      const file = await deps.documents.fileForStaff(params.data.token);
      if (!file) return reply.code(404).send({ error: 'documents.not_found' });
      const { document, bytes } = file;
      if (!bytes) return reply.code(404).send({ error: 'documents.not_found', message: 'the file is stored in Telegram only' });
      return reply
        .header('content-type', document.mime_type)
        .header('content-disposition', `attachment; filename="${document.file_name.replace(/[^\w.-]/g, '_')}"`)
        .send(Buffer.from(bytes));
    });

    // admin-only
    app.get('/requests', async (request, reply) => {
      const query = requestsQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'documents.invalid_query' });
      return { requests: await deps.documents.listRequests(query.data.status) };
    });

    // admin-only
    app.post('/requests/:id/reject', async (request, reply) => {
      const params = z.object({ id: z.coerce.number().int().positive() }).safeParse(request.params);
      if (!params.success) return reply.code(400).send({ error: 'documents.invalid_id' });
      try {
        return { request: await deps.documents.rejectRequest(params.data.id) };
      } catch (error) {
        return fail(reply, error);
      }
    });
  };
}
