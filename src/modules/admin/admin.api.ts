import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { StaffRole } from '../module.ts';
import { isUsersError } from '../users/users.errors.ts';
import { isAdminError } from './admin.errors.ts';
import { staffOf, type GatedRouteConfig } from './admin.gate.ts';
import { sendAdminError } from './admin.login.routes.ts';
import type { Authenticated } from './admin.service.ts';

/** HTTP methods of the admin API. */
export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler receives: validated input and the staff member. */
export interface ApiInput<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  auth: Authenticated;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One admin API route: its zod schemas validate the request and also produce the OpenAPI
 * document, so the documentation cannot drift from what the server accepts.
 */
export interface ApiRoute<Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined> {
  method: ApiMethod;
  /** Fastify path under the API prefix, e.g. `/customers/:id`. */
  url: string;
  summary: string;
  /** The OpenAPI tag (the panel page it serves). */
  tag: string;
  staffRoles: readonly StaffRole[];
  query?: Q;
  params?: P;
  body?: B;
  /** Shape of a successful JSON answer (documentation only). */
  response?: z.ZodType;
  /** A non-JSON answer (a file download), described for the docs. */
  produces?: string;
  handler(input: ApiInput<z.output<Q>, z.output<P>, z.output<B>>): Promise<unknown>;
}

/** Any route, for lists; each one was type-checked by {@link route}. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a heterogeneous list of routes checked one by one in route()
export type AnyApiRoute = ApiRoute<any, any, any>;

/** Declares a route with its handler typed from its schemas. */
export function route<Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
  definition: ApiRoute<Q, P, B>,
): AnyApiRoute {
  return definition as AnyApiRoute;
}

/** Turns zod issues into one sentence per field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('; ');
}

/** Registers routes on a gated scope: validation first, then the handler, refusals as JSON. */
export function registerApiRoutes(app: FastifyInstance, routes: readonly AnyApiRoute[]): void {
  for (const definition of routes) {
    const config: GatedRouteConfig = { staffRoles: definition.staffRoles };
    app.route({
      method: definition.method,
      url: definition.url,
      config,
      handler: async (request, reply) => {
        const parts = [
          ['query', definition.query, request.query],
          ['params', definition.params, request.params],
          ['body', definition.body, request.body],
        ] as const;
        const input: Record<string, unknown> = {};
        for (const [name, schema, value] of parts) {
          if (!schema) continue;
          const parsed = schema.safeParse(value ?? (name === 'body' ? undefined : {}));
          if (!parsed.success) {
            return reply.code(400).send({ error: 'admin.invalid_input', message: describeIssues(parsed.error.issues) });
          }
          input[name] = parsed.data;
        }
        try {
          return await definition.handler({ query: input.query, params: input.params, body: input.body, auth: staffOf(request), request, reply });
        } catch (error) {
          if (isAdminError(error)) return sendAdminError(reply, error);
          // The users service refuses an id that is nobody, whichever route passed it on.
          if (isUsersError(error)) return reply.code(404).send({ error: error.code, message: error.message });
          throw error;
        }
      },
    });
  }
}

/** JSON Schema of a zod schema as OpenAPI 3.1 reads it (draft 2020-12). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** Path or query parameters from an object schema. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

/** The OpenAPI 3.1 document of the admin API, generated from the routes' zod schemas. */
export function buildOpenApi(routes: readonly AnyApiRoute[], info: { prefix: string; version: string; title: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorRef = { $ref: '#/components/schemas/Error' };
  for (const definition of routes) {
    const path = `${info.prefix}${definition.url}`.replace(/:([A-Za-z_]\w*)/g, '{$1}').replace(/\/$/, '') || '/';
    const unsafe = definition.method !== 'GET';
    const operation: Record<string, unknown> = {
      summary: definition.summary,
      tags: [definition.tag],
      operationId: `${definition.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_match, char: string | undefined) => (char ?? '').toUpperCase())}`,
      description: `Roles: ${['owner', ...definition.staffRoles.filter((role) => role !== 'owner')].join(', ')}.`,
      security: unsafe ? [{ sessionCookie: [], csrfToken: [] }] : [{ sessionCookie: [] }],
      parameters: [...parameters(definition.params, 'path'), ...parameters(definition.query, 'query')],
      responses: {
        '200': definition.produces
          ? { description: 'A file', content: { [definition.produces]: { schema: { type: 'string', format: 'binary' } } } }
          : { description: 'OK', content: { 'application/json': { schema: definition.response ? jsonSchema(definition.response, 'output') : {} } } },
        '400': { description: 'Invalid input', content: { 'application/json': { schema: errorRef } } },
        '401': { description: 'No valid session', content: { 'application/json': { schema: errorRef } } },
        '403': { description: 'Wrong role, or a missing CSRF token', content: { 'application/json': { schema: errorRef } } },
      },
    };
    if (definition.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(definition.body, 'input') } } };
    }
    paths[path] = { ...paths[path], [definition.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: 'The API of the Lavka admin panel. Log in first (POST /public/admin/login or /public/admin/link); send the session\'s CSRF token in x-csrf-token with every request that changes something.' },
    paths,
    components: {
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'lavka_admin' },
        csrfToken: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: { error: { type: 'string', description: 'A dotted code such as admin.forbidden' }, message: { type: 'string' } },
        },
      },
    },
  };
}
