import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { GuardedRouteConfig } from './access.ts';
import { isLavkaError, sendError } from './errors.ts';
import type { IntegrationRouteConfig } from './integration-access.ts';
import { sendApiError, sendIntegrationError } from './integration.errors.ts';
import { apiKeyOf, miniAppUserOf, staffOf, type ApiKeyPrincipal, type MiniAppPrincipal, type Principal, type StaffPrincipal } from './principal.ts';
import type { StaffRole } from './roles.ts';
import type { ApiScope } from './scopes.ts';

/** HTTP methods of Lavka's APIs. */
export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler receives: validated input and who asked. */
export interface RouteInput<Q, P, B, Who extends Principal = StaffPrincipal> {
  query: Q;
  params: P;
  body: B;
  principal: Who;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One API route: its zod schemas validate the request and also produce the OpenAPI
 * document, so the documentation cannot drift from what the server accepts. A handler
 * returns its answer or throws a module's refusal (a {@link LavkaError}); the route helper
 * turns either into HTTP.
 */
export interface ApiRoute<Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined, Who extends Principal = StaffPrincipal> {
  method: ApiMethod;
  /** Fastify path under the module's prefix, e.g. `/:id/status`. */
  url: string;
  /** One line for the API documentation. */
  summary: string;
  /** The OpenAPI tag (the panel page it serves); default: the module's name. */
  tag?: string;
  /** Roles allowed instead of the module's; the owner always is. */
  staffRoles?: readonly StaffRole[];
  /** The scope an API key needs (integration routes only; each one names it). */
  scope?: ApiScope;
  /** `false` for a POST that changes nothing (a preview, a count): no audit entry. */
  audit?: false;
  query?: Q;
  params?: P;
  body?: B;
  /** Shape of a successful JSON answer (documentation only). */
  response?: z.ZodType;
  /** A non-JSON answer (a file download), described for the docs. */
  produces?: string;
  /** The longest body this route accepts (an upload), instead of the server's default. */
  bodyLimit?: number;
  /** Takes a file as multipart/form-data; the handler reads it with `request.file({ limits })`. */
  multipart?: true;
  /** HTTP status of a successful answer (201 for a created record); default 200. */
  status?: number;
  handler(input: RouteInput<z.output<Q>, z.output<P>, z.output<B>, Who>): Promise<unknown>;
}

/** Any route, for lists; each one was type-checked by {@link route}. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a heterogeneous list of routes checked one by one in route()
export type AnyApiRoute = ApiRoute<any, any, any, any>;

/** Declares a staff route (the admin panel's API) with its handler typed from its schemas. */
export function route<Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
  definition: ApiRoute<Q, P, B>,
): AnyApiRoute {
  return definition as AnyApiRoute;
}

/**
 * Declares a route of the integration API (`/api/v1`), called by the business's other systems
 * with an API key: it names the scope the key needs, and its handler gets the key.
 */
export function integrationRoute<Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
  definition: ApiRoute<Q, P, B, ApiKeyPrincipal> & { scope: ApiScope },
): AnyApiRoute {
  return definition as AnyApiRoute;
}

/**
 * Declares a route of the Mini App's API (`/api/miniapp`), called by the customer's Mini App
 * with its initData: its handler gets the Telegram user, who is the same person in the chat.
 */
export function miniAppRoute<Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
  definition: ApiRoute<Q, P, B, MiniAppPrincipal>,
): AnyApiRoute {
  return definition as AnyApiRoute;
}

/** Turns zod issues into one sentence per field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('; ');
}

/** How a set of routes is mounted. */
export interface RouteSetOptions {
  /** The code of the answer to input that does not match a schema, e.g. `orders.invalid_request`. */
  invalidInput: string;
  /**
   * Who calls them: staff (the panel's API: `{ error, message }`, the principal a staff session)
   * integrations (`/api/v1`: `{ error: { code, message } }`, the principal an API key) or
   * the Mini App (`/api/miniapp`: the integration API's error shape, the principal a Telegram user).
   */
  audience?: 'staff' | 'integration' | 'miniapp';
}

/**
 * Registers routes on a guarded scope: the input is validated first (a clear 400 that changes
 * nothing), then the handler runs, and a module's refusal is answered through the one
 * error-to-HTTP map ({@link sendError}). Anything else is a fault, left to the server.
 */
export async function registerRoutes(app: FastifyInstance, routes: readonly AnyApiRoute[], options: RouteSetOptions): Promise<void> {
  // Uploads are parsed only in the scopes of modules that take them; each route sets its limits.
  // The parser loads with the first such scope, not with every module's routes at start.
  if (routes.some((definition) => definition.multipart)) await app.register((await import('@fastify/multipart')).default);
  // The integration API and the Mini App answer `{ error: { code, message, details } }`.
  const integration = options.audience === 'integration' || options.audience === 'miniapp';
  const principalOf: (request: FastifyRequest) => Principal = options.audience === 'miniapp' ? miniAppUserOf : integration ? apiKeyOf : staffOf;
  const refuse = integration ? sendIntegrationError : sendError;
  for (const definition of routes) {
    const config: GuardedRouteConfig & IntegrationRouteConfig = {
      ...(definition.staffRoles ? { staffRoles: definition.staffRoles } : {}),
      ...(definition.scope ? { scope: definition.scope } : {}),
      ...(definition.audit === false ? { audit: false } : {}),
    };
    app.route({
      method: definition.method,
      url: definition.url,
      config,
      ...(definition.bodyLimit ? { bodyLimit: definition.bodyLimit } : {}),
      handler: async (request, reply) => {
        const invalid = (zodIssues: readonly z.core.$ZodIssue[]) => {
          const issues = zodIssues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`);
          if (integration) return sendApiError(reply, 400, { code: options.invalidInput, message: issues.join('; '), details: { issues } });
          return reply.code(400).send({ error: options.invalidInput, message: issues.join('; '), issues });
        };
        const parts = [
          ['query', definition.query, request.query],
          ['params', definition.params, request.params],
          ['body', definition.body, request.body],
        ] as const;
        const input: Record<string, unknown> = {};
        for (const [name, schema, value] of parts) {
          if (!schema) continue;
          const parsed = schema.safeParse(value ?? (name === 'body' ? undefined : {}));
          if (!parsed.success) return invalid(parsed.error.issues);
          input[name] = parsed.data;
        }
        try {
          const answer = await definition.handler({ query: input.query, params: input.params, body: input.body, principal: principalOf(request), request, reply });
          if (definition.status && !reply.sent) reply.code(definition.status);
          return answer;
        } catch (error) {
          if (isLavkaError(error)) return refuse(reply, error);
          // A service that checks its own input (the clinic's directory) refuses it with zod.
          if (error instanceof z.ZodError) return invalid(error.issues);
          throw error;
        }
      },
    });
  }
}
