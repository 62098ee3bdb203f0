import { z } from 'zod';
import type { AnyApiRoute } from './route.ts';
import { DEFAULT_STAFF_ROLES, withOwner, type StaffRole } from './roles.ts';

/** One module's API as the document describes it. */
export interface DocumentedApi {
  /** Where it is mounted, e.g. `/api/orders`. */
  prefix: string;
  /** The module; the tag of its routes that name none. */
  module: string;
  /** Roles its routes allow unless a route says otherwise. */
  staffRoles?: readonly StaffRole[];
  routes: readonly AnyApiRoute[];
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

const errorRef = { $ref: '#/components/schemas/Error' };

function operationOf(api: DocumentedApi, definition: AnyApiRoute, path: string): Record<string, unknown> {
  const unsafe = definition.method !== 'GET';
  const roles = withOwner(definition.staffRoles ?? api.staffRoles ?? DEFAULT_STAFF_ROLES);
  const operation: Record<string, unknown> = {
    summary: definition.summary,
    tags: [definition.tag ?? api.module],
    operationId: `${definition.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_match, char: string | undefined) => (char ?? '').toUpperCase())}`,
    description: `Roles: ${roles.join(', ')}.`,
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
  if (definition.multipart) {
    operation.requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } } };
  } else if (definition.body) {
    operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(definition.body, 'input') } } };
  }
  return operation;
}

/** The OpenAPI 3.1 document of Lavka's staff APIs, generated from every route's zod schemas. */
export function buildOpenApi(apis: readonly DocumentedApi[], info: { version: string; title: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const api of apis) {
    for (const definition of api.routes) {
      const path = `${api.prefix}${definition.url}`.replace(/:([A-Za-z_]\w*)/g, '{$1}').replace(/\/$/, '') || '/';
      paths[path] = { ...paths[path], [definition.method.toLowerCase()]: operationOf(api, definition, path) };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: "The API of the Lavka admin panel. Log in first (POST /public/admin/login or /public/admin/link); send the session's CSRF token in x-csrf-token with every request that changes something.",
    },
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
          properties: {
            error: { type: 'string', description: 'A dotted code such as admin.forbidden' },
            message: { type: 'string' },
            details: { type: 'object', description: 'Facts the caller may act on (the status an order has moved to, a retry delay)' },
          },
        },
      },
    },
  };
}
