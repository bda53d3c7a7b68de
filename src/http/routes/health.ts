import { addRoute, type RouteDeps } from '../route.ts';

const VERSION = '0.1.0';

export function registerHealthRoutes(deps: RouteDeps): void {
  addRoute(deps, {
    method: 'GET',
    url: '/api/v1/health',
    tag: 'health',
    summary: 'Whether the server runs and its database is readable (no authentication)',
    auth: 'none',
    responses: {
      200: { description: 'the database answers', schema: { type: 'object' } },
      503: { description: 'the database cannot be read', schema: { type: 'object' } },
    },
    handler: async (_request, reply, ctx) => {
      try {
        await ctx.reader.one('SELECT count(*) AS n FROM schema_migrations');
        return { status: 'ok', database: 'readable', version: VERSION };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: 'unreadable', version: VERSION });
      }
    },
  });
}
