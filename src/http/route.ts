/**
 * One helper registers a route and records its description for the OpenAPI document: the method, the
 * path, who may call it, the zod schemas of its query, path and body (the services validate with the
 * same schemas). Each domain's file under routes/ adds its routes with it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { csrfMatches, type SessionJson, unauthenticated } from '../services/accounts.ts';
import { type Actor, type ServiceContext, withActor } from '../services/context.ts';
import { ServiceError } from '../services/errors.ts';
import { sendError } from './errors.ts';

/** `none`: anyone; `actor`: a session or an API key (the services check the role). */
export type RouteAuth = 'none' | 'actor';

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Fastify's form: `/api/v1/numbers/:number`. */
  readonly url: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly auth: RouteAuth;
  /** Roles the route serves (for the reference); the service is what checks them. */
  readonly roles?: readonly string[];
  readonly query?: z.ZodObject;
  readonly params?: Readonly<Record<string, string>>;
  readonly body?: z.ZodType | 'multipart';
  /** Status → description of the answers (errors added for every route). */
  readonly responses: Readonly<
    Record<number, { description: string; schema?: object; contentType?: string }>
  >;
  readonly handler: (request: FastifyRequest, reply: FastifyReply, ctx: ServiceContext) => Promise<unknown>;
}

/** How the request was authenticated, set by the server's `onRequest` hook. */
export interface RequestAuth {
  readonly actor: Actor;
  readonly via: 'cookie' | 'key';
  readonly cookie?: string;
  readonly csrf?: string;
  readonly session?: SessionJson;
}

declare module 'fastify' {
  interface FastifyRequest {
    vigieAuth: RequestAuth | null;
  }
}

export interface RouteDeps {
  readonly app: FastifyInstance;
  /** The server's context; each request gets a copy with its actor. */
  readonly base: ServiceContext;
  readonly routes: RouteSpec[];
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function addRoute(deps: RouteDeps, spec: RouteSpec): void {
  deps.routes.push(spec);
  deps.app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      try {
        const auth = request.vigieAuth;
        if (spec.auth === 'actor' && auth === null) throw unauthenticated();
        if (auth?.via === 'cookie' && STATE_CHANGING.has(request.method) && spec.auth !== 'none') {
          const header = request.headers['x-csrf-token'];
          if (!csrfMatches(auth.csrf ?? '', typeof header === 'string' ? header : undefined))
            throw new ServiceError(
              'CSRF',
              'jeton CSRF absent ou invalide (en-tête x-csrf-token)',
              'missing or invalid CSRF token (x-csrf-token header)',
            );
        }
        const ctx = auth === null ? deps.base : withActor(deps.base, auth.actor);
        const result = await spec.handler(request, reply, ctx);
        if (reply.sent) return reply;
        return result;
      } catch (error) {
        return sendError(request, reply, error);
      }
    },
  });
}

/** Query string values as the services take them (fastify gives strings, or arrays when repeated). */
export function queryOf(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0];
  }
  return out;
}

export function paramOf(request: FastifyRequest, name: string): string {
  const value = (request.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}
