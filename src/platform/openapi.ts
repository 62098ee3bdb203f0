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
const errorAnswer = (description: string) => ({ description, content: { 'application/json': { schema: errorRef } } });

/** Who an API is for: the panel's staff (session and CSRF) or the business's systems (API keys). */
export type ApiAudience = 'staff' | 'integration';

/** The parts of an operation that depend on who calls it. */
function accessOf(api: DocumentedApi, definition: AnyApiRoute, audience: ApiAudience): Record<string, unknown> {
  const unsafe = definition.method !== 'GET';
  if (audience === 'integration') {
    return {
      description: `Scope: ${definition.scope ?? '—'}.${unsafe ? ' Send an Idempotency-Key to retry safely: the same key with the same request returns the first answer; with another request, 409.' : ''}`,
      security: [{ apiKey: [] }],
      extraParameters: unsafe ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }] : [],
      refusals: {
        '401': errorAnswer('No API key, or one that is unknown, revoked or expired'),
        '403': errorAnswer('The key lacks the scope'),
        ...(unsafe ? { '409': errorAnswer('The Idempotency-Key was used for another request, or its first request still runs') } : {}),
        '429': errorAnswer('Too many requests with this key: wait for Retry-After seconds'),
      },
    };
  }
  const roles = withOwner(definition.staffRoles ?? api.staffRoles ?? DEFAULT_STAFF_ROLES);
  return {
    description: `Roles: ${roles.join(', ')}.`,
    security: unsafe ? [{ sessionCookie: [], csrfToken: [] }] : [{ sessionCookie: [] }],
    extraParameters: [],
    refusals: { '401': errorAnswer('No valid session'), '403': errorAnswer('Wrong role, or a missing CSRF token') },
  };
}

function operationOf(api: DocumentedApi, definition: AnyApiRoute, path: string, audience: ApiAudience): Record<string, unknown> {
  const access = accessOf(api, definition, audience);
  const operation: Record<string, unknown> = {
    summary: definition.summary,
    tags: [definition.tag ?? api.module],
    operationId: `${definition.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_match, char: string | undefined) => (char ?? '').toUpperCase())}`,
    description: access.description,
    security: access.security,
    parameters: [...parameters(definition.params, 'path'), ...parameters(definition.query, 'query'), ...(access.extraParameters as unknown[])],
    responses: {
      [String(definition.status ?? 200)]: definition.produces
        ? { description: 'A file', content: { [definition.produces]: { schema: { type: 'string', format: 'binary' } } } }
        : { description: 'OK', content: { 'application/json': { schema: definition.response ? jsonSchema(definition.response, 'output') : {} } } },
      '400': errorAnswer('Invalid input'),
      ...(access.refusals as Record<string, unknown>),
    },
  };
  if (definition.multipart) {
    operation.requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } } };
  } else if (definition.body) {
    operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(definition.body, 'input') } } };
  }
  return operation;
}

/** Where a route of an API lives, in OpenAPI's form: `/api/v1/orders/{id}`. */
export function documentedPath(prefix: string, url: string): string {
  return `${prefix}${url}`.replace(/:([A-Za-z_]\w*)/g, '{$1}').replace(/\/$/, '') || '/';
}

const STAFF_COMPONENTS = {
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
};

const INTEGRATION_COMPONENTS = {
  securitySchemes: {
    apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'lvk_live_…', description: 'An API key from the Integrations page of the admin panel.' },
  },
  schemas: {
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', description: 'A dotted code such as api.scope_missing or orders.transition_not_allowed' },
            message: { type: 'string' },
            details: { type: 'object', description: 'Facts the caller may act on (the scope needed, the status an order has moved to)' },
          },
        },
      },
    },
  },
};

const DESCRIPTIONS: Readonly<Record<ApiAudience, string>> = {
  staff: "The API of the Lavka admin panel. Log in first (POST /public/admin/login or /public/admin/link); send the session's CSRF token in x-csrf-token with every request that changes something.",
  integration:
    'The API the business\'s other systems (an ERP, a warehouse, a CRM, a site) call with an API key: `Authorization: Bearer lvk_live_…`. Keys are made on the Integrations page of the admin panel with the scopes they need. Errors are `{ "error": { "code", "message", "details" } }`; 429 answers carry Retry-After; every request that changes something may carry an Idempotency-Key (kept 24 hours).',
};

/** The OpenAPI 3.1 document of one of Lavka's APIs, generated from every route's zod schemas. */
export function buildOpenApi(apis: readonly DocumentedApi[], info: { version: string; title: string; audience?: ApiAudience }): Record<string, unknown> {
  const audience = info.audience ?? 'staff';
  const paths: Record<string, Record<string, unknown>> = {};
  for (const api of apis) {
    for (const definition of api.routes) {
      const path = documentedPath(api.prefix, definition.url);
      paths[path] = { ...paths[path], [definition.method.toLowerCase()]: operationOf(api, definition, path, audience) };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: DESCRIPTIONS[audience] },
    paths,
    components: audience === 'integration' ? INTEGRATION_COMPONENTS : STAFF_COMPONENTS,
  };
}
