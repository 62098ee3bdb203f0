import { z } from 'zod';
import { route, type AnyApiRoute } from '../../platform/route.ts';
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

const TOKEN = /^[A-Za-z0-9_-]{22}$/;

/**
 * Documents for the admin panel: a patient's list, uploads (certificates, lab results, with
 * the request they answer), the files themselves, and certificate requests.
 */
export function createDocumentsRoutes(deps: { documents: DocumentsService; maxUploadMegabytes: number }): AnyApiRoute[] {
  const notFound = (message = 'There is no such document.') => new DocumentsError('documents.not_found', message);
  return [
    route({
      method: 'GET',
      url: '/',
      summary: 'A patient’s documents',
      query: listQuery,
      handler: async ({ query }) => ({ documents: await deps.documents.listForPatient(query.patientId, 200) }),
    }),
    route({
      method: 'POST',
      url: '/',
      summary: 'Uploads a certificate, lab result or other file for a patient (base64), answering a request if given',
      // Base64 makes a file a third larger; the limit is the owner's upload limit plus the JSON around it.
      bodyLimit: Math.ceil(deps.maxUploadMegabytes * 1024 * 1024 * 1.4) + 4096,
      body: uploadBody,
      handler: async ({ body, reply }) => {
        const { contentBase64, ...fields } = body;
        const content = Buffer.from(contentBase64, 'base64');
        return reply.code(201).send({ document: await deps.documents.upload({ ...fields, content }) });
      },
    }),
    route({
      method: 'GET',
      url: '/file/:token',
      summary: 'The file of a document',
      produces: 'application/octet-stream',
      params: z.object({ token: z.string().max(64) }),
      handler: async ({ params, reply }) => {
        // A malformed token is as unknown as a wrong one.
        const file = TOKEN.test(params.token) ? await deps.documents.fileForStaff(params.token) : undefined;
        if (!file) throw notFound();
        const { document, bytes } = file;
        if (!bytes) throw notFound('the file is stored in Telegram only');
        return reply
          .header('content-type', document.mime_type)
          .header('content-disposition', `attachment; filename="${document.file_name.replace(/[^\w.-]/g, '_')}"`)
          .send(Buffer.from(bytes));
      },
    }),
    route({
      method: 'GET',
      url: '/requests',
      summary: 'Certificate requests by status',
      query: requestsQuery,
      handler: async ({ query }) => ({ requests: await deps.documents.listRequests(query.status) }),
    }),
    route({
      method: 'POST',
      url: '/requests/:id/reject',
      summary: 'Rejects a certificate request',
      params: z.object({ id: z.coerce.number().int().positive() }),
      handler: async ({ params }) => ({ request: await deps.documents.rejectRequest(params.id) }),
    }),
  ];
}
