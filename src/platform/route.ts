import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { GuardedRouteConfig } from './access.ts';
import { isLavkaError, sendError } from './errors.ts';
import { staffOf, type StaffPrincipal } from './principal.ts';
import type { StaffRole } from './roles.ts';

/** HTTP methods of Lavka's APIs. */
export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler receives: validated input and who asked. */
export interface RouteInput<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  principal: StaffPrincipal;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One API route: its zod schemas validate the request and also produce the OpenAPI
 * document, so the documentation cannot drift from what the server accepts. A handler
 * returns its answer or throws a module's refusal (a {@link LavkaError}); the route helper
 * turns either into HTTP.
 */
export interface ApiRoute<Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined> {
  method: ApiMethod;
  /** Fastify path under the module's prefix, e.g. `/:id/status`. */
  url: string;
  /** One line for the API documentation. */
  summary: string;
  /** The OpenAPI tag (the panel page it serves); default: the module's name. */
  tag?: string;
  /** Roles allowed instead of the module's; the owner always is. */
  staffRoles?: readonly StaffRole[];
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
  handler(input: RouteInput<z.output<Q>, z.output<P>, z.output<B>>): Promise<unknown>;
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

/** How a set of routes is mounted. */
export interface RouteSetOptions {
  /** The code of the answer to input that does not match a schema, e.g. `orders.invalid_request`. */
  invalidInput: string;
}

/**
 * Registers routes on a guarded scope: the input is validated first (a clear 400 that changes
 * nothing), then the handler runs, and a module's refusal is answered through the one
 * error-to-HTTP map ({@link sendError}). Anything else is a fault, left to the server.
 */
export async function registerRoutes(app: FastifyInstance, routes: readonly AnyApiRoute[], options: RouteSetOptions): Promise<void> {
  // Uploads are parsed only in the scopes of modules that take them; each route sets its limits.
  if (routes.some((definition) => definition.multipart)) await app.register(multipart);
  for (const definition of routes) {
    const config: GuardedRouteConfig = {
      ...(definition.staffRoles ? { staffRoles: definition.staffRoles } : {}),
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
          return await definition.handler({ query: input.query, params: input.params, body: input.body, principal: staffOf(request), request, reply });
        } catch (error) {
          if (isLavkaError(error)) return sendError(reply, error);
          // A service that checks its own input (the clinic's directory) refuses it with zod.
          if (error instanceof z.ZodError) return invalid(error.issues);
          throw error;
        }
      },
    });
  }
}
