import type {} from '@fastify/cookie';
import { z } from 'zod';
import { keySession, signIn, signOut } from '../../services/accounts.ts';
import { addRoute, type RouteDeps } from '../route.ts';
import { sessionSchema } from '../schemas.ts';

export const SESSION_COOKIE = 'vigie_session';

const SignInBody = z.object({ email: z.string().max(254), password: z.string().max(1024) });

export function registerSessionRoutes(deps: RouteDeps): void {
  addRoute(deps, {
    method: 'POST',
    url: '/api/v1/session',
    tag: 'session',
    summary: 'Sign in: sets the session cookie (a new one at every sign-in) and returns the CSRF token',
    auth: 'none',
    body: SignInBody,
    responses: {
      200: { description: 'signed in', schema: sessionSchema },
      401: { description: 'BAD_CREDENTIALS' },
      429: { description: 'RATE_LIMITED, with Retry-After' },
    },
    handler: async (request, reply, ctx) => {
      const previous = request.vigieAuth;
      const { cookie, session } = await signIn(ctx, request.body, request.ip);
      if (previous?.via === 'cookie' && previous.cookie !== undefined)
        await signOut({ ...ctx, actor: previous.actor }, previous.cookie);
      reply.setCookie(SESSION_COOKIE, cookie, {
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        path: '/',
        maxAge: 7 * 86_400,
      });
      return session;
    },
  });
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/session',
    tag: 'session',
    summary: 'The signed-in user (or API key) and a CSRF token',
    auth: 'actor',
    responses: {
      200: { description: 'signed in', schema: sessionSchema },
      401: { description: 'UNAUTHENTICATED' },
    },
    handler: async (request) => {
      const auth = request.vigieAuth;
      if (auth === null) return undefined;
      return auth.via === 'key' ? keySession(auth.actor) : auth.session;
    },
  });
  addRoute(deps, {
    method: 'DELETE',
    url: '/api/v1/session',
    tag: 'session',
    summary: 'Sign out: the session is deleted on the server and the cookie cleared',
    auth: 'actor',
    responses: { 204: { description: 'signed out' }, 401: { description: 'UNAUTHENTICATED' } },
    handler: async (request, reply, ctx) => {
      const auth = request.vigieAuth;
      if (auth?.via === 'cookie' && auth.cookie !== undefined) await signOut(ctx, auth.cookie);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  });
}
